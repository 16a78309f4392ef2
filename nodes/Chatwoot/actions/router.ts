import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../shared/engine/executeNode';
import { chatwootDefinition } from '../chatwootFamily';
import type { ChatwootBrand } from '../transport/chatwootProfile';

export async function router(this: IExecuteFunctions, brand: ChatwootBrand): Promise<INodeExecutionData[][]> {
	return await executeNode(this, chatwootDefinition(brand));
}
