import { NodeOperationError, type IDataObject, type IExecuteFunctions, type IHttpRequestOptions } from 'n8n-workflow';

import { binarySource, checkBinaryInput, type BinaryInput, type BinarySource } from '../../shared/engine/binaryInput';
import type { ApiClient } from '../../shared/transport/apiClient';

/** WTS refuses media above this size; checked before any byte is uploaded. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

const FILE_TYPE_BY_MIME: Array<[RegExp, string]> = [
	[/^image\//, 'IMAGE'],
	[/^audio\//, 'AUDIO'],
	[/^video\//, 'VIDEO'],
	[/^application\/pdf$/, 'PDF'],
	[/spreadsheet|excel|csv/, 'EXCEL'],
	[/word|msword|officedocument\.wordprocessing/, 'WORD'],
];

export function fileTypeOf(mimeType: string): string {
	return FILE_TYPE_BY_MIME.find(([pattern]) => pattern.test(mimeType))?.[1] ?? 'DOCUMENT';
}

/** Checks an item's binary property for an upload (present, within WTS's limit) without reading it. */
export function checkUploadInput(ctx: IExecuteFunctions, itemIndex: number, property: string): BinaryInput {
	return checkBinaryInput(ctx, itemIndex, property, { bytes: MAX_UPLOAD_BYTES, platform: 'WTS Chat' });
}

/**
 * Uploads a checked binary input through WTS's three-step flow and returns the stored file.
 * The bytes go to a presigned storage URL, which must not receive the API key: that one PUT uses
 * n8n's plain request helper, every API call goes through the authenticated client. They stream from
 * n8n's binary store with their length announced, as the storage requires.
 */
export async function uploadBinary(ctx: IExecuteFunctions, client: ApiClient, input: BinaryInput): Promise<IDataObject> {
	const { itemIndex } = input;
	const file = await binarySource(ctx, input);
	const slot = await client.request<IDataObject>({
		method: 'GET',
		path: '/core/v2/file',
		qs: { Type: fileTypeOf(file.mimeType), Name: file.fileName, MimeType: file.mimeType },
		itemIndex,
	});
	client.ensureRunning(itemIndex);
	await putToStorage(ctx, itemIndex, String(slot.urlUpload), file, client.settings.timeoutMs);
	return await client.request<IDataObject>({ method: 'POST', path: '/core/v2/file', body: { tempFileId: slot.tempFileId }, itemIndex });
}

/** The storage answers in its own format (S3 XML): its refusal is reported with its code, never bare. */
async function putToStorage(ctx: IExecuteFunctions, itemIndex: number, url: string, file: BinarySource, timeoutMs: number): Promise<void> {
	let status: number;
	let body: string;
	const bytes = await file.open();
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'PUT',
			url,
			body: bytes as IHttpRequestOptions['body'],
			headers: { 'Content-Type': file.mimeType, 'Content-Length': String(file.size) },
			// Following redirects would keep a copy of every byte sent, in case the body must be sent again.
			disableFollowRedirect: true,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'text',
		})) as { statusCode: number; body: unknown };
		status = response.statusCode;
		body = typeof response.body === 'string' ? response.body : '';
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `WTS Chat file storage could not be reached for "${file.fileName}"`, {
			itemIndex,
			description: `The upload of the file did not complete (${(error as Error).message.split('\n')[0]}). The message was not sent; try again.`,
		});
	}
	if (status >= 300) {
		const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? `status ${status}`;
		throw new NodeOperationError(ctx.getNode(), `WTS Chat file storage refused "${file.fileName}" (${status} ${code})`, {
			itemIndex,
			description: code === 'EntityTooLarge' ? 'The file is larger than the storage accepts. Send a smaller file or a public URL.' : 'The message was not sent. Check the file, or send a public URL instead.',
		});
	}
}
