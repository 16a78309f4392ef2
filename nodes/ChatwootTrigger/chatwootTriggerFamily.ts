import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { chatwootLoadOptions } from '../Chatwoot/methods/loadOptions';
import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { receiveChatwootDelivery } from './delivery';
import { chatwootTriggerProperties } from './description';
import { chosenNames } from '../shared/engine/subtitle';
import { startTrigger } from '../shared/trigger/emitter';
import { registrationMethods } from '../shared/trigger/registration';
import { TRIGGER_WEBHOOK } from '../shared/trigger/webhookRequest';
import { adoptAgentBot, createAgentBot, removeAgentBots } from './agentBot';
import type { TriggerMode } from './description';
import { adoptWebhook, createWebhook, removeWebhooks, type ChatwootTriggerState } from './registration';

const modeOf = (ctx: IHookFunctions) => ctx.getNodeParameter('mode', 'accountWebhook') as TriggerMode;

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

/** Pickers, webhook lifecycle, delivery handling and the trigger side (emitter.ts) of one brand's trigger, ready to be a node's members. */
export function chatwootTriggerEngine(brand: ChatwootBrand) {
	return {
		loadOptions: { getInboxes: chatwootLoadOptions(brand).getInboxes },
		webhookMethods: registrationMethods(brand.platformName, {
			adopt: async (ctx) => (modeOf(ctx) === 'agentBot' ? await adoptAgentBot(ctx, brand) : await adoptWebhook(ctx, brand)),
			create: async (ctx) => (modeOf(ctx) === 'agentBot' ? await createAgentBot(ctx, brand) : await createWebhook(ctx, brand)),
			// What an activation in the other mode left behind is removed too.
			async remove(ctx) {
				const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
				const botLeft = state.agentBotId !== undefined;
				const webhookLeft = state.webhookId !== undefined;
				if (modeOf(ctx) === 'agentBot' || botLeft) await removeAgentBots(ctx, brand);
				if (modeOf(ctx) === 'accountWebhook' || webhookLeft) await removeWebhooks(ctx, brand);
				return true;
			},
		}),
		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await receiveChatwootDelivery(this, brand);
		},
		trigger: startTrigger,
	};
}

/** The names of the chosen events on the canvas, those of the agent bot's in agent bot mode. */
export const chatwootTriggerSubtitle = `={{ $parameter["mode"] === "agentBot" ? "Agent bot: " + ${chosenNames(chatwootTriggerProperties, 'botEvents')} : ${chosenNames(chatwootTriggerProperties, 'events')} }}`;
