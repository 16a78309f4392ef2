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
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeNode(this, wtsNode);
}
