import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { checkUploadInput, uploadBinary } from '../../transport/fileUpload';

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

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const input = checkUploadInput(this, itemIndex, String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')));
	return { send: async () => [{ json: await uploadBinary(this, client, input) }] };
}

export const uploadFile: HandMadeOperation = {
	resource: 'file',
	value: 'upload',
	name: 'Upload',
	action: 'Upload a file from binary data',
	replaces: [],
	answersLike: 'saveFile',
	description,
	prepare,
};
