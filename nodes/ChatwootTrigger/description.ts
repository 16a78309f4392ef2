import type { INodeProperties } from 'n8n-workflow';

import { RESPOND_OPTION } from '../shared/trigger/webhookRequest';

/** What Chatwoot delivers to account webhooks (its `Webhook::ALLOWED_WEBHOOK_EVENTS`). */
export const CHATWOOT_EVENTS = [
	{ name: 'Contact Created', value: 'contact_created' },
	{ name: 'Contact Updated', value: 'contact_updated' },
	{ name: 'Conversation Created', value: 'conversation_created' },
	{ name: 'Conversation Status Changed', value: 'conversation_status_changed', description: 'Opened, resolved, pending or snoozed' },
	{ name: 'Conversation Typing Off', value: 'conversation_typing_off' },
	{ name: 'Conversation Typing On', value: 'conversation_typing_on' },
	{ name: 'Conversation Updated', value: 'conversation_updated' },
	{ name: 'Inbox Created', value: 'inbox_created' },
	{ name: 'Inbox Updated', value: 'inbox_updated' },
	{ name: 'Message Created', value: 'message_created' },
	{ name: 'Message Updated', value: 'message_updated' },
	{ name: 'Website Widget Opened', value: 'webwidget_triggered', description: 'A visitor opened the live chat widget' },
];

/** What Chatwoot sends an agent bot: the events of app/listeners/agent_bot_listener.rb. */
export const AGENT_BOT_EVENTS = [
	{ name: 'Conversation Opened', value: 'conversation_opened' },
	{ name: 'Conversation Resolved', value: 'conversation_resolved' },
	{ name: 'Conversation Status Changed', value: 'conversation_status_changed', description: 'Opened, resolved, pending or snoozed' },
	{ name: 'Conversation Updated', value: 'conversation_updated' },
	{ name: 'Message Created', value: 'message_created' },
	{ name: 'Message Updated', value: 'message_updated' },
	{ name: 'Website Widget Opened', value: 'webwidget_triggered', description: 'A visitor opened the live chat widget' },
];

export type TriggerMode = 'accountWebhook' | 'agentBot';

export const chatwootTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Account ID',
		name: 'accountId',
		type: 'string',
		default: '',
		placeholder: 'From the credential',
		description: "Account whose events start the workflow. Leave empty to use the credential's default account.",
	},
	{
		displayName: 'Receive Events As',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'Account Webhook',
				value: 'accountWebhook',
				description: 'An account webhook: the chosen events of every inbox',
			},
			{
				name: 'Agent Bot',
				value: 'agentBot',
				description:
					'An agent bot connected to the chosen inboxes: their new conversations start pending and wait for the workflow to answer or hand them over to a human',
			},
		],
		default: 'accountWebhook',
		description:
			'How the workflow is connected. Activation creates the webhook or the agent bot (or takes over one with this URL); deactivation removes it.',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['message_created'],
		options: CHATWOOT_EVENTS,
		description: 'Events that start the workflow. The account webhook is updated when the workflow is activated.',
		displayOptions: { show: { mode: ['accountWebhook'] } },
	},
	{
		displayName: 'Bot Inbox Names or IDs',
		name: 'botInboxIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getInboxes' },
		required: true,
		default: [],
		description:
			'Inboxes the agent bot is connected to; a bot already connected to one of them is replaced. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { mode: ['agentBot'] } },
	},
	{
		displayName: 'Bot Events',
		name: 'botEvents',
		type: 'multiOptions',
		required: true,
		default: ['message_created'],
		options: AGENT_BOT_EVENTS,
		description: 'Events of the bot\'s inboxes that start the workflow. Chatwoot sends a bot all of them; the others are answered and dropped.',
		displayOptions: { show: { mode: ['agentBot'] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Ignore Messages by Agents and Bots',
				name: 'ignoreAgentAndBotMessages',
				type: 'boolean',
				default: false,
				description:
					"Whether to skip messages written on the account's side (agents, agent bots, automations, API replies such as this workflow's own), so a reply cannot start the workflow again",
			},
			{
				displayName: 'Ignore Messages by User IDs',
				name: 'ignoreUserIds',
				type: 'string',
				default: '',
				placeholder: '12, 15',
				description: 'Comma-separated IDs of agents whose messages are skipped, e.g. the user whose token this workflow replies with',
			},
			{
				displayName: 'Inbox Names or IDs',
				name: 'inboxIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getInboxes' },
				default: [],
				description:
					'Only events of these inboxes; events without an inbox (contacts) always pass. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Message Types',
				name: 'messageTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Activity', value: 'activity', description: 'Status changes, assignments and other system notes' },
					{ name: 'Incoming', value: 'incoming', description: 'From the contact' },
					{ name: 'Outgoing', value: 'outgoing', description: 'From an agent, a bot or the API' },
					{ name: 'Template', value: 'template', description: 'Template messages, e.g. WhatsApp templates' },
				],
				default: [],
				description: 'Only message events of these types; none chosen lets every type through',
			},
			{
				displayName: 'Private Notes',
				name: 'privateNotes',
				type: 'options',
				options: [
					{ name: 'Include', value: 'include' },
					{ name: 'Exclude', value: 'exclude' },
					{ name: 'Only Private Notes', value: 'only' },
				],
				default: 'include',
				description: 'Whether message events of private notes (seen by agents only) start the workflow',
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
				displayName: 'Accept Unsigned Deliveries',
				name: 'acceptUnsigned',
				type: 'boolean',
				default: false,
				description:
					'Whether to accept deliveries without a valid signature. Only for self-hosted servers older than 4.14, which do not sign webhooks; anyone who learns the URL can then start the workflow.',
			},
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				description: "Whether to download the files of incoming messages into the binary properties 'attachment_0', 'attachment_1' and so on",
			},
			{
				displayName: 'Include Raw Payload',
				name: 'includeRawPayload',
				type: 'boolean',
				default: false,
				description: 'Whether to add the payload exactly as Chatwoot sent it, under "raw"',
			},
			{
				displayName: 'Max Delivery Age (Minutes)',
				name: 'maxDeliveryAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description:
					'Signed deliveries whose timestamp is further than this from the current time are refused, so a captured delivery cannot be replayed later; a delivery is remembered this long to recognise its resends',
			},
			RESPOND_OPTION,
		],
	},
];
