import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readBinaryInput } from '../../shared/engine/binaryInput';
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

/**
 * Uploads an item's binary property through WTS's three-step flow and returns the stored file.
 * The bytes go to a presigned storage URL, which must not receive the API key: that one PUT uses
 * n8n's plain request helper, every API call goes through the authenticated client.
 */
export async function uploadBinary(ctx: IExecuteFunctions, client: ApiClient, itemIndex: number, property: string): Promise<IDataObject> {
	const file = await readBinaryInput(ctx, itemIndex, property, { bytes: MAX_UPLOAD_BYTES, platform: 'WTS Chat' });
	const slot = await client.request<IDataObject>({
		method: 'GET',
		path: '/core/v2/file',
		qs: { Type: fileTypeOf(file.mimeType), Name: file.fileName, MimeType: file.mimeType },
		itemIndex,
	});
	await ctx.helpers.httpRequest({
		method: 'PUT',
		url: String(slot.urlUpload),
		body: file.bytes,
		headers: { 'Content-Type': file.mimeType },
		timeout: client.settings.timeoutMs,
	});
	return await client.request<IDataObject>({ method: 'POST', path: '/core/v2/file', body: { tempFileId: slot.tempFileId }, itemIndex });
}
