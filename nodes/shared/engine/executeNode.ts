import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { ApiClient } from '../transport/apiClient';
import type { ApiProfile } from '../transport/apiProfile';
import { encodeMultipart, type MultipartPart } from '../transport/multipart';
import { collectRecords } from '../transport/pagination';
import { readBinaryInput } from './binaryInput';
import { fieldLabel } from './fieldLabels';
import { buildRequest } from './buildRequest';
import type { HandMadeOperationInfo } from './describeOperations';
import { runBatched, type BatchRoute } from './batchSend';
import { AdaptiveConcurrency, runItems } from './itemRunner';
import type { OperationSpec, OperationTable } from './operationTable';
import { readRequestOptions } from './requestOptions';

export interface HandMadeOperation extends HandMadeOperationInfo {
	/** Generated operations this one replaces in the node (it covers their endpoints). */
	replaces: string[];
	execute(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<INodeExecutionData[]>;
	/** Items with the same key (one conversation) keep their input order. */
	orderKey?(this: IExecuteFunctions, itemIndex: number): string | undefined;
}

export interface NodeDefinition {
	profile: ApiProfile;
	/** For tables with several APIs: the profile (credential) each API uses; `profile` otherwise. */
	profileOfApi?: Record<string, ApiProfile>;
	table: OperationTable;
	handMade: HandMadeOperation[];
	orderKeyOf?(ctx: IExecuteFunctions, op: OperationSpec, itemIndex: number): string | undefined;
	/** Operations whose items "Use Batch Endpoints" may send together, by operation id. */
	batchRoutes?: Record<string, BatchRoute>;
	/** Values the platform fills for the user (e.g. Chatwoot's account id from the credential). */
	presetsOf?(ctx: IExecuteFunctions, op: OperationSpec, itemIndex: number, client: ApiClient): Promise<IDataObject>;
}

/** One answer as output items: a list becomes one item per record; an empty answer says it succeeded. */
export function toItems(body: unknown): INodeExecutionData[] {
	if (Array.isArray(body)) return body.map((entry) => ({ json: (typeof entry === 'object' && entry !== null ? entry : { value: entry }) as IDataObject }));
	if (body === null || body === undefined || (typeof body === 'object' && Object.keys(body).length === 0)) {
		return [{ json: { success: true } }];
	}
	if (typeof body !== 'object') return [{ json: { value: body as string } }];
	return [{ json: body as IDataObject }];
}

export async function runGeneratedOperation(
	ctx: IExecuteFunctions,
	client: ApiClient,
	op: OperationSpec,
	itemIndex: number,
	presets: IDataObject = {},
): Promise<INodeExecutionData[]> {
	const request = buildRequest(ctx, itemIndex, op, presets);
	if (op.body === 'multipart') Object.assign(request, await multipartBody(ctx, itemIndex, op, request.body as IDataObject));
	if (op.pagination) {
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
		const records = await collectRecords(client, request, op.pagination, limit);
		return records.map((json) => ({ json }));
	}
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

/** A multipart body: text parts as they are (objects as JSON), file parts read from binary properties. */
async function multipartBody(ctx: IExecuteFunctions, itemIndex: number, op: OperationSpec, fields: IDataObject = {}) {
	const parts: MultipartPart[] = [];
	for (const field of op.fields.filter((f) => f.in === 'body')) {
		const value = fields[field.key];
		if (value === undefined) continue;
		if (field.format === 'binary') {
			const file = await readBinaryInput(ctx, itemIndex, String(value), { bytes: MAX_MULTIPART_FILE_BYTES, platform: 'The API' }, fieldLabel(field));
			parts.push({ name: field.key, value: file.bytes, fileName: file.fileName, contentType: file.mimeType });
		} else {
			parts.push({ name: field.key, value: typeof value === 'object' ? JSON.stringify(value) : String(value) });
		}
	}
	const multipart = encodeMultipart(parts);
	return { body: multipart.body, headers: { 'Content-Type': multipart.contentType } };
}

/** Uploads through a generated multipart operation; larger files are refused before reading further. */
const MAX_MULTIPART_FILE_BYTES = 100 * 1024 * 1024;

/** The `execute` of every node: picks the operation, then runs each item through it. */
export async function executeNode(ctx: IExecuteFunctions, definition: NodeDefinition): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const { transport, runner } = readRequestOptions(ctx);
	const gate = new AdaptiveConcurrency(runner.concurrency);
	const handMade = definition.handMade.find((op) => op.resource === resource && op.value === operation);
	const op = definition.table.operations.find((entry) => entry.resource === resource && entry.id === operation);
	const api = handMade?.api ?? op?.api;
	const profile = (api && definition.profileOfApi?.[api]) || definition.profile;
	const client = new ApiClient(ctx, profile, {
		...transport,
		onRateLimited: () => gate.onRateLimited(),
		onSuccess: () => gate.onSuccess(),
	});
	const count = ctx.getInputData().length;
	if (handMade) {
		const orderKey = handMade.orderKey ? (i: number) => handMade.orderKey?.call(ctx, i) : undefined;
		const handler = async (i: number) => await handMade.execute.call(ctx, i, client);
		return [await runItems(ctx, count, handler, { ...runner, orderKey }, gate)];
	}
	if (!op) throw new NodeOperationError(ctx.getNode(), `Unknown operation "${operation}" for resource "${resource}"`);
	const batchRoute = runner.useBatchEndpoints ? definition.batchRoutes?.[op.id] : undefined;
	if (batchRoute) {
		const prepare = async (i: number) => buildRequest(ctx, i, op, (await definition.presetsOf?.(ctx, op, i, client)) ?? {});
		const sendOne = async (i: number) => await runGeneratedOperation(ctx, client, op, i, (await definition.presetsOf?.(ctx, op, i, client)) ?? {});
		return [await runBatched(ctx, client, batchRoute, count, prepare, sendOne)];
	}
	const handler = async (i: number) =>
		await runGeneratedOperation(ctx, client, op, i, (await definition.presetsOf?.(ctx, op, i, client)) ?? {});
	const orderKey = definition.orderKeyOf ? (i: number) => definition.orderKeyOf?.(ctx, op, i) : undefined;
	return [await runItems(ctx, count, handler, { ...runner, orderKey }, gate)];
}
