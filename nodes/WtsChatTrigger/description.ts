import type { INodeProperties } from 'n8n-workflow';

import { RESPOND_OPTION } from '../shared/trigger/webhookRequest';
import { DEFAULT_MAX_AGE_MINUTES } from './delivery';

/** The events WTS delivers (`webhooks` in specs/wts/openapi.json). */
export const WTS_EVENTS = [
	{ name: 'Card Moved to Another Step', value: 'PANEL_CARD_STEP_CHANGE' },
	{ name: 'Card Note Updated', value: 'PANEL_CARD_NOTE_UPDATE' },
	{ name: 'Card Updated', value: 'PANEL_CARD_UPDATE' },
	{ name: 'Contact Tags Updated', value: 'CONTACT_TAG_UPDATE' },
	{ name: 'Contact Updated', value: 'CONTACT_UPDATE' },
	{ name: 'Message Received', value: 'MESSAGE_RECEIVED' },
	{ name: 'Message Sent', value: 'MESSAGE_SENT' },
	{ name: 'Message Updated', value: 'MESSAGE_UPDATED' },
	{ name: 'New Card', value: 'PANEL_CARD_NEW' },
	{ name: 'New Card Note', value: 'PANEL_CARD_NOTE_NEW' },
	{ name: 'New Contact', value: 'CONTACT_NEW' },
	{ name: 'New Payment', value: 'PAYMENT_NEW' },
	{ name: 'New Session', value: 'SESSION_NEW' },
	{ name: 'Payment Updated', value: 'PAYMENT_UPDATE' },
	{ name: 'Session Completed', value: 'SESSION_COMPLETE' },
	{ name: 'Session Updated', value: 'SESSION_UPDATE' },
] as const;

export const wtsTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['MESSAGE_RECEIVED'],
		options: [...WTS_EVENTS],
		description: 'Events that start the workflow. The subscription in WTS Chat is updated when the workflow is activated.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Channel Names or IDs',
				name: 'channelIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getChannels' },
				default: [],
				description:
					'Only messages and sessions of these channels; other events have no channel and always pass. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				options: [
					{ name: 'Any', value: 'any' },
					{ name: 'Incoming (From the Contact)', value: 'incoming' },
					{ name: 'Outgoing (To the Contact)', value: 'outgoing' },
				],
				default: 'any',
				description:
					'Which messages pass. Message Received is incoming and Message Sent outgoing; a Message Updated is outgoing when it has an agent or a non-default origin.',
			},
			{
				displayName: 'Ignore Messages Sent Through the API',
				name: 'ignoreApiMessages',
				type: 'boolean',
				default: false,
				description: 'Whether to skip messages the account sent through the API, such as the replies of this workflow, so they cannot start it again',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description: "Whether to download the files of received messages into the binary properties 'attachment_0', 'attachment_1' and so on",
			},
			{
				displayName: 'Max Delivery Age (Minutes)',
				name: 'maxDeliveryAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_AGE_MINUTES,
				description:
					'Deliveries dated further than this from the current time are refused, so a captured delivery cannot be replayed later; a delivery is remembered this long to recognise its resends',
			},
			RESPOND_OPTION,
		],
	},
];
