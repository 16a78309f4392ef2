import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { executeNode } from '../shared/engine/executeNode';
import { chatwootBrand as brand } from './brand';
import { chatwootDefinition, chatwootDescriptionBase, chatwootSubtitle } from './chatwootFamily';
import { chatwootListSearch } from './methods/listSearch';
import { chatwootLoadOptions } from './methods/loadOptions';

export class Chatwoot implements INodeType {
	description: INodeTypeDescription = {
		...chatwootDescriptionBase(brand),
		subtitle: chatwootSubtitle,
		displayName: 'Chatwoot',
		name: 'chatwoot',
		icon: { light: 'file:chatwoot.svg', dark: 'file:chatwoot.dark.svg' },
		description: 'Reply to customers, manage conversations, contacts, labels and teams in Chatwoot, and start workflows on its events',
		defaults: { name: 'Chatwoot' },
		usableAsTool: true,
	};

	methods = { loadOptions: chatwootLoadOptions(brand), listSearch: chatwootListSearch(brand) };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, chatwootDefinition(brand));
	}
}
