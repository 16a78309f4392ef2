import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiClient, ApiRequest } from '../transport/apiClient';
import { encodeMultipart, type MultipartPart } from '../transport/multipart';
import { collectRecords } from '../transport/pagination';
import { binarySource, checkBinaryInput, type BinaryInput } from './binaryInput';
import { buildRequest } from './buildRequest';
import { fieldLabel } from './fieldLabels';
import type { OperationSpec } from './operationTable';
import { toItems } from './outputItems';
import type { PreparedItem } from './prepareItems';

/** Uploads through a generated multipart operation; larger files are refused before they are read. */
const MAX_MULTIPART_FILE_BYTES = 100 * 1024 * 1024;

/** A multipart body field: text as it is (objects as JSON), or a checked binary input read when sending. */
type MultipartField = { name: string; text: string } | { name: string; file: BinaryInput };

/** Reads and checks one item of a generated operation; its request goes out when the item is sent. */
export function prepareGeneratedItem(
	ctx: IExecuteFunctions,
	client: ApiClient,
	op: OperationSpec,
	itemIndex: number,
	presets: IDataObject = {},
	orderKeyOf?: (values: IDataObject) => string | undefined,
): PreparedItem {
	const { request, values } = buildRequest(ctx, itemIndex, op, presets);
	const orderKey = orderKeyOf?.(values);
	if (op.pagination) {
		const pagination = op.pagination;
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
		return { orderKey, send: async () => (await collectRecords(client, request, pagination, limit)).map((json) => ({ json })) };
	}
	if (op.body === 'multipart') {
		const fields = multipartFields(ctx, itemIndex, op, (request.body ?? {}) as IDataObject);
		return { orderKey, send: async () => await sendRequest(ctx, client, op, { ...request, ...(await multipartBody(ctx, fields)) }) };
	}
	return { orderKey, request, send: async () => await sendRequest(ctx, client, op, request) };
}

async function sendRequest(ctx: IExecuteFunctions, client: ApiClient, op: OperationSpec, request: ApiRequest): Promise<INodeExecutionData[]> {
	const response = await client.requestFull(request);
	if (typeof response.body === 'string') return [await textAsFile(ctx, op, response.body, String(response.headers['content-type'] ?? ''))];
	return toItems(response.body);
}

/** A text answer (a CSV report) becomes a file in the item's `data` binary property. */
async function textAsFile(ctx: IExecuteFunctions, op: OperationSpec, text: string, contentType: string): Promise<INodeExecutionData> {
	const mimeType = contentType.split(';')[0].trim() || 'text/plain';
	const extension = mimeType.includes('csv') ? 'csv' : 'txt';
	const binary = await ctx.helpers.prepareBinaryData(Buffer.from(text, 'utf8'), `${op.id}.${extension}`, mimeType);
	return { json: { fileName: binary.fileName, mimeType, bytes: Buffer.byteLength(text) }, binary: { data: binary } };
}

/** The body fields of a multipart operation, file fields checked from their binary metadata. */
function multipartFields(ctx: IExecuteFunctions, itemIndex: number, op: OperationSpec, values: IDataObject): MultipartField[] {
	const fields: MultipartField[] = [];
	for (const field of op.fields.filter((f) => f.in === 'body')) {
		const value = values[field.key];
		if (value === undefined) continue;
		if (field.format === 'binary') {
			const limit = { bytes: MAX_MULTIPART_FILE_BYTES, platform: 'The API' };
			fields.push({ name: field.key, file: checkBinaryInput(ctx, itemIndex, String(value), limit, fieldLabel(field)) });
		} else {
			fields.push({ name: field.key, text: typeof value === 'object' ? JSON.stringify(value) : String(value) });
		}
	}
	return fields;
}

async function multipartBody(ctx: IExecuteFunctions, fields: MultipartField[]): Promise<Pick<ApiRequest, 'openBody' | 'headers'>> {
	const parts: MultipartPart[] = [];
	for (const field of fields) {
		parts.push('text' in field ? { name: field.name, value: field.text } : { name: field.name, file: await binarySource(ctx, field.file) });
	}
	const multipart = encodeMultipart(parts);
	return { openBody: multipart.open, headers: { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) } };
}
