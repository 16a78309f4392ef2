import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { toItems } from '../../../shared/engine/executeNode';
import { fieldError } from '../../../shared/engine/inputErrors';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { uploadBinary } from '../../transport/fileUpload';
import { channelAndRecipient, postClassicSend, readRecipient, recipientOrderKey, sendOptions } from './sendFields';

export const fileSourceFields: INodeProperties[] = [
	{
		displayName: 'File Source',
		name: 'fileSource',
		type: 'options',
		options: [
			{ name: 'Binary Data', value: 'binary', description: 'A binary property of the input item, uploaded to WTS first' },
			{ name: 'Public URL', value: 'url', description: 'A URL WTS can download the file from' },
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { fileSource: ['binary'] } },
		hint: 'The name of the input binary field containing the file to send',
	},
	{
		displayName: 'File URL',
		name: 'fileUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/catalog.pdf',
		displayOptions: { show: { fileSource: ['url'] } },
	},
];

/** The file part of a message body: an uploaded file id, or a public URL checked for shape. */
export async function fileReference(ctx: IExecuteFunctions, client: ApiClient, itemIndex: number): Promise<IDataObject> {
	if (ctx.getNodeParameter('fileSource', itemIndex) === 'url') {
		const url = String(ctx.getNodeParameter('fileUrl', itemIndex, '') ?? '').trim();
		if (!/^https?:\/\/\S+$/i.test(url)) {
			throw fieldError(ctx, itemIndex, 'Set a file URL to send', '"File URL" must be a public http(s) address.');
		}
		return { fileUrl: url };
	}
	const file = await uploadBinary(ctx, client, itemIndex, String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')));
	return { fileId: file.id };
}

export const description: INodeProperties[] = [...channelAndRecipient, ...fileSourceFields, sendOptions];

export async function execute(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<INodeExecutionData[]> {
	const recipient = readRecipient(this, itemIndex);
	const file = await fileReference(this, client, itemIndex);
	return toItems(await postClassicSend(this, client, itemIndex, recipient, file));
}

export const sendFile: HandMadeOperation = {
	resource: 'message',
	value: 'sendFile',
	name: 'Send File',
	action: 'Send a file',
	replaces: [],
	description,
	execute,
	orderKey: recipientOrderKey,
};
