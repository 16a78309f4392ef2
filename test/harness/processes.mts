// Child processes for the n8n harness: every process gets its own process group so that n8n and the task
// runner it forks can be stopped together, and nothing survives the test process (also on failures and Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface CommandResult {
	command: string;
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface SpawnOptions {
	env: NodeJS.ProcessEnv;
	cwd?: string;
}

export interface RunOptions extends SpawnOptions {
	timeoutMs: number;
	/** Also copy the output to this process's stderr (long installs show their progress). */
	echo?: boolean;
}

const liveGroups = new Set<number>();
const exitCleanups = new Set<() => void>();
let exitHooksInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}

function cleanUpNow(): void {
	for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
	liveGroups.clear();
	for (const cleanup of exitCleanups) {
		try {
			cleanup();
		} catch {
			// Best effort: the process is exiting.
		}
	}
	exitCleanups.clear();
}

function installExitHooks(): void {
	if (exitHooksInstalled) return;
	exitHooksInstalled = true;
	process.on('exit', cleanUpNow);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			cleanUpNow();
			// Re-raise with the default handler so the exit status still says which signal ended us.
			process.kill(process.pid, signal);
		});
	}
}

/** Runs `cleanup` synchronously when this process exits; returns a function that cancels it. */
export function onProcessExit(cleanup: () => void): () => void {
	installExitHooks();
	exitCleanups.add(cleanup);
	return () => exitCleanups.delete(cleanup);
}

/** Starts a process in its own process group, killed with its children when this process exits. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
	installExitHooks();
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pid = child.pid;
	if (pid === undefined) throw new Error(`could not start ${command}`);
	liveGroups.add(pid);
	child.once('exit', () => {
		// Children of the group (the task runner) may outlive the leader for a moment; end them too.
		signalGroup(pid, 'SIGKILL');
		liveGroups.delete(pid);
	});
	return child;
}

/** Sends `signal` to the whole group and waits for the leader to exit; SIGKILL after `graceMs`. */
export async function stopTracked(
	child: ChildProcess,
	signal: NodeJS.Signals,
	graceMs: number,
): Promise<void> {
	const pid = child.pid;
	if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	signalGroup(pid, signal);
	const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

/** Runs a command to completion, collecting its output. Rejects only when it cannot start or times out. */
export async function runCommand(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<CommandResult> {
	const startedAt = performance.now();
	const child = spawnTracked(command, args, options);
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout?.on('data', (chunk: Buffer) => {
		stdout.push(chunk);
		if (options.echo === true) process.stderr.write(chunk);
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr.push(chunk);
		if (options.echo === true) process.stderr.write(chunk);
	});
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void stopTracked(child, 'SIGKILL', 0);
	}, options.timeoutMs);
	const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
		(resolve, reject) => {
			child.once('error', reject);
			// 'close' (not 'exit') so that all output has been read.
			child.once('close', (code: number | null, sig: NodeJS.Signals | null) =>
				resolve([code, sig]),
			);
		},
	).finally(() => clearTimeout(timer));
	const result: CommandResult = {
		command: [command, ...args].join(' '),
		exitCode,
		signal,
		stdout: Buffer.concat(stdout).toString('utf8'),
		stderr: Buffer.concat(stderr).toString('utf8'),
		durationMs: Math.round(performance.now() - startedAt),
	};
	if (timedOut) {
		throw new Error(
			`timed out after ${options.timeoutMs} ms: ${result.command}\n${tail(result.stdout + result.stderr)}`,
		);
	}
	return result;
}

/** The last lines of some output, for error messages. */
export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** A TCP port that is free on the loopback interface right now. */
export async function getFreePort(): Promise<number> {
	return await new Promise<number>((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			if (address === null || typeof address === 'string') {
				server.close();
				reject(new Error('no port assigned'));
				return;
			}
			server.close(() => resolve(address.port));
		});
	});
}
