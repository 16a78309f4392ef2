/** The machine a benchmark ran on: results from different machines are not comparable, ratios aside. */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';

import { ensureRuntime, N8N_VERSION } from '../test/harness/n8n.mts';

export interface Machine {
	cores: number;
	cpuModel: string;
	memoryGiB: number;
	os: string;
	/** Runs the benchmark and the sandboxes. */
	benchNodeVersion: string;
	/** Runs n8n. */
	n8nNodeVersion: string;
	n8nVersion: string;
	/** ISO time the run started. */
	date: string;
}

export async function describeThisMachine(startedAt: Date): Promise<Machine> {
	const { nodeBinary } = await ensureRuntime();
	const processors = cpus();
	return {
		cores: processors.length,
		cpuModel: processors[0]?.model.trim() ?? 'unknown',
		memoryGiB: totalmem() / 1024 ** 3,
		os: `${type()} ${release()}`,
		benchNodeVersion: process.versions.node,
		n8nNodeVersion: execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, ''),
		n8nVersion: N8N_VERSION,
		date: startedAt.toISOString(),
	};
}
