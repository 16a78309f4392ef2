import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { chatwootBrand as brand } from '../Chatwoot/brand';
import { chatwootPlatformDefinition, chatwootPlatformDescriptionBase, chatwootPlatformSubtitle } from '../Chatwoot/chatwootFamily';
import { executeNode } from '../shared/engine/executeNode';

export class ChatwootPlatform implements INodeType {
	description: INodeTypeDescription = {
		...chatwootPlatformDescriptionBase(brand),
		subtitle: chatwootPlatformSubtitle,
		displayName: 'Chatwoot Platform',
		name: 'chatwootPlatform',
		icon: { light: 'file:chatwoot.svg', dark: 'file:chatwoot.dark.svg' },
		description: 'Administer a self-hosted Chatwoot installation with a platform app token: accounts, users, account users and agent bots',
		defaults: { name: 'Chatwoot Platform' },
		usableAsTool: true,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, chatwootPlatformDefinition(brand));
	}
}
