import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from '../../shared/engine/inputErrors';
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
	const name = property.trim();
	if (!name) throw fieldError(ctx, itemIndex, '"Input Binary Field" is required', 'Name the binary property that holds the file, e.g. data.');
	const items = ctx.getInputData();
	if (!items[itemIndex]?.binary?.[name]) {
		throw fieldError(
			ctx,
			itemIndex,
			`No binary property "${name}" on item ${itemIndex}`,
			'Set "Input Binary Field" to the name of a binary property of the incoming item (for example "data").',
		);
	}
	const meta = ctx.helpers.assertBinaryData(itemIndex, name);
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (bytes.length > MAX_UPLOAD_BYTES) {
		throw fieldError(
			ctx,
			itemIndex,
			`File "${meta.fileName ?? name}" is too large (${Math.ceil(bytes.length / 1048576)} MB)`,
			`WTS Chat accepts files up to ${MAX_UPLOAD_BYTES / 1048576} MB. Send a smaller file or a public URL.`,
		);
	}
	const mimeType = meta.mimeType || 'application/octet-stream';
	const fileName = meta.fileName || `${name}.${meta.fileExtension ?? 'bin'}`;
	const slot = await client.request<IDataObject>({
		method: 'GET',
		path: '/core/v2/file',
		qs: { Type: fileTypeOf(mimeType), Name: fileName, MimeType: mimeType },
		itemIndex,
	});
	await ctx.helpers.httpRequest({
		method: 'PUT',
		url: String(slot.urlUpload),
		body: bytes,
		headers: { 'Content-Type': mimeType },
		timeout: client.settings.timeoutMs,
	});
	return await client.request<IDataObject>({ method: 'POST', path: '/core/v2/file', body: { tempFileId: slot.tempFileId }, itemIndex });
}
