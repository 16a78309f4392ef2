import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { executeNode, type NodeDefinition } from '../../shared/engine/executeNode';
import { operationTable } from '../generated/operationTable';
import { wtsOrderKey } from '../operationOverrides';
import { wtsProfile } from '../transport/wtsProfile';
import { handMadeOperations } from './handMadeOperations';

export const wtsNode: NodeDefinition = {
	profile: wtsProfile,
	table: operationTable,
	handMade: handMadeOperations,
	orderKeyOf: wtsOrderKey,
	// Batch endpoints take at most 100 messages; a message for an existing session has no place in them.
	batchRoutes: {
		sendTemplate: {
			path: '/chat/v1/send/template/batch',
			size: 100,
			shared: ['from', 'templateId', 'options'],
			perMessage: ['to', 'parameters', 'fileIdOrUrl', 'callbackUrl', 'senderId', 'sessionMetadata'],
			notBatchable: ['sessionId'],
			resultsPath: 'results',
		},
		sendChatbotQueued: {
			path: '/chat/v1/send/chatbot/batch',
			size: 100,
			shared: ['botKey', 'from', 'options'],
			perMessage: ['to', 'sessionId', 'sessionMetadata', 'contactMetadata', 'senderId', 'callbackUrl'],
			resultsPath: 'results',
		},
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeNode(this, wtsNode);
}
