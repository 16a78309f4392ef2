import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { eventsSubtitle } from '../shared/engine/subtitle';
import { startTrigger } from '../shared/trigger/emitter';
import { registrationMethods } from '../shared/trigger/registration';
import { TRIGGER_WEBHOOK } from '../shared/trigger/webhookRequest';
import { getChannels } from '../WtsChat/methods/loadOptions';
import { receiveWtsDelivery } from './delivery';
import { wtsTriggerProperties } from './description';
import { adoptSubscription, createSubscription, removeSubscriptions } from './subscription';

export class WtsChatTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WTS Chat Trigger',
		name: 'wtsChatTrigger',
		icon: { light: 'file:../WtsChat/wtsChat.svg', dark: 'file:../WtsChat/wtsChat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle(wtsTriggerProperties),
		// n8n's node search lists the action node and its trigger as one entry with the trigger's description:
		// both say the same.
		description: 'Send WhatsApp and Instagram messages, manage contacts, sessions and CRM cards, and start workflows on WTS Chat events',
		defaults: { name: 'WTS Chat Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wtsChatApi', required: true }],
		webhooks: [TRIGGER_WEBHOOK],
		properties: wtsTriggerProperties,
	};

	methods = { loadOptions: { getChannels } };

	webhookMethods = registrationMethods('WTS Chat', { adopt: adoptSubscription, create: createSubscription, remove: removeSubscriptions });

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWtsDelivery(this);
	}

	trigger = startTrigger;
}
