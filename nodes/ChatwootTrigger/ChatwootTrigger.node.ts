import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { chatwootTriggerDescriptionBase, chatwootTriggerSubtitle, chatwootTriggerEngine } from './chatwootTriggerFamily';

const brand: ChatwootBrand = {
	platformName: 'Chatwoot',
	nodeName: 'chatwootTrigger',
	credentialType: 'chatwootApi',
	platformCredentialType: 'chatwootPlatformApi',
};

const engine = chatwootTriggerEngine(brand);

export class ChatwootTrigger implements INodeType {
	description: INodeTypeDescription = {
		...chatwootTriggerDescriptionBase(brand),
		subtitle: chatwootTriggerSubtitle,
		displayName: 'Chatwoot Trigger',
		name: 'chatwootTrigger',
		icon: { light: 'file:../Chatwoot/chatwoot.svg', dark: 'file:../Chatwoot/chatwoot.dark.svg' },
		// n8n's node search lists the action node and its trigger as one entry with the trigger's description:
		// both say the same.
		description: 'Reply to customers, manage conversations, contacts, labels and teams in Chatwoot, and start workflows on its events',
		defaults: { name: 'Chatwoot Trigger' },
		inputs: [],
	};

	methods = { loadOptions: engine.loadOptions };

	webhookMethods = engine.webhookMethods;

	webhook = engine.webhook;

	trigger = engine.trigger;
}
