import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import type { BinaryInput } from '../../../shared/engine/binaryInput';
import { fieldError } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { checkUploadInput, uploadBinary } from '../../transport/fileUpload';
import { CLASSIC_SEND, channelAndRecipient, postClassicSend, readClassicSend, readRecipient, recipientKey, sendOptions } from './sendFields';

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

/** Where the file of a message comes from: a public URL checked for shape, or a checked binary input. */
export type FileSource = { fileUrl: string } | { binary: BinaryInput };

export function readFileSource(ctx: IExecuteFunctions, itemIndex: number): FileSource {
	if (ctx.getNodeParameter('fileSource', itemIndex) === 'url') {
		const url = String(ctx.getNodeParameter('fileUrl', itemIndex, '') ?? '').trim();
		if (!/^https?:\/\/\S+$/i.test(url)) {
			throw fieldError(ctx, itemIndex, 'Set a file URL to send', '"File URL" must be a public http(s) address.');
		}
		return { fileUrl: url };
	}
	return { binary: checkUploadInput(ctx, itemIndex, String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'))) };
}

/** The file part of a message body: the URL, or the id of the binary input once uploaded. */
export async function fileReference(ctx: IExecuteFunctions, client: ApiClient, source: FileSource): Promise<IDataObject> {
	if ('fileUrl' in source) return { fileUrl: source.fileUrl };
	const file = await uploadBinary(ctx, client, source.binary);
	return { fileId: file.id };
}

export const description: INodeProperties[] = [...channelAndRecipient, ...fileSourceFields, sendOptions];

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const recipient = readRecipient(this, itemIndex);
	const source = readFileSource(this, itemIndex);
	const send = readClassicSend(this, itemIndex, recipient);
	return { orderKey: recipientKey(recipient), send: async () => toItems(await postClassicSend(client, send, await fileReference(this, client, source))) };
}

export const sendFile: HandMadeOperation = {
	resource: 'message',
	value: 'sendFile',
	name: 'Send File',
	action: 'Send a file from binary data or a URL',
	summary: CLASSIC_SEND,
	replaces: [],
	answersLike: 'sendMessage',
	description,
	prepare,
};
