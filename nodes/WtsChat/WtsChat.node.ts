import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { executeNode } from '../shared/engine/executeNode';
import { operationSubtitle } from '../shared/engine/subtitle';
import { wtsChatProperties } from './description';
import * as loadOptions from './methods/loadOptions';
import { wtsNode } from './wtsDefinition';

export class WtsChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WTS Chat',
		name: 'wtsChat',
		icon: { light: 'file:wtsChat.svg', dark: 'file:wtsChat.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(wtsChatProperties),
		description: 'Send WhatsApp and Instagram messages, manage contacts, sessions and CRM cards, and start workflows on WTS Chat events',
		defaults: { name: 'WTS Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wtsChatApi', required: true }],
		properties: wtsChatProperties,
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, wtsNode);
	}
}
