import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { ApiClient } from '../transport/apiClient';
import type { ApiProfile } from '../transport/apiProfile';
import { runBatched, type BatchRoute } from './batchSend';
import type { HandMadeOperationInfo } from './describeOperations';
import { prepareGeneratedItem } from './generatedOperation';
import { AdaptiveConcurrency, runItems } from './itemRunner';
import { operationOf, type OperationSpec, type OperationTable } from './operationTable';
import { orderKeyOf, prepareItems, sendPrepared, type PreparedItem } from './prepareItems';
import { readRequestOptions } from './requestOptions';
import { RunStop } from './runStop';
import { SendOnce } from './sendOnce';

export interface HandMadeOperation extends HandMadeOperationInfo {
	/** Generated operations this one replaces in the node (it covers their endpoints). */
	replaces: string[];
	/** The contract operation whose answer this one returns, when it replaces none (for its output schema). */
	answersLike?: string;
	/**
	 * Reads and checks one item's parameters and returns it ready to send. It may read from the API (a
	 * template's variables, say) but sends nothing: every item is prepared before the first one is sent.
	 */
	prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem>;
}

export interface NodeDefinition {
	profile: ApiProfile;
	/** For tables with several APIs: the profile (credential) each API uses; `profile` otherwise. */
	profileOfApi?: Record<string, ApiProfile>;
	table: OperationTable;
	handMade: HandMadeOperation[];
	/** The order key of a generated operation's item (see PreparedItem), from the values read for its request, by field name. */
	orderKeyOf?(op: OperationSpec, values: IDataObject): string | undefined;
	/** Operations whose items "Use Batch Endpoints" may send together, by operation id. */
	batchRoutes?: Record<string, BatchRoute>;
	/** Values the platform fills for the user (e.g. Chatwoot's account id from the credential). */
	presetsOf?(ctx: IExecuteFunctions, op: OperationSpec, itemIndex: number, client: ApiClient): Promise<IDataObject>;
}

/**
 * The `execute` of every node: picks the operation, checks every item (the prepare phase), then sends them
 * (the send phase), one request per item or through a batch endpoint.
 */
export async function executeNode(ctx: IExecuteFunctions, definition: NodeDefinition): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const { transport, runner } = readRequestOptions(ctx);
	const gate = new AdaptiveConcurrency(runner.concurrency);
	const stop = new RunStop();
	const handMade = definition.handMade.find((op) => op.resource === resource && op.value === operation);
	const op = operationOf(definition.table, resource, operation);
	const api = handMade?.api ?? op?.api;
	const profile = (api && definition.profileOfApi?.[api]) || definition.profile;
	const client = new ApiClient(ctx, profile, {
		...transport,
		onRateLimited: () => gate.onRateLimited(),
		onSuccess: () => gate.onSuccess(),
		stopped: () => stop.stopped,
	});
	const count = ctx.getInputData().length;
	const once = new SendOnce(ctx, client);
	try {
		if (handMade) {
			const prepared = await prepareItems(ctx, count, async (i) => once.wrap(i, await handMade.prepare.call(ctx, i, client)));
			return [await runItems(ctx, prepared.length, sendPrepared(prepared), { ...runner, orderKey: orderKeyOf(prepared) }, gate, stop)];
		}
		if (!op) throw new NodeOperationError(ctx.getNode(), `Unknown operation "${operation}" for resource "${resource}"`);
		const orderKey = definition.orderKeyOf && ((values: IDataObject) => definition.orderKeyOf?.(op, values));
		const prepared = await prepareItems(ctx, count, async (i) =>
			once.wrap(i, prepareGeneratedItem(ctx, client, op, i, (await definition.presetsOf?.(ctx, op, i, client)) ?? {}, orderKey)),
		);
		const batchRoute = runner.useBatchEndpoints ? definition.batchRoutes?.[op.id] : undefined;
		if (batchRoute) return [await runBatched(ctx, client, batchRoute, prepared, stop)];
		return [await runItems(ctx, prepared.length, sendPrepared(prepared), { ...runner, orderKey: orderKeyOf(prepared) }, gate, stop)];
	} finally {
		await once.keepSentKeys();
	}
}
