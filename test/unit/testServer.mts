// A real local HTTP server per test: the client under test talks to it over real sockets, so resets,
// hangs and refused connections are the operating system's, not simulated ones.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	method: string;
	/** Path and query as sent. */
	url: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	body: string;
	/** The body's bytes, as received. */
	bytes: Buffer;
	/** `Date.now()` when the request was complete. */
	at: number;
}

/** Decides one answer; `n` counts requests from 0. May leave `res` open (hang) or destroy the socket (reset). */
export type Handler = (req: ReceivedRequest, res: ServerResponse, n: number) => void | Promise<void>;

export class TestServer {
	readonly requests: ReceivedRequest[] = [];

	private constructor(
		private readonly server: Server,
		readonly port: number,
	) {}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	static async start(handler: Handler, port = 0): Promise<TestServer> {
		let self: TestServer | undefined;
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'http://local');
				const received: ReceivedRequest = {
					method: req.method ?? '',
					url: req.url ?? '',
					path: url.pathname,
					query: url.searchParams,
					headers: req.headers,
					body: Buffer.concat(chunks).toString('utf8'),
					bytes: Buffer.concat(chunks),
					at: Date.now(),
				};
				const requests = self?.requests ?? [];
				const n = requests.length;
				requests.push(received);
				Promise.resolve(handler(received, res, n)).catch((error: unknown) => {
					if (!res.headersSent) reply(res, 599, { text: `handler failed: ${String(error)}` });
				});
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
		self = new TestServer(server, (server.address() as AddressInfo).port);
		return self;
	}

	/** Paths of the requests received, e.g. `GET /x?a=1`. */
	get lines(): string[] {
		return this.requests.map((r) => `${r.method} ${r.url}`);
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

export function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
	const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
	const type = typeof body === 'string' ? 'text/plain' : 'application/json';
	res.writeHead(status, { 'Content-Type': headers['Content-Type'] ?? type, ...headers });
	res.end(text);
}

/** Closes the connection without an answer: the client sees ECONNRESET / socket hang up. */
export function resetConnection(res: ServerResponse): void {
	res.socket?.destroy();
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** Runs `body` with a started server and always closes it. */
export async function withServer<T>(handler: Handler, body: (server: TestServer) => Promise<T>): Promise<T> {
	const server = await TestServer.start(handler);
	try {
		return await body(server);
	} finally {
		await server.close();
	}
}

/**
 * Checks `condition` every 10 ms until it holds or `timeoutMs` has passed; the caller asserts what it needs, so
 * a condition that never comes fails the test instead of hanging it.
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
}
