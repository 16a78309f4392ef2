// How the harness waits for n8n 2.x to apply a publication (activation or deactivation).
import { setTimeout as sleep } from 'node:timers/promises';

export interface PublicationStatus {
	status: 'not_published' | 'in_progress' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	/** Per trigger (n8n 2.x). n8n 1.x reports a failed activation as one message: see `errorMessage`. */
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
	/** n8n 1.x: why the activation failed. */
	errorMessage?: string;
}

/**
 * n8n 2.x applies (de)activation asynchronously: the REST call queues it (publication outbox) and a worker
 * registers or removes the triggers a moment later. Reads the status until that is done.
 *
 * A settled answer counts once two reads in a row agree. n8n 2.40.7 builds the status from two queries run
 * side by side outside a transaction (workflow-publication-status.service.js `getStatus`: the outbox's
 * in-flight record and the trigger status rows), while the publication writes both in one transaction
 * (publication-status-reporter.js `complete`). On PostgreSQL each query sees the database as of its own
 * start, so a read that straddles the commit sees no trigger rows yet and no record in flight any more:
 * `not_published` with no triggers for a workflow that is being published, and the reverse when it is
 * unpublished. The next read sees the commit.
 */
export async function settledPublication(
	read: () => Promise<PublicationStatus>,
	{ timeoutMs, what, intervalMs = 50 }: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<PublicationStatus> {
	const deadline = Date.now() + timeoutMs;
	let previous: string | undefined;
	for (;;) {
		const status = await read();
		const reading = JSON.stringify(status);
		if (status.status !== 'in_progress' && reading === previous) return status;
		previous = status.status === 'in_progress' ? undefined : reading;
		if (Date.now() > deadline) throw new Error(`${what} did not settle within ${String(timeoutMs)} ms: ${reading}`);
		await sleep(intervalMs);
	}
}
