import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { chatwootTriggerDescriptionBase, chatwootTriggerEngine } from './chatwootTriggerFamily';

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
		subtitle: '={{$parameter["events"].join(", ")}}',
		displayName: 'Chatwoot Trigger',
		name: 'chatwootTrigger',
		icon: { light: 'file:../Chatwoot/chatwoot.svg', dark: 'file:../Chatwoot/chatwoot.dark.svg' },
		description: 'Starts the workflow on Chatwoot events: new messages, conversations, contacts, typing and more (signed webhooks)',
		defaults: { name: 'Chatwoot Trigger' },
		inputs: [],
	};

	methods = { loadOptions: engine.loadOptions };

	webhookMethods = engine.webhookMethods;

	webhook = engine.webhook;
}
