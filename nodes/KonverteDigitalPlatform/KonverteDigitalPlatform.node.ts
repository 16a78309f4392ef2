import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { chatwootPlatformDefinition, chatwootPlatformDescriptionBase, chatwootPlatformSubtitle } from '../Chatwoot/chatwootFamily';
import { konverteDigitalBrand as brand } from '../KonverteDigital/brand';
import { executeNode } from '../shared/engine/executeNode';

export class KonverteDigitalPlatform implements INodeType {
	description: INodeTypeDescription = {
		...chatwootPlatformDescriptionBase(brand),
		subtitle: chatwootPlatformSubtitle,
		displayName: 'Konverte Digital Platform',
		name: 'konverteDigitalPlatform',
		icon: { light: 'file:konverteDigital.svg', dark: 'file:konverteDigital.dark.svg' },
		description: 'Administer a Konverte Digital installation with a platform app token: accounts, users, account users and agent bots',
		defaults: { name: 'Konverte Digital Platform' },
		usableAsTool: true,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, chatwootPlatformDefinition(brand));
	}
}
