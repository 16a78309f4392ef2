import { createHmac } from 'node:crypto';

import type { IDataObject, INodeExecutionData, IRun, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { sendOnce } from '../transport/apiClient';
import { constantTimeEqual } from './constantTimeEqual';
import { claim, complete, logKey, merge, PersistedLog, release } from './deliveryLog';
import { emitterOf, handOverTestItem } from './emitter';
import { deliveryScope } from './registration';
import { headerValue, ignore, refuse, requestOf, respondOf, start, type RespondWhen } from './webhookRequest';

/**
 * How a verified delivery becomes an execution.
 *
 * n8n saves what a webhook call writes to the workflow's static data only when the call starts no execution
 * (n8n 2.40.7: live-webhooks.js saves after answering, but workflow-runner.js builds the execution's Workflow
 * over the same static data object first, and observable-object.js resets its change flag there). So the call
 * from the platform starts none: it checks and records the delivery, and hands it on to the trigger's own URL
 * in a second call, signed with a key derived from the credential, which starts the execution. When that call
 * has answered, the platform's call records the delivery as done and ends, and n8n saves the log.
 *
 * The second call answers, as the Respond option says, once the execution is stored or once it has finished;
 * the platform gets its 200 only then, so a platform that resends what failed recovers what a crash lost, and
 * the log keeps a resend of what was answered from running again.
 *
 * With Respond = Each Event Once there is no second call: the platform's call starts the execution through the
 * trigger's `emit` with a deduplication key n8n stores with it (see startOnce and emitter.ts).
 */

export const FORWARD_HEADER = 'x-omnichat-forward';
const FORWARDED_DELIVERY_HEADER = 'x-omnichat-delivery-id';
/** A forwarded call older than this is refused: it is sent the moment the delivery is checked. */
const FORWARD_WINDOW_SECONDS = 120;

/** What a trigger's check of a delivery found out. */
export interface VerifiedDelivery {
	rawBody: Uint8Array;
	/** What the delivery is known by in the log (see logKey). */
	keys: string[];
	/** Until when its keys are remembered (epoch ms): the end of its timestamp window. */
	until: number;
	/** The id the platform gave the delivery, passed on to the item. */
	deliveryId?: string;
}

/** Builds the item of a delivery from its raw body, where its execution starts. */
export type ItemBuilder = (ctx: IWebhookFunctions, rawBody: Uint8Array, deliveryId: string | undefined) => Promise<INodeExecutionData>;

/** Where the log sits in the node's static data: the persisted text, or the PersistedLog to be saved. */
const LOG_FIELD = 'deliveries';

function forwardSignature(key: Buffer, timestamp: string, deliveryId: string, rawBody: Uint8Array): string {
	return createHmac('sha256', key).update(`${timestamp}\n${deliveryId}\n`).update(rawBody).digest('hex');
}

/** Whether this call is a delivery the trigger handed on to itself. */
export function isForwarded(ctx: IWebhookFunctions): boolean {
	return headerValue(ctx, FORWARD_HEADER) !== undefined;
}

export function respondWhen(ctx: IWebhookFunctions): RespondWhen {
	return respondOf(ctx.getNodeParameter('options', {}));
}

/**
 * The platform's call: records the delivery, has it executed, and answers. A delivery already turned into an
 * execution is answered 200 and starts nothing; one this process is still on is answered 429 (send it again
 * later).
 */
export async function admit(ctx: IWebhookFunctions, delivery: VerifiedDelivery, forwardKey: Buffer, buildItem: ItemBuilder): Promise<IWebhookResponseData> {
	// The test URL serves one call and is gone: the delivery runs here, and is not logged.
	if (ctx.getMode() === 'manual') {
		const item = await buildItem(ctx, delivery.rawBody, delivery.deliveryId);
		handOverTestItem(ctx, item);
		return start(item);
	}

	const scope = deliveryScope(ctx);
	const state = ctx.getWorkflowStaticData('node');
	merge(scope, state[LOG_FIELD]);
	const claimed = claim(scope, delivery.keys);
	if (claimed === 'duplicate') return ignore('duplicate delivery');
	if (claimed === 'in progress') return refuse(ctx, 429, 'The same delivery is being processed: send it again later', { 'Retry-After': '5' });
	if (respondWhen(ctx) === 'eachEventOnce') return await startOnce(ctx, scope, state, delivery, buildItem);

	const answer = await forward(ctx, forwardKey, delivery);
	if (answer.kind === 'unreachable') {
		// n8n could not call its own URL: the delivery starts its execution from this call, remembered by this
		// process only (n8n does not save static data written by a call that starts an execution).
		ctx.logger.warn(`The trigger could not call its own webhook URL (${answer.detail}); deliveries are remembered in this process only`, {
			workflowId: ctx.getWorkflow().id,
			node: ctx.getNode().name,
		});
		return await startHere(ctx, scope, delivery.keys, delivery.until, async () => await buildItem(ctx, delivery.rawBody, delivery.deliveryId));
	}
	if (answer.kind === 'refused') {
		release(scope, delivery.keys);
		return refuse(ctx, 503, `The delivery was not executed (${answer.detail}): send it again later`);
	}
	if (answer.kind === 'unfinished') {
		// Not remembered, so the platform's resend runs it (Chatwoot's agent bots resend a 500).
		release(scope, delivery.keys);
		return refuse(ctx, 500, `The execution did not run to its end (${answer.detail}): send the delivery again`);
	}
	// Executed, or maybe executed: either way it is not run a second time.
	complete(scope, delivery.keys, delivery.until);
	state[LOG_FIELD] = new PersistedLog(scope) as unknown as IDataObject;
	if (answer.kind === 'uncertain') {
		return refuse(ctx, 504, `n8n did not confirm the execution (${answer.detail}); it may have run, and a resend of this delivery starts nothing`);
	}
	return { webhookResponse: { accepted: true, started: true } };
}

/**
 * Respond = Each Event Once: the platform's call starts the execution itself through the trigger's `emit`, with
 * a deduplication key of the delivery's, and answers once it has ended. n8n stores an execution with its key in
 * one step and never creates a second one with the same key, whatever became of the first (one a crash cut short
 * included), so no resend, restart or lost log runs an event twice. This call starts no execution of its own, so
 * n8n saves the log with its answer, as on the other path.
 */
async function startOnce(
	ctx: IWebhookFunctions,
	scope: string,
	state: IDataObject,
	delivery: VerifiedDelivery,
	buildItem: ItemBuilder,
): Promise<IWebhookResponseData> {
	const emitter = emitterOf(ctx);
	if (!emitter) {
		release(scope, delivery.keys);
		// n8n answers webhook calls at start before it activates the trigger again; a webhook processor never does.
		return refuse(ctx, 429, 'The trigger is not active in this n8n process (n8n is starting, or this is a webhook processor): send the delivery again later', {
			'Retry-After': '5',
		});
	}
	let item: INodeExecutionData | undefined;
	try {
		item = await buildItem(ctx, delivery.rawBody, delivery.deliveryId);
	} finally {
		if (!item) release(scope, delivery.keys);
	}
	let run: IRun | undefined;
	try {
		// n8n's key is unique in its whole executions table: it carries the workflow and node (the log's scope).
		run = await emitter.run(item, `omnichat:${scope}:${delivery.keys[0]}`);
	} catch (error) {
		// Not stored, or cut short: a resend finds the key when n8n stored it, and starts it otherwise.
		release(scope, delivery.keys);
		return refuse(ctx, 500, `The execution did not run to its end (${error instanceof Error ? error.message : String(error)}): send the delivery again`);
	}
	complete(scope, delivery.keys, delivery.until);
	state[LOG_FIELD] = new PersistedLog(scope) as unknown as IDataObject;
	return run === undefined ? ignore('duplicate delivery') : { webhookResponse: { accepted: true, started: true } };
}

type ForwardAnswer =
	| { kind: 'executed' }
	/** Nothing reached n8n's webhook: the delivery can start here instead. */
	| { kind: 'unreachable'; detail: string }
	/** n8n refused the call: no execution started. */
	| { kind: 'refused'; detail: string }
	/** n8n answered that the execution could not start, failed, or was cut short (a worker that died). */
	| { kind: 'unfinished'; detail: string }
	/** The execution may or may not have started. */
	| { kind: 'uncertain'; detail: string };

async function forward(ctx: IWebhookFunctions, key: Buffer, delivery: VerifiedDelivery): Promise<ForwardAnswer> {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const deliveryId = delivery.deliveryId ?? '';
	const whenFinished = respondWhen(ctx) === 'whenFinished';
	const outcome = await sendOnce(ctx, {
		method: 'POST',
		url: ctx.getNodeWebhookUrl('default') ?? '',
		headers: {
			'content-type': 'application/json',
			[FORWARD_HEADER]: `${timestamp}.${forwardSignature(key, timestamp, deliveryId, delivery.rawBody)}`,
			[FORWARDED_DELIVERY_HEADER]: deliveryId,
		},
		body: Buffer.from(delivery.rawBody),
		// An execution that has to finish first may take its time; storing one takes a moment.
		timeout: whenFinished ? 5 * 60_000 : 60_000,
	});
	if (!outcome.ok) return outcome.kind === 'refused' ? { kind: 'unreachable', detail: outcome.detail } : { kind: 'uncertain', detail: outcome.detail };
	if (outcome.status >= 200 && outcome.status < 300) return { kind: 'executed' };
	// n8n answers 5xx for trouble starting an execution, and 500 "Error in workflow" both for one that failed and for
	// one a worker's death cut short (n8n 2.40.7 fails the stalled job and reports it so): they cannot be told apart,
	// and an event a crash cut short must run again, so neither is remembered.
	if (outcome.status >= 500) return { kind: 'unfinished', detail: `n8n answered ${outcome.status}` };
	return { kind: 'refused', detail: `n8n answered ${outcome.status}` };
}

/** The trigger's own call: starts the execution of a delivery the platform's call checked and recorded. */
export async function receiveForwarded(ctx: IWebhookFunctions, key: Buffer, buildItem: ItemBuilder): Promise<IWebhookResponseData> {
	const rawBody = requestOf(ctx).rawBody ?? new Uint8Array();
	const [timestamp = '', signature = ''] = (headerValue(ctx, FORWARD_HEADER) ?? '').split('.');
	const deliveryId = headerValue(ctx, FORWARDED_DELIVERY_HEADER) ?? '';
	const age = Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp));
	if (!/^\d+$/.test(timestamp) || age > FORWARD_WINDOW_SECONDS || !constantTimeEqual(signature, forwardSignature(key, timestamp, deliveryId, rawBody))) {
		return refuse(ctx, 401, 'Not a delivery this trigger handed on');
	}
	// A forwarded call seen again (replayed within its window) starts nothing in this process.
	const scope = `${deliveryScope(ctx)}|forwarded`;
	const keys = [logKey('forwarded', signature)];
	if (claim(scope, keys) !== 'first') return ignore('duplicate delivery');
	const until = (Number(timestamp) + FORWARD_WINDOW_SECONDS) * 1000;
	return await startHere(ctx, scope, keys, until, async () => await buildItem(ctx, rawBody, deliveryId || undefined));
}

/** Starts the execution from this call; the keys are released if the item cannot be built. */
async function startHere(
	ctx: IWebhookFunctions,
	scope: string,
	keys: string[],
	until: number,
	item: () => Promise<INodeExecutionData>,
): Promise<IWebhookResponseData> {
	let built = false;
	try {
		const response = start(await item());
		built = true;
		complete(scope, keys, until);
		return response;
	} finally {
		if (!built) release(scope, keys);
	}
}
