// A real, isolated n8n (the pinned version, or another one of the compatibility matrix) for end-to-end tests, the demo and benchmarks: CLI runs (import, execute,
// execute-batch) and a server (webhooks, activation, executions over the REST API) on a private user folder
// and private ports, so several instances can run side by side.
import type { ChildProcess } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { parseFlatted } from './flatted.mts';
import { settledPublication, type PublicationStatus } from './publication.mts';
import {
	getFreePort,
	onProcessExit,
	runCommand,
	spawnTracked,
	stopTracked,
	tail,
	type CommandResult,
} from './processes.mts';
import { parseExecuteOutput, toExecutionResult, type ExecutionResult } from './run-data.mts';
import { ensureRuntime, type CommunityPackage, type RuntimePaths } from './runtime.mts';
import type { Workflow } from './workflow.mts';

export type { CommandResult } from './processes.mts';
export * from './run-data.mts';
export * from './runtime.mts';
export * from './workflow.mts';

export interface N8nInstanceOptions {
	/** The n8n version to run (default: the pinned one). Extensions must be prepared for the same version. */
	n8nVersion?: string;
	/** N8N_CUSTOM_EXTENSIONS folders, e.g. from prepareExtensions(). */
	extensions?: string[];
	/** Packages from installCommunityPackage(), loaded as if installed from n8n's UI. */
	communityPackages?: CommunityPackage[];
	/** Extra environment for every n8n process of this instance; overrides the harness defaults. */
	env?: Record<string, string>;
	/** The server's port; a free one when absent (the demo pins the editor to 5678). */
	port?: number;
}

/** An n8n process started beside the server (a queue-mode worker or webhook processor). */
export interface N8nProcess {
	label: string;
	/** Everything it printed so far. */
	output(): string;
	/** SIGTERM (n8n finishes what it runs), SIGKILL after 20 s. */
	stop(): Promise<void>;
	kill(): Promise<void>;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

export interface CliExecution extends ExecutionResult {
	/** The `n8n execute` process: output, exit code, duration. */
	cli: CommandResult;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string;
}

/** The account setupOwner() creates (the demo prints it for logging into the editor). */
export const DEFAULT_OWNER = {
	email: 'owner@example.com',
	firstName: 'Harness',
	lastName: 'Owner',
	password: 'Harness-Passw0rd',
} as const;

// Environment that keeps n8n offline and quiet. n8n 2.x always uses task runners: N8N_RUNNERS_ENABLED is
// deprecated there ("safe to remove") and would only add a warning, so it is not set.
const HARNESS_ENV: Record<string, string> = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	// The editor is served over plain http: a Secure auth cookie would only work in a browser on localhost.
	N8N_SECURE_COOKIE: 'false',
	// n8n 2.x pings its database every 2 s and, when a ping waits longer than this (5 s by default), marks it down
	// and answers every request 503 "Database is not ready!" until a ping succeeds (seen with the limit set to
	// 1 ms). On a loaded test machine a SQLite ping waits behind a burst's writes: like every other wait here, the
	// limit is sized for a loaded machine, so the tests see the package's answers, not that one.
	DB_PING_TIMEOUT_MS: '60000',
};

/**
 * What the harness does differently on n8n 1.x, the oldest line of the compatibility matrix: 1.x has no
 * modules to disable (an unknown name stops it), reads the public webhook URL from WEBHOOK_URL, and activates
 * a workflow within the REST call instead of through 2.x's publication queue.
 */
const isLine1 = (runtime: RuntimePaths): boolean => runtime.version.startsWith('1.');

function versionEnv(runtime: RuntimePaths): Record<string, string> {
	// 2.x fetches the MCP server catalogue from api.n8n.io at start.
	return isLine1(runtime) ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' };
}

/** The setting for the base of production webhook URLs (2.40.7 deprecates WEBHOOK_URL for N8N_WEBHOOK_URL). */
const webhookUrlSetting = (runtime: RuntimePaths): string =>
	isLine1(runtime) ? 'WEBHOOK_URL' : 'N8N_WEBHOOK_URL';

/** Settings inherited from the caller's shell that would leak into the isolated instance. */
const FOREIGN_SETTING =
	/^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODES_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_OPTIONS$)/;

function n8nEnv(runtime: RuntimePaths, settings: Record<string, string>): NodeJS.ProcessEnv {
	const inherited = Object.entries(process.env).filter(([name]) => !FOREIGN_SETTING.test(name));
	return {
		...Object.fromEntries(inherited),
		PATH: `${dirname(runtime.nodeBinary)}:${process.env.PATH ?? ''}`,
		...HARNESS_ENV,
		...versionEnv(runtime),
		...settings,
	};
}

const READY_LINE = 'Editor is now accessible';
/**
 * How long an n8n process may take to print its ready line; one that exits first fails at once. A boot costs
 * 17-20 CPU-seconds: queue mode starts four at once, and a start after a crash also replays stored executions,
 * on two cores shared with other test lanes. Generous like the CLI's deadline, so a slow but live boot passes.
 */
const READY_DEADLINE_MS = 10 * 60_000;
const RUNNING_STATUSES = new Set(['new', 'running', 'waiting', 'unknown']);

// Run by Node 24 (node:sqlite): `n8n execute-batch` prints only a summary, the run data is in the database.
const READ_EXECUTIONS_SCRIPT = `
const { DatabaseSync } = require('node:sqlite');
const [database, afterId] = process.argv.slice(1);
const db = new DatabaseSync(database, { readOnly: true });
const rows = afterId === undefined
	? db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity').all()
	: db.prepare('SELECT e.id, e.workflowId, e.mode, e.status, e.startedAt, e.stoppedAt, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.id > ? ORDER BY e.id').all(Number(afterId));
process.stdout.write(JSON.stringify(rows));
`;

interface ExecutionRow {
	id: number;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string | null;
	stoppedAt: string | null;
	data: string;
}

/** SQLite keeps "2026-01-02 03:04:05.678" (UTC); the REST API says "2026-01-02T03:04:05.678Z". */
const isoFromDatabase = (value: string | null): string | undefined =>
	value === null ? undefined : `${value.replace(' ', 'T')}Z`;

const userFolderTemplates = new Map<string, Promise<string>>();

/**
 * A `.n8n` folder with n8n's database already migrated, copied into every new instance: a fresh database
 * costs about 2.5 s of migrations on its first command. Built once per machine and n8n version.
 */
async function migratedUserFolder(runtime: RuntimePaths): Promise<string> {
	const known = userFolderTemplates.get(runtime.version);
	if (known !== undefined) return await known;
	const template = (async () => {
		const folder = join(runtime.root, `user-folder-template-${runtime.version}`);
		if (!existsSync(join(folder, '.ready'))) {
			const staging = mkdtempSync(`${folder}.staging-`);
			try {
				const env = n8nEnv(runtime, {
					N8N_USER_FOLDER: staging,
					N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
				});
				const result = await runCommand(runtime.nodeBinary, [runtime.n8nEntry, 'list:workflow'], {
					env,
					timeoutMs: 5 * 60_000,
				});
				if (result.exitCode !== 0) {
					throw new Error(
						`migrating a new n8n database failed:\n${tail(result.stdout + result.stderr)}`,
					);
				}
				writeFileSync(join(staging, '.ready'), '');
				try {
					renameSync(staging, folder);
				} catch (error) {
					// Another run finished first; use its template.
					if (!existsSync(join(folder, '.ready'))) throw error;
				}
			} finally {
				rmSync(staging, { recursive: true, force: true });
			}
		}
		return join(folder, '.n8n');
	})().catch((error: unknown) => {
		userFolderTemplates.delete(runtime.version); // let a later instance try again
		throw error;
	});
	userFolderTemplates.set(runtime.version, template);
	return await template;
}

interface LogEntry {
	source: string;
	stdout: string;
	stderr: string;
}

export class N8nInstance {
	private server: ChildProcess | undefined;
	private authCookie: string | undefined;
	private readonly logEntries: LogEntry[] = [];
	private batchCount = 0;
	private readonly extraProcesses = new Set<ChildProcess>();

	private constructor(
		private readonly runtime: RuntimePaths,
		/** N8N_USER_FOLDER: n8n keeps its database, encryption key and binary data in `.n8n/` inside it. */
		readonly userFolder: string,
		/** The server's HTTP port (N8N_PORT). */
		readonly port: number,
		private readonly env: Record<string, string>,
		private readonly cancelExitCleanup: () => void,
	) {}

	static async create(options: N8nInstanceOptions = {}): Promise<N8nInstance> {
		const runtime = await ensureRuntime(options.n8nVersion);
		const template = await migratedUserFolder(runtime);
		const userFolder = mkdtempSync(join(tmpdir(), 'n8n-user-'));
		const cancelExitCleanup = onProcessExit(() =>
			rmSync(userFolder, { recursive: true, force: true }),
		);
		cpSync(template, join(userFolder, '.n8n'), { recursive: true });
		for (const pkg of options.communityPackages ?? []) {
			// n8n loads n8n-nodes-* packages found in <user folder>/.n8n/nodes/node_modules at start.
			const link = join(userFolder, '.n8n/nodes/node_modules', pkg.name);
			mkdirSync(dirname(link), { recursive: true });
			symlinkSync(pkg.directory, link);
		}
		const port = options.port ?? (await getFreePort());
		const env: Record<string, string> = {
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			// Production webhook URLs that n8n registers and shows point at this instance.
			[webhookUrlSetting(runtime)]: `http://127.0.0.1:${port}/`,
		};
		const extensions = combineExtensions(userFolder, options.extensions ?? []);
		if (extensions !== undefined) env.N8N_CUSTOM_EXTENSIONS = extensions;
		return new N8nInstance(
			runtime,
			userFolder,
			port,
			{ ...env, ...options.env },
			cancelExitCleanup,
		);
	}

	/** http://127.0.0.1:<port> */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The production URL of a Webhook node (or a trigger's webhook) with this path. */
	webhookUrl(path: string): string {
		return `${this.env[webhookUrlSetting(this.runtime)] ?? `${this.baseUrl}/`}webhook/${path}`;
	}

	/** Everything every n8n process of this instance printed so far, labelled by command and stream. */
	logs(): string {
		return this.logEntries
			.flatMap(({ source, stdout, stderr }) => [
				`===== ${source} (stdout) =====\n${stdout}`,
				`===== ${source} (stderr) =====\n${stderr}`,
			])
			.join('\n');
	}

	/** Imports credentials in one CLI call. */
	async importCredentials(credentials: Credential[]): Promise<void> {
		await this.importFile('import:credentials', credentials);
	}

	/** Imports workflows in one CLI call (they stay inactive; see activateWorkflow). */
	async importWorkflows(workflows: Workflow[]): Promise<void> {
		await this.importFile('import:workflow', workflows);
	}

	private async importFile(command: string, entities: unknown[]): Promise<void> {
		if (entities.length === 0) return;
		const file = join(this.userFolder, `${command.replace(':', '-')}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(entities));
		const result = await this.cli([command, `--input=${file}`]);
		if (result.exitCode !== 0 || !/Successfully imported/.test(result.stdout + result.stderr)) {
			throw new Error(
				`n8n ${command} failed (exit ${String(result.exitCode)}):\n${tail(result.stdout + result.stderr)}`,
			);
		}
	}

	/** Workflows as `n8n export:workflow` writes them (nodes, connections, static data...), in one CLI call. */
	async exportWorkflows(workflowIds: string[]): Promise<Array<Record<string, unknown>>> {
		const exported: Array<Record<string, unknown>> = [];
		for (const id of workflowIds) {
			const file = join(this.userFolder, `export-workflow-${id}-${Date.now()}.json`);
			const result = await this.cli(['export:workflow', `--id=${id}`, `--output=${file}`]);
			if (result.exitCode !== 0 || !existsSync(file)) {
				throw new Error(`n8n export:workflow --id=${id} failed (exit ${String(result.exitCode)}):\n${tail(result.stdout + result.stderr)}`);
			}
			exported.push(...(JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>));
		}
		return exported;
	}

	/**
	 * Runs a workflow once from its Manual Trigger with `n8n execute` (its own process: about 4-5 s of fixed
	 * cost). A failed run is returned with `failed: true`; problems before the run (unknown workflow or node
	 * type) throw with n8n's output.
	 */
	async execute(
		workflowId: string,
		{ timeoutMs = 10 * 60_000 }: { timeoutMs?: number } = {},
	): Promise<CliExecution> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const result = parseExecuteOutput(cli.stdout);
		if (result === undefined) {
			throw new Error(
				`n8n execute --id=${workflowId} printed no run data (exit ${String(cli.exitCode)}):\n${tail(cli.stdout + cli.stderr)}`,
			);
		}
		return { ...result, workflowId, cli };
	}

	/**
	 * Runs several workflows in a single `n8n execute-batch` process, one after another or `concurrency` at a
	 * time: the fixed cost of `execute` is paid once. Returns each workflow's run, read back from n8n's database.
	 */
	async executeMany(
		workflowIds: string[],
		{ timeoutMs = 30 * 60_000, concurrency = 1 }: { timeoutMs?: number; concurrency?: number } = {},
	): Promise<Map<string, ExecutionResult>> {
		const withoutDigit = workflowIds.filter((id) => !/\d/.test(id));
		if (withoutDigit.length > 0) {
			throw new Error(
				`n8n execute-batch ignores workflow ids without a digit: ${withoutDigit.join(', ')}`,
			);
		}
		const lastIdBefore = await this.lastExecutionId();
		const summary = join(this.userFolder, `execute-batch-${++this.batchCount}.json`);
		// --retries=0: by default failed workflows are run a second time.
		const cli = await this.cli(
			['execute-batch', `--ids=${workflowIds.join(',')}`, '--retries=0', `--concurrency=${String(concurrency)}`, `--output=${summary}`],
			timeoutMs,
		);
		// The exit code says nothing useful: 1 when any workflow failed, and the process sometimes crashes
		// (SIGSEGV) while exiting after it wrote the summary.
		if (!existsSync(summary)) {
			throw new Error(
				`n8n execute-batch wrote no summary (exit ${String(cli.exitCode)}):\n${tail(cli.stdout + cli.stderr)}`,
			);
		}
		const results = new Map<string, ExecutionResult>();
		for (const row of await this.readExecutions(lastIdBefore)) {
			results.set(
				row.workflowId,
				toExecutionResult(parseFlatted(row.data), {
					id: String(row.id),
					workflowId: row.workflowId,
					mode: row.mode,
					status: row.status,
					startedAt: isoFromDatabase(row.startedAt),
					stoppedAt: isoFromDatabase(row.stoppedAt),
				}),
			);
		}
		const missing = workflowIds.filter((id) => !results.has(id));
		if (missing.length > 0) {
			throw new Error(
				`n8n execute-batch ran no execution for ${missing.join(', ')}:\n${readFileSync(summary, 'utf8').slice(0, 4000)}`,
			);
		}
		return results;
	}

	private async lastExecutionId(): Promise<number> {
		const [row] = JSON.parse(await this.queryDatabase([])) as Array<{ id: number }>;
		return row.id;
	}

	private async readExecutions(afterId: number): Promise<ExecutionRow[]> {
		return JSON.parse(await this.queryDatabase([String(afterId)])) as ExecutionRow[];
	}

	private async queryDatabase(args: string[]): Promise<string> {
		const database = join(this.userFolder, '.n8n/database.sqlite');
		const result = await runCommand(
			this.runtime.nodeBinary,
			['--no-warnings', '-e', READ_EXECUTIONS_SCRIPT, database, ...args],
			{ env: process.env, timeoutMs: 60_000 },
		);
		if (result.exitCode !== 0)
			throw new Error(`reading ${database} failed:\n${tail(result.stderr)}`);
		return result.stdout;
	}

	/** Runs `n8n start` and waits until the editor and webhooks are served. */
	async start(): Promise<void> {
		if (this.server !== undefined) throw new Error('n8n is already running');
		const server = await this.spawnUntilReady('start', READY_LINE, {});
		this.server = server.child;
		server.child.once('exit', () => {
			if (this.server === server.child) this.server = undefined;
		});
	}

	/** Stops the server (SIGTERM to n8n and its task runner; SIGKILL if still running after 20 s). */
	async stop(): Promise<void> {
		const server = this.server;
		if (server === undefined) return;
		await stopTracked(server, 'SIGTERM', 20_000);
		this.server = undefined;
	}

	/** Kills the server at once (SIGKILL to n8n and its task runner), as a crash would; start() runs it again on the same database. */
	async kill(): Promise<void> {
		const server = this.server;
		if (server === undefined) return;
		await stopTracked(server, 'SIGKILL', 0);
		this.server = undefined;
	}

	/**
	 * Starts another n8n process on this instance's database and settings (queue mode: `worker`, `webhook`),
	 * with `env` on top, and waits for `readyLine` in its output. Stopped by dispose() at the latest.
	 */
	async startProcess(
		command: string,
		{ readyLine, env = {}, label = `n8n ${command}` }: { readyLine: string; env?: Record<string, string>; label?: string },
	): Promise<N8nProcess> {
		const { child, log } = await this.spawnUntilReady(command, readyLine, env, label);
		this.extraProcesses.add(child);
		child.once('exit', () => this.extraProcesses.delete(child));
		return {
			label,
			output: () => log.stdout + log.stderr,
			stop: async () => await stopTracked(child, 'SIGTERM', 20_000),
			kill: async () => await stopTracked(child, 'SIGKILL', 0),
		};
	}

	private async spawnUntilReady(
		command: string,
		readyLine: string,
		extraEnv: Record<string, string>,
		label = `n8n ${command}`,
	): Promise<{ child: ChildProcess; log: LogEntry }> {
		const env = n8nEnv(this.runtime, {
			...this.env,
			N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
			...extraEnv,
		});
		const child = spawnTracked(this.runtime.nodeBinary, [this.runtime.n8nEntry, command], {
			env,
			cwd: this.userFolder,
		});
		const log: LogEntry = { source: label, stdout: '', stderr: '' };
		this.logEntries.push(log);
		child.stdout?.on('data', (chunk: Buffer) => (log.stdout += chunk.toString('utf8')));
		child.stderr?.on('data', (chunk: Buffer) => (log.stderr += chunk.toString('utf8')));
		try {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(
					() => reject(new Error(`${label} was not ready after ${READY_DEADLINE_MS} ms:\n${tail(log.stdout + log.stderr)}`)),
					READY_DEADLINE_MS,
				);
				const onOutput = (): void => {
					if (log.stdout.includes(readyLine)) done(resolve);
				};
				const onExit = (code: number | null): void =>
					done(() => reject(new Error(`${label} exited (${String(code)}) before it was ready:\n${tail(log.stdout + log.stderr)}`)));
				const done = (settle: () => void): void => {
					clearTimeout(timer);
					child.stdout?.off('data', onOutput);
					child.off('exit', onExit);
					settle();
				};
				child.stdout?.on('data', onOutput);
				child.once('exit', onExit);
			});
		} catch (error) {
			await stopTracked(child, 'SIGTERM', 20_000);
			throw error;
		}
		return { child, log };
	}

	/** Creates the owner account on the running server and keeps its session for the REST calls below. */
	async setupOwner(
		owner: { email: string; firstName: string; lastName: string; password: string } = DEFAULT_OWNER,
	): Promise<void> {
		const response = await this.fetchRest('POST', '/owner/setup', owner);
		const cookie = response.headers.getSetCookie().find((header) => header.startsWith('n8n-auth='));
		if (cookie === undefined) throw new Error('owner setup returned no n8n-auth cookie');
		this.authCookie = cookie.split(';')[0];
	}

	/**
	 * Publishes (activates) a workflow and waits until n8n has registered its triggers, e.g. its webhooks
	 * and any webhook a trigger node creates on a remote service. Throws with n8n's message when a trigger
	 * fails to activate.
	 */
	async activateWorkflow(
		workflowId: string,
		{ timeoutMs = 30_000 }: { timeoutMs?: number } = {},
	): Promise<void> {
		const { versionId, ...status } = await this.publishWorkflow(workflowId, { timeoutMs });
		if (status.status !== 'published' || status.liveVersionId !== versionId) {
			// n8n says why a publication ended otherwise only in its log (a skipped or superseded record, say).
			const related = this.logs()
				.split('\n')
				.filter((line) => line.includes(workflowId) || /publication|publish/i.test(line))
				.slice(-20);
			throw new Error(`workflow ${workflowId} did not activate: ${JSON.stringify(status)}\nn8n's log about it:\n${related.join('\n')}`);
		}
	}

	/**
	 * Publishes (activates) a workflow and returns how its triggers settled, failed ones included, with the
	 * version that was published.
	 */
	async publishWorkflow(
		workflowId: string,
		{ timeoutMs = 30_000 }: { timeoutMs?: number } = {},
	): Promise<PublicationStatus & { versionId: string }> {
		const { versionId } = await this.rest<{ versionId: string }>('GET', `/workflows/${workflowId}`);
		if (isLine1(this.runtime)) return { ...(await this.activateWithinRequest(workflowId, versionId)), versionId };
		await this.rest('POST', `/workflows/${workflowId}/activate`, { versionId });
		return { ...(await this.settledPublication(workflowId, timeoutMs)), versionId };
	}

	/**
	 * n8n 1.x registers the triggers before it answers the activation: 200 with the workflow as activated, or
	 * 400 with the trigger's error (and the workflow left inactive).
	 */
	private async activateWithinRequest(workflowId: string, versionId: string): Promise<PublicationStatus> {
		const path = `/workflows/${workflowId}/activate`;
		const response = await this.request('POST', path, { versionId });
		if (response.status === 400) {
			const { message } = (await response.json()) as { message: string };
			return { status: 'failed', liveVersionId: null, pendingVersionId: null, triggers: [], errorMessage: message };
		}
		if (!response.ok) throw await restError('POST', path, response);
		const { data } = (await response.json()) as { data: { activeVersionId: string | null } };
		return { status: 'published', liveVersionId: data.activeVersionId, pendingVersionId: null, triggers: [] };
	}

	/** Unpublishes (deactivates) a workflow and waits until its triggers are removed (webhook delete ran). */
	async deactivateWorkflow(
		workflowId: string,
		{ timeoutMs = 30_000 }: { timeoutMs?: number } = {},
	): Promise<void> {
		const workflow = await this.rest<{ activeVersionId: string | null }>('POST', `/workflows/${workflowId}/deactivate`, {});
		// n8n 1.x removes the triggers before it answers.
		const status = isLine1(this.runtime)
			? { status: workflow.activeVersionId === null ? 'not_published' : 'published' }
			: await this.settledPublication(workflowId, timeoutMs);
		if (status.status !== 'not_published') {
			throw new Error(`workflow ${workflowId} did not deactivate: ${JSON.stringify(status)}`);
		}
	}

	/** Polls the publication status until it settles (see settledPublication in publication.mts). */
	private async settledPublication(workflowId: string, timeoutMs: number): Promise<PublicationStatus> {
		return await settledPublication(
			async () => await this.rest<PublicationStatus>('GET', `/workflows/${workflowId}/publication-status`),
			{ timeoutMs, what: `the publication of workflow ${workflowId}` },
		);
	}

	/**
	 * What the editor's Execute Workflow button does for a workflow started by `triggerName`: a manual run that,
	 * for a trigger with a webhook, listens on the test URL (answers `waitingForWebhook`) until one call arrives.
	 */
	async runManually(workflowId: string, triggerName: string): Promise<{ waitingForWebhook?: boolean; executionId?: string }> {
		return await this.rest('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerName } });
	}

	/** Executions of a workflow, newest first, including running ones. */
	async listExecutions(workflowId: string): Promise<ExecutionSummary[]> {
		const pageSize = 100; // the API's maximum
		const found = new Map<string, ExecutionSummary>();
		let lastId: string | undefined;
		for (;;) {
			const query = new URLSearchParams({
				filter: JSON.stringify({ workflowId }),
				limit: String(pageSize),
			});
			if (lastId !== undefined) query.set('lastId', lastId);
			const page = await this.rest<{ results: ExecutionSummary[] }>(
				'GET',
				`/executions?${query.toString()}`,
			);
			for (const { id, mode, status, startedAt, stoppedAt } of page.results) {
				found.set(id, {
					id,
					workflowId,
					mode,
					status,
					startedAt: startedAt ?? undefined,
					stoppedAt: stoppedAt ?? undefined,
				});
			}
			if (page.results.length < pageSize) break;
			lastId = String(Math.min(...page.results.map(({ id }) => Number(id))));
		}
		return [...found.values()].sort((a, b) => Number(b.id) - Number(a.id));
	}

	/** One execution with its full run data. */
	async getExecution(executionId: string): Promise<ExecutionResult> {
		const execution = await this.rest<ExecutionSummary & { data?: string }>(
			'GET',
			`/executions/${executionId}`,
		);
		if (execution?.data === undefined) throw new Error(`execution ${executionId} has no data`);
		const { id, workflowId, mode, status, startedAt, stoppedAt } = execution;
		// The API serves run data in n8n's flatted format (as stored).
		return toExecutionResult(parseFlatted(execution.data), {
			id,
			workflowId,
			mode,
			status,
			startedAt,
			stoppedAt,
		});
	}

	/**
	 * Waits until a workflow has at least `count` finished executions and returns all finished ones with
	 * their run data, oldest first.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 30_000,
	): Promise<ExecutionResult[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.listExecutions(workflowId);
			const finished = executions.filter(({ status }) => !RUNNING_STATUSES.has(status));
			if (finished.length >= count) {
				finished.sort((a, b) => Number(a.id) - Number(b.id));
				return await Promise.all(finished.map(({ id }) => this.getExecution(id)));
			}
			if (Date.now() > deadline) {
				const seen = executions.map(({ id, status }) => `${id}:${status}`).join(', ') || 'none';
				throw new Error(
					`expected ${count} finished executions of ${workflowId} within ${timeoutMs} ms; seen: ${seen}`,
				);
			}
			await sleep(200);
		}
	}

	/** Waits until none of a workflow's executions is waiting to run or running; returns them all, newest first. */
	async settledExecutions(workflowId: string, timeoutMs = 180_000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.listExecutions(workflowId);
			const unsettled = executions.filter(({ status }) => RUNNING_STATUSES.has(status));
			if (unsettled.length === 0) return executions;
			if (Date.now() > deadline) {
				const seen = unsettled.slice(0, 10).map(({ id, status }) => `${id}:${status}`).join(', ');
				throw new Error(`${unsettled.length} executions of ${workflowId} still unsettled after ${timeoutMs} ms: ${seen}`);
			}
			await sleep(500);
		}
	}

	/** Stops the server and every process from startProcess(), and deletes the user folder. */
	async dispose(): Promise<void> {
		await Promise.all([this.stop(), ...[...this.extraProcesses].map(async (child) => await stopTracked(child, 'SIGTERM', 20_000))]);
		rmSync(this.userFolder, { recursive: true, force: true });
		this.cancelExitCleanup();
	}

	private async cli(args: string[], timeoutMs = 10 * 60_000): Promise<CommandResult> {
		// A broker port of its own: a CLI run must not collide with this instance's server (or another run).
		const env = n8nEnv(this.runtime, {
			...this.env,
			N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
		});
		const result = await runCommand(this.runtime.nodeBinary, [this.runtime.n8nEntry, ...args], {
			env,
			cwd: this.userFolder,
			timeoutMs,
		});
		this.logEntries.push({
			source: `n8n ${args.join(' ')}`,
			stdout: result.stdout,
			stderr: result.stderr,
		});
		return result;
	}

	/** A REST call as the owner (after setupOwner), whatever its status. */
	private async request(method: string, path: string, body?: unknown): Promise<Response> {
		if (this.server === undefined)
			throw new Error(`${method} /rest${path}: n8n is not running (call start())`);
		const headers: Record<string, string> = {};
		if (this.authCookie !== undefined) headers.cookie = this.authCookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		return await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	private async fetchRest(method: string, path: string, body?: unknown): Promise<Response> {
		const response = await this.request(method, path, body);
		if (!response.ok) throw await restError(method, path, response);
		return response;
	}

	/** The owner's session cookie (`n8n-auth=…`, after setupOwner), for a browser that opens the editor. */
	get ownerSessionCookie(): { name: string; value: string } {
		if (this.authCookie === undefined) throw new Error('no owner session: call setupOwner() first');
		const [name, ...value] = this.authCookie.split('=');
		return { name, value: value.join('=') };
	}

	/**
	 * The node or credential types the running server loaded, as the editor reads them (`/types/<kind>.json`,
	 * after setupOwner): one entry per type and version, a node's tool variant included.
	 */
	async loadedTypes(kind: 'nodes' | 'credentials'): Promise<Array<{ name: string; version?: number | number[] }>> {
		if (this.server === undefined) throw new Error(`/types/${kind}.json: n8n is not running (call start())`);
		const response = await fetch(`${this.baseUrl}/types/${kind}.json`, {
			headers: this.authCookie === undefined ? {} : { cookie: this.authCookie },
		});
		if (!response.ok) throw new Error(`GET /types/${kind}.json -> HTTP ${response.status}`);
		return (await response.json()) as Array<{ name: string; version?: number | number[] }>;
	}

	/** A REST call as the owner (after setupOwner); returns the response's `data`. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.fetchRest(method, path, body);
		const payload = (await response.json()) as { data: T };
		return payload.data;
	}
}

async function restError(method: string, path: string, response: Response): Promise<Error> {
	return new Error(`${method} /rest${path} -> HTTP ${response.status}: ${(await response.text()).slice(0, 2000)}`);
}

/**
 * The value for N8N_CUSTOM_EXTENSIONS. n8n 2.40.7 splits it on ";" but registers every folder under the same
 * package name ("CUSTOM"), so only the last folder's nodes survive. Several folders are therefore linked into
 * one folder inside the user folder, which n8n scans recursively.
 */
function combineExtensions(userFolder: string, folders: string[]): string | undefined {
	if (folders.length <= 1) return folders[0];
	const combined = join(userFolder, 'extensions');
	mkdirSync(combined);
	folders.forEach((folder, index) => symlinkSync(folder, join(combined, String(index))));
	return combined;
}
