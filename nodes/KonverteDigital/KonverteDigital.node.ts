import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { chatwootDefinition, chatwootDescriptionBase, chatwootSubtitle } from '../Chatwoot/chatwootFamily';
import { chatwootListSearch } from '../Chatwoot/methods/listSearch';
import { chatwootLoadOptions } from '../Chatwoot/methods/loadOptions';
import { executeNode } from '../shared/engine/executeNode';
import { konverteDigitalBrand as brand } from './brand';

export class KonverteDigital implements INodeType {
	description: INodeTypeDescription = {
		...chatwootDescriptionBase(brand),
		subtitle: chatwootSubtitle,
		displayName: 'Konverte Digital',
		name: 'konverteDigital',
		icon: { light: 'file:konverteDigital.svg', dark: 'file:konverteDigital.dark.svg' },
		description: 'Reply to customers, manage conversations, contacts, labels and teams in Konverte Digital, and start workflows on its events',
		defaults: { name: 'Konverte Digital' },
		usableAsTool: true,
	};

	methods = { loadOptions: chatwootLoadOptions(brand), listSearch: chatwootListSearch(brand) };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, chatwootDefinition(brand));
	}
}
