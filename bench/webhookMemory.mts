/**
 * One call of an active workflow's production webhook on a started n8n, with the n8n server process's memory
 * around it: what the memory scenarios measure.
 */
import type { N8nInstance } from '../test/harness/n8n.mts';
import type { Workflow } from '../test/harness/workflow.mts';
import { findN8nProcess, readMemory, sampleWhile, type MemoryReading } from './processMemory.mts';

export interface WebhookCallMemory<Answer> {
	/** The webhook's JSON answer. */
	answer: Answer;
	wallMs: number;
	before: MemoryReading;
	after: MemoryReading;
	/** The highest VmRSS sampled during the call. */
	maxRssMiB: number;
}

/** Starts `n8n` with `flow` imported and active, then calls the flow's webhook at `path` once, sampling memory. */
export async function measureWebhookCall<Answer>(n8n: N8nInstance, flow: Workflow, path: string): Promise<WebhookCallMemory<Answer>> {
	await n8n.importWorkflows([flow]);
	await n8n.start();
	await n8n.setupOwner();
	await n8n.activateWorkflow(flow.id);
	const pid = findN8nProcess(n8n.userFolder, 'start');
	if (pid === undefined) throw new Error('the n8n server process was not found in /proc');
	const before = readMemory(pid);
	const startedAt = performance.now();
	const { result: answer, maxRssMiB } = await sampleWhile(pid, async () => {
		const response = await fetch(n8n.webhookUrl(path), { method: 'POST', signal: AbortSignal.timeout(10 * 60_000) });
		if (!response.ok) throw new Error(`webhook answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
		return (await response.json()) as Answer;
	});
	return { answer, wallMs: performance.now() - startedAt, before, after: readMemory(pid), maxRssMiB };
}
