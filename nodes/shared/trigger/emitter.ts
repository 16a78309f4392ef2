import { NodeOperationError, type INodeExecutionData, type IRun, type ITriggerFunctions, type ITriggerResponse, type IWebhookFunctions } from 'n8n-workflow';

import { deliveryScope } from './registration';
import { respondOf } from './webhookRequest';

/**
 * The trigger side of every trigger node: what lets a delivery start its execution through n8n's trigger `emit`,
 * which, unlike a webhook call, can give the execution a deduplication key (n8n 2.40.7+: a unique column of its
 * executions table, so a second execution with the same key is never created).
 *
 * n8n runs `trigger()` of an active workflow in the process that activates it (in queue mode, the leader main
 * process only) and closes it at deactivation; the `emit` it gets is kept here for the webhook calls of the same
 * node in the same process.
 *
 * n8n also runs `trigger()` in the run a test-URL call starts, before it passes the webhook's item on
 * (n8n 2.40.7's workflow-execute.js checks `trigger` before `webhook`), and that run waits for the trigger's
 * manual response: the test-URL call leaves its item here, and `trigger()` emits it.
 */

export interface Emitter {
	/**
	 * Starts an execution of `item` with the deduplication key `key`; settles when it has ended, with `undefined`
	 * when n8n already had an execution with that key and started none.
	 */
	run(item: INodeExecutionData, key: string): Promise<IRun | undefined>;
}

const emitters = new Map<string, Emitter>();
const testItems = new Map<string, INodeExecutionData>();

/** The node's `trigger()`: keeps its `emit` while the workflow is active, or emits the test URL's item. */
export async function startTrigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
	const scope = deliveryScope(this);
	if (this.getMode() === 'manual') {
		const item = testItems.get(scope);
		testItems.delete(scope);
		return { manualTriggerFunction: async () => this.emit([item ? [item] : []]) };
	}
	// n8n before 2.40.7 has no deduplication key: its `emit` takes three arguments and would drop a fourth.
	if (respondOf(this.getNodeParameter('options', {})) === 'eachEventOnce' && this.emit.length < 4) {
		throw new NodeOperationError(this.getNode(), 'Respond "Each Event Once" needs n8n 2.40.7 or later', {
			description: 'This n8n cannot give an execution a deduplication key. Choose another Respond option, or update n8n.',
		});
	}
	const emit = this.emit.bind(this);
	const { createDeferredPromise } = this.helpers;
	const emitter: Emitter = {
		async run(item, key) {
			const done = createDeferredPromise<IRun>();
			emit([[item]], undefined, done, key);
			// n8n resolves it with nothing for a duplicate key (trigger-execution-context.factory.js, settleDonePromise).
			return (await done.promise) as IRun | undefined;
		},
	};
	emitters.set(scope, emitter);
	return {
		closeFunction: async () => {
			if (emitters.get(scope) === emitter) emitters.delete(scope);
		},
	};
}

/** The emitter of this node in this process, when its workflow is active here. */
export function emitterOf(ctx: IWebhookFunctions): Emitter | undefined {
	return emitters.get(deliveryScope(ctx));
}

/** Leaves the test URL's item for the run it starts, whose `trigger()` emits it. */
export function handOverTestItem(ctx: IWebhookFunctions, item: INodeExecutionData): void {
	testItems.set(deliveryScope(ctx), item);
}
