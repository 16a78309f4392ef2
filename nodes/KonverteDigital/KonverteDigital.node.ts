import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { router } from '../Chatwoot/actions/router';
import { chatwootDescriptionBase } from '../Chatwoot/chatwootFamily';
import { chatwootListSearch } from '../Chatwoot/methods/listSearch';
import { chatwootLoadOptions } from '../Chatwoot/methods/loadOptions';
import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';

/** Konverte Digital runs on Chatwoot: the same engine and operations under its own name and credentials. */
const brand: ChatwootBrand = {
	platformName: 'Konverte Digital',
	nodeName: 'konverteDigital',
	credentialType: 'konverteDigitalApi',
	platformCredentialType: 'konverteDigitalPlatformApi',
};

export class KonverteDigital implements INodeType {
	description: INodeTypeDescription = {
		...chatwootDescriptionBase(brand),
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		displayName: 'Konverte Digital',
		name: 'konverteDigital',
		icon: { light: 'file:konverteDigital.svg', dark: 'file:konverteDigital.dark.svg' },
		description: 'Run customer conversations on Konverte Digital: conversations, messages with attachments, contacts, inboxes and more',
		defaults: { name: 'Konverte Digital' },
		usableAsTool: true,
	};

	methods = { loadOptions: chatwootLoadOptions(brand), listSearch: chatwootListSearch(brand) };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, brand);
	}
}
