import {
	NodeConnectionTypes,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { chatwootLoadOptions } from '../Chatwoot/methods/loadOptions';
import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { receiveChatwootDelivery } from './delivery';
import { chatwootTriggerProperties } from './description';
import { registrationMethods } from '../shared/trigger/registration';
import { TRIGGER_WEBHOOK } from '../shared/trigger/webhookRequest';
import { adoptWebhook, createWebhook, removeWebhooks } from './registration';

/** What both brands' trigger descriptions share; each class states its own name, icon and summary. */
export function chatwootTriggerDescriptionBase(
	brand: ChatwootBrand,
): Omit<INodeTypeDescription, 'displayName' | 'name' | 'icon' | 'description' | 'defaults' | 'inputs' | 'subtitle'> {
	return {
		group: ['trigger'],
		version: 1,
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: brand.credentialType, required: true }],
		webhooks: [TRIGGER_WEBHOOK],
		properties: chatwootTriggerProperties,
	};
}

/** Pickers, webhook lifecycle and delivery handling of one brand's trigger, ready to be a node's members. */
export function chatwootTriggerEngine(brand: ChatwootBrand) {
	return {
		loadOptions: { getInboxes: chatwootLoadOptions(brand).getInboxes },
		webhookMethods: registrationMethods(brand.platformName, {
			adopt: async (ctx) => await adoptWebhook(ctx, brand),
			create: async (ctx) => await createWebhook(ctx, brand),
			remove: async (ctx) => await removeWebhooks(ctx, brand),
		}),
		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await receiveChatwootDelivery(this, brand);
		},
	};
}
