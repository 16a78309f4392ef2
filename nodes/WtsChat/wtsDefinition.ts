import type { NodeDefinition } from '../shared/engine/executeNode';

import { handMadeOperations } from './actions/handMadeOperations';
import { operationTable } from './generated/operationTable';
import { wtsOrderKey } from './operationOverrides';
import { wtsProfile } from './transport/wtsProfile';

/** What the WTS Chat node runs: its operations, transport profile, ordering and batch endpoints. */
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
