import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { ApiClient } from '../transport/apiClient';
import type { ApiProfile } from '../transport/apiProfile';
import { collectRecords } from '../transport/pagination';
import { buildRequest } from './buildRequest';
import type { HandMadeOperationInfo } from './describeOperations';
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
	if (op.pagination) {
		const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
		const records = await collectRecords(client, request, op.pagination, limit);
		return records.map((json) => ({ json }));
	}
	return toItems(await client.request(request));
}

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
	const handler = async (i: number) =>
		await runGeneratedOperation(ctx, client, op, i, (await definition.presetsOf?.(ctx, op, i, client)) ?? {});
	const orderKey = definition.orderKeyOf ? (i: number) => definition.orderKeyOf?.(ctx, op, i) : undefined;
	return [await runItems(ctx, count, handler, { ...runner, orderKey }, gate)];
}
