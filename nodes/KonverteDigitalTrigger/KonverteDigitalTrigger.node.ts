import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { chatwootTriggerDescriptionBase, chatwootTriggerSubtitle, chatwootTriggerEngine } from '../ChatwootTrigger/chatwootTriggerFamily';
import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';

/** Konverte Digital runs on Chatwoot: the same trigger under its own name and credential. */
const brand: ChatwootBrand = {
	platformName: 'Konverte Digital',
	nodeName: 'konverteDigitalTrigger',
	credentialType: 'konverteDigitalApi',
	platformCredentialType: 'konverteDigitalPlatformApi',
};

const engine = chatwootTriggerEngine(brand);

export class KonverteDigitalTrigger implements INodeType {
	description: INodeTypeDescription = {
		...chatwootTriggerDescriptionBase(brand),
		subtitle: chatwootTriggerSubtitle,
		displayName: 'Konverte Digital Trigger',
		name: 'konverteDigitalTrigger',
		icon: { light: 'file:../KonverteDigital/konverteDigital.svg', dark: 'file:../KonverteDigital/konverteDigital.dark.svg' },
		// n8n's node search lists the action node and its trigger as one entry with the trigger's description:
		// both say the same.
		description: 'Reply to customers, manage conversations, contacts, labels and teams in Konverte Digital, and start workflows on its events',
		defaults: { name: 'Konverte Digital Trigger' },
		inputs: [],
	};

	methods = { loadOptions: engine.loadOptions };

	webhookMethods = engine.webhookMethods;

	webhook = engine.webhook;

	trigger = engine.trigger;
}
