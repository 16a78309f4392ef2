// n8n in queue mode for end-to-end tests, the demo and benchmarks: one main process (editor, REST API,
// activation), `n8n worker` processes that take executions from a Bull queue in Redis, and one `n8n webhook`
// processor that serves the production webhooks, all on a PostgreSQL database of their own, created for the run
// and dropped after it. Redis keys carry a prefix of their own, so several setups can share one Redis.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { N8nInstance, type N8nProcess } from './n8n.mts';
import { getFreePort, onProcessExit, runCommand, tail } from './processes.mts';
import { ensureRuntime, N8N_VERSION } from './runtime.mts';

/** Where PostgreSQL and Redis are: loopback by default, or the usual PGHOST/PGPORT/PGUSER and REDIS_HOST/REDIS_PORT. */
export const QUEUE_SERVICES = {
	postgres: {
		host: process.env.PGHOST ?? '127.0.0.1',
		port: Number(process.env.PGPORT ?? 5432),
		user: process.env.PGUSER ?? 'postgres',
	},
	redis: { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) },
};

export interface N8nQueueOptions {
	/** N8N_CUSTOM_EXTENSIONS folders, e.g. from prepareExtensions(). */
	extensions: string[];
	workers?: number;
	/** Executions a worker runs at once (n8n's default is 10); 1 makes simultaneous executions go to different workers. */
	workerConcurrency?: number;
	/** `n8n webhook` processes; the first one's URL is the one n8n registers (N8N_WEBHOOK_URL). */
	webhookProcessors?: number;
	/** Extra environment for every process. */
	env?: Record<string, string>;
	/** The main process's port (the editor); a free one when absent. */
	port?: number;
}

const WORKER_READY = 'n8n worker is now ready';
const WEBHOOK_READY = 'Webhook listener waiting for requests.';
const WORKER_STARTED = /Worker started execution (\d+) \(job/g;

/** Answers the first line a TCP server sends after `probe` (empty: whether it accepts a connection at all). */
async function probeTcp(host: string, port: number, probe: string): Promise<string> {
	return await new Promise<string>((resolve, reject) => {
		const socket = connect(port, host);
		const timer = setTimeout(() => socket.destroy(new Error('no answer within 3 s')), 3_000);
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		socket.once('connect', () => {
			if (probe === '') {
				clearTimeout(timer);
				socket.end();
				resolve('');
				return;
			}
			socket.write(probe);
			socket.once('data', (chunk: Buffer) => {
				clearTimeout(timer);
				socket.end();
				resolve(chunk.toString('utf8').split('\r\n')[0]);
			});
		});
	});
}

/** Throws a message that says what is missing and how to point the tests elsewhere. */
export async function checkQueueServices(): Promise<void> {
	const { postgres, redis } = QUEUE_SERVICES;
	const problems: string[] = [];
	try {
		await probeTcp(postgres.host, postgres.port, '');
		execFileSync('psql', ['-h', postgres.host, '-p', String(postgres.port), '-U', postgres.user, '-d', 'postgres', '-Atc', 'SELECT 1'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
	} catch (error) {
		problems.push(
			`PostgreSQL at ${postgres.host}:${postgres.port} (user ${postgres.user}, psql/createdb/dropdb on PATH) is not usable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
		);
	}
	try {
		const answer = await probeTcp(redis.host, redis.port, 'PING\r\n');
		if (answer !== '+PONG') throw new Error(`PING answered ${JSON.stringify(answer)}`);
	} catch (error) {
		problems.push(`Redis at ${redis.host}:${redis.port} is not usable: ${error instanceof Error ? error.message : String(error)}`);
	}
	if (problems.length > 0) {
		throw new Error(
			`n8n queue mode needs PostgreSQL and Redis:\n- ${problems.join('\n- ')}\nStart them, or set PGHOST/PGPORT/PGUSER and REDIS_HOST/REDIS_PORT.`,
		);
	}
}

function pg(command: 'createdb' | 'dropdb', args: string[]): void {
	const { host, port, user } = QUEUE_SERVICES.postgres;
	execFileSync(command, ['-h', host, '-p', String(port), '-U', user, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function psql(sql: string): string {
	const { host, port, user } = QUEUE_SERVICES.postgres;
	return execFileSync('psql', ['-h', host, '-p', String(port), '-U', user, '-d', 'postgres', '-Atc', sql], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	}).trim();
}

let template: Promise<string> | undefined;

/**
 * A database with n8n's migrations already run, copied for every setup (`createdb -T`): migrating a new
 * database costs the main process about 10 s at its start. Built once per machine and n8n version.
 */
async function migratedTemplate(): Promise<string> {
	template ??= (async () => {
		const name = `n8n_queue_template_${N8N_VERSION.replace(/\./g, '_')}`;
		if (psql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`) === '1') return name;
		const runtime = await ensureRuntime();
		const staging = `${name}_staging_${randomBytes(4).toString('hex')}`;
		pg('createdb', [staging]);
		const userFolder = mkdtempSync(join(tmpdir(), 'n8n-queue-template-'));
		try {
			const { host, port, user } = QUEUE_SERVICES.postgres;
			const result = await runCommand(runtime.nodeBinary, [runtime.n8nEntry, 'list:workflow'], {
				env: {
					...process.env,
					PATH: `${dirname(runtime.nodeBinary)}:${process.env.PATH ?? ''}`,
					N8N_USER_FOLDER: userFolder,
					N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
					DB_TYPE: 'postgresdb',
					DB_POSTGRESDB_HOST: host,
					DB_POSTGRESDB_PORT: String(port),
					DB_POSTGRESDB_USER: user,
					DB_POSTGRESDB_DATABASE: staging,
				},
				timeoutMs: 5 * 60_000,
			});
			if (result.exitCode !== 0) throw new Error(`migrating a new n8n database failed:\n${tail(result.stdout + result.stderr)}`);
			try {
				psql(`ALTER DATABASE "${staging}" RENAME TO "${name}"`);
			} catch (error) {
				// Another run finished first; use its template.
				if (psql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`) !== '1') throw error;
			}
		} finally {
			rmSync(userFolder, { recursive: true, force: true });
			pg('dropdb', ['--if-exists', staging]);
		}
		return name;
	})().catch((error: unknown) => {
		template = undefined;
		throw error;
	});
	return await template;
}

// Run by Node 24 with n8n's own ioredis: removes every key of one setup.
const DELETE_KEYS_SCRIPT = `
const Redis = require(process.argv[1]);
const [, host, port, ...patterns] = process.argv.slice(1);
const redis = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
(async () => {
	await redis.connect();
	for (const match of patterns) {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
			cursor = next;
			if (keys.length) await redis.del(...keys);
		} while (cursor !== '0');
	}
	await redis.quit();
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

/** A webhook processor and the port it serves production webhooks on. */
export interface WebhookProcessor extends N8nProcess {
	port: number;
	/** The production URL of a webhook on this processor. */
	webhookUrl(path: string): string;
}

/**
 * Executions are started through webhooks (or triggers), which is how they reach the workers: `n8n execute` runs
 * in a process of its own, and the main instance's execute()/executeMany() read SQLite, so they are not used here.
 */
export class N8nQueue {
	private constructor(
		/** The main process: editor, REST API, activation; it runs no executions of its own. */
		readonly main: N8nInstance,
		readonly workers: N8nProcess[],
		/** Serve every production webhook (the main process serves none); n8n registers the first one's URL. */
		readonly webhookProcessors: WebhookProcessor[],
		readonly database: string,
		private readonly prefix: string,
		private readonly cancelExitCleanup: () => void,
		/** What every worker is started with (the shared encryption key, the concurrency). */
		private readonly workerEnv: Record<string, string>,
	) {}

	static async create({ extensions, workers = 2, workerConcurrency, webhookProcessors = 1, env = {}, port }: N8nQueueOptions): Promise<N8nQueue> {
		await checkQueueServices();
		const { postgres, redis } = QUEUE_SERVICES;
		const suffix = randomBytes(5).toString('hex');
		const database = `n8n_queue_${suffix}`;
		const prefix = `omnichat-${suffix}`;
		pg('createdb', ['-T', await migratedTemplate(), database]);
		const cancelExitCleanup = onProcessExit(() => {
			try {
				pg('dropdb', ['--if-exists', '--force', database]);
			} catch {
				// Best effort: the process is exiting.
			}
		});
		const webhookPorts = await Promise.all(Array.from({ length: webhookProcessors }, async () => await getFreePort()));
		const queueEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_DATABASE: database,
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: `${prefix}-bull`,
			N8N_REDIS_KEY_PREFIX: prefix,
			// Binary data goes to PostgreSQL, which every process reads.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			// Production webhooks are served by the webhook processor only, and n8n registers its URL.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPorts[0]}/`,
			// A webhook answered when its execution finishes waits on Bull's job.finished(), which n8n 2.40.7 calls after
			// storing the execution: a job done by then is found only if finished jobs are kept (by default they are
			// removed at once, and the call is never answered: 11 of 200 in a test).
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: '1000',
			N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: '1000',
			...env,
		};
		let main: N8nInstance | undefined;
		const dropEverything = async (): Promise<void> => {
			await main?.dispose();
			await dropQueueState(database, prefix);
			cancelExitCleanup();
		};
		try {
			main = await N8nInstance.create({ extensions, port, env: queueEnv });
			// Every process must encrypt credentials with the same key: the one n8n wrote into the shared user folder.
			const { encryptionKey } = JSON.parse(readFileSync(join(main.userFolder, '.n8n/config'), 'utf8')) as { encryptionKey: string };
			const shared = { N8N_ENCRYPTION_KEY: encryptionKey };
			// The main process runs the migrations: the others start on a database that is ready.
			await main.start();
			const instance = main;
			const workerEnv = workerConcurrency === undefined ? shared : { ...shared, N8N_CONCURRENCY_PRODUCTION_LIMIT: String(workerConcurrency) };
			const [processors, workerProcesses] = await Promise.all([
				Promise.all(
					webhookPorts.map(async (webhookPort, index): Promise<WebhookProcessor> => {
						const label = `n8n webhook ${index + 1}`;
						const started = await instance.startProcess('webhook', { readyLine: WEBHOOK_READY, env: { ...shared, N8N_PORT: String(webhookPort) }, label });
						return { ...started, port: webhookPort, webhookUrl: (path) => `http://127.0.0.1:${webhookPort}/webhook/${path}` };
					}),
				),
				Promise.all(
					Array.from({ length: workers }, async (_, index) =>
						await instance.startProcess('worker', { readyLine: WORKER_READY, env: workerEnv, label: `n8n worker ${index + 1}` }),
					),
				),
			]);
			return new N8nQueue(instance, workerProcesses, processors, database, prefix, cancelExitCleanup, workerEnv);
		} catch (error) {
			await dropEverything();
			throw error;
		}
	}

	/** Starts one more worker (e.g. in place of one that was killed), with `env` on top of the workers' own. */
	async addWorker(label: string, env: Record<string, string> = {}): Promise<N8nProcess> {
		const worker = await this.main.startProcess('worker', { readyLine: WORKER_READY, env: { ...this.workerEnv, ...env }, label });
		this.workers.push(worker);
		return worker;
	}

	/** The production URL of a webhook, on the first webhook processor (the URL n8n registers on platforms). */
	webhookUrl(path: string): string {
		return this.main.webhookUrl(path);
	}

	/** Which worker ran each execution, from the workers' own log lines ("Worker started execution <id>"). */
	executionsByWorker(): Map<string, string> {
		const byExecution = new Map<string, string>();
		for (const worker of this.workers) {
			for (const match of worker.output().matchAll(WORKER_STARTED)) byExecution.set(match[1], worker.label);
		}
		return byExecution;
	}

	/** The worker that ran an execution, or undefined when no worker says it did. */
	workerOf(executionId: string): string | undefined {
		return this.executionsByWorker().get(executionId);
	}

	/** Stops every process, drops the database and removes the setup's Redis keys. */
	async dispose(): Promise<void> {
		await this.main.dispose();
		await dropQueueState(this.database, this.prefix);
		this.cancelExitCleanup();
	}
}

async function dropQueueState(database: string, prefix: string): Promise<void> {
	const problems: string[] = [];
	try {
		pg('dropdb', ['--if-exists', '--force', database]);
	} catch (error) {
		problems.push(`dropdb ${database}: ${error instanceof Error ? error.message : String(error)}`);
	}
	const { nodeBinary, root } = await ensureRuntime();
	const { host, port } = QUEUE_SERVICES.redis;
	const result = await runCommand(
		nodeBinary,
		['-e', DELETE_KEYS_SCRIPT, join(root, 'node_modules/ioredis'), host, String(port), `${prefix}-bull:*`, `${prefix}:*`, `{${prefix}:*`],
		{ env: process.env, timeoutMs: 60_000 },
	);
	if (result.exitCode !== 0) problems.push(`removing Redis keys ${prefix}*: ${tail(result.stderr)}`);
	if (problems.length > 0) throw new Error(problems.join('\n'));
}
