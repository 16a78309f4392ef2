import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { uploadBinary } from '../../transport/fileUpload';

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<INodeExecutionData[]> {
	const file = await uploadBinary(this, client, itemIndex, String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')));
	return [{ json: file }];
}

export const uploadFile: HandMadeOperation = {
	resource: 'file',
	value: 'upload',
	name: 'Upload',
	action: 'Upload a file from binary data',
	replaces: [],
	description,
	execute,
};
