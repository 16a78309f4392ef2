/**
 * Memory of a running n8n process, read from Linux's /proc: VmRSS (resident now) and VmHWM (the most
 * it was ever resident, kept by the kernel, so short peaks between samples are not missed).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryReading {
	rssMiB: number;
	peakMiB: number;
}

function readProcText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined; // the process ended, or belongs to someone else
	}
}

/**
 * The main process of `n8n <command>` for one harness instance. The instance's user folder is unique and
 * is in the process environment; the command is its third argument (`node <n8n entry> <command>`), which
 * tells it from the task runner it forks.
 */
export function findN8nProcess(userFolder: string, command: string): number | undefined {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const argv = readProcText(`/proc/${entry}/cmdline`)?.split('\0') ?? [];
		if (!argv[1]?.endsWith('/n8n/bin/n8n') || argv[2] !== command) continue;
		const environment = readProcText(`/proc/${entry}/environ`)?.split('\0') ?? [];
		if (environment.includes(`N8N_USER_FOLDER=${userFolder}`)) return Number(entry);
	}
	return undefined;
}

/** Undefined once the process has ended. */
function tryReadMemory(pid: number): MemoryReading | undefined {
	const status = readProcText(`/proc/${pid}/status`);
	const kib = (field: string): number | undefined => {
		const match = status === undefined ? null : new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
		return match ? Number(match[1]) : undefined;
	};
	const rss = kib('VmRSS');
	const peak = kib('VmHWM');
	return rss === undefined || peak === undefined ? undefined : { rssMiB: rss / 1024, peakMiB: peak / 1024 };
}

export function readMemory(pid: number): MemoryReading {
	const reading = tryReadMemory(pid);
	if (!reading) throw new Error(`no memory figures for process ${pid}: it has ended`);
	return reading;
}

/** Samples VmRSS while `work` runs; returns the work's result and the highest sample. */
export async function sampleWhile<T>(pid: number, work: () => Promise<T>, intervalMs = 50): Promise<{ result: T; maxRssMiB: number }> {
	let maxRssMiB = readMemory(pid).rssMiB;
	const timer = setInterval(() => {
		maxRssMiB = Math.max(maxRssMiB, tryReadMemory(pid)?.rssMiB ?? 0);
	}, intervalMs);
	try {
		const result = await work();
		return { result, maxRssMiB: Math.max(maxRssMiB, readMemory(pid).rssMiB) };
	} finally {
		clearInterval(timer);
	}
}
