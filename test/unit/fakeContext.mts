// A small stand-in for n8n's IExecuteFunctions: what the shared engine and transport use, no more.
// Its httpRequestWithAuthentication behaves like n8n's for the options the ApiClient sends: the credential's
// header is added (Bearer key for WTS, `api_access_token` for Chatwoot), `returnFullResponse` + `ignoreHttpStatusErrors` + `encoding: 'text'` answer with
// `{ statusCode, headers, body: string }`, and transport failures are thrown the way n8n throws them: a
// NodeApiError whose `cause` is an axios-like error holding `code` and the request config, Authorization
// header included, so redaction is tested against a realistic error.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IAdditionalCredentialOptions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';

/**
 * n8n-workflow ships ESM and CJS builds. The code under test is CommonJS and `require`s the CJS build, so
 * classes used in `instanceof` checks (NodeOperationError, NodeApiError) must come from that build too.
 */
export const workflow = createRequire(import.meta.url)('n8n-workflow') as typeof import('n8n-workflow');

export const API_KEY = 'pn_SECRET-key_4242/+=abcdef';

/** A parameter value; a function gives a value per item. */
export type ParamValue = unknown | ((itemIndex: number) => unknown);

export interface Attempt {
	credentialType: string;
	options: IHttpRequestOptions;
	/** Outcome: HTTP status, or the transport error code. */
	outcome?: number | string;
}

export interface FakeContextOptions {
	params?: Record<string, ParamValue>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Called after each authenticated attempt that failed without an HTTP answer. */
	onTransportError?: (attempt: Attempt, attempts: Attempt[]) => void | Promise<void>;
	/** Replaces the network for authenticated requests (e.g. to throw an error of a given shape). */
	transport?: (options: IHttpRequestOptions, attempt: Attempt) => Promise<unknown>;
	/**
	 * n8n's binary store, by binary id: `getBinaryStream` hands each file out in 64 KiB chunks, and reading a
	 * stored binary whole (`getBinaryDataBuffer`) fails.
	 */
	binaryStore?: Record<string, Buffer>;
}

export type FakeContext = IExecuteFunctions & {
	/** Every call of httpRequestWithAuthentication, in order. */
	attempts: Attempt[];
	/** Every call of helpers.httpRequest (unauthenticated), in order. */
	plainRequests: IHttpRequestOptions[];
	/** Binary ids whose stream was opened, in order. */
	streamsOpened: string[];
	/** Credential types read with getCredentials (n8n reads the database and decrypts for each), in order. */
	credentialReads: string[];
};

export const testNode: INode = {
	id: 'node-1',
	name: 'WTS Chat',
	type: 'n8n-nodes-omnichat.wtsChat',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function wtsCredentials(baseUrl: string, apiKey = API_KEY): Record<string, ICredentialDataDecryptedObject> {
	return { wtsChatApi: { apiKey, baseUrl } };
}

function lookup(params: Record<string, ParamValue>, name: string, itemIndex: number): unknown {
	let value: unknown = name in params ? params[name] : undefined;
	if (value === undefined && name.includes('.')) {
		const [first, ...rest] = name.split('.');
		value = rest.reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], params[first]);
	}
	return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
}

function serializeQuery(qs: IDataObject | undefined, arrayFormat: IHttpRequestOptions['arrayFormat']): string {
	if (!qs) return '';
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null) continue;
		if (Array.isArray(value)) {
			value.forEach((entry, i) => {
				const name = arrayFormat === 'repeat' ? key : arrayFormat === 'brackets' ? `${key}[]` : `${key}[${i}]`;
				search.append(name, String(entry));
			});
		} else if (typeof value === 'object') {
			search.append(key, JSON.stringify(value));
		} else {
			search.append(key, String(value));
		}
	}
	const text = search.toString();
	return text ? `?${text}` : '';
}

interface RawAnswer {
	statusCode: number;
	statusMessage: string;
	headers: IncomingHttpHeaders;
	bytes: Buffer;
}

/** One request over a real socket; a transport failure rejects with a node error carrying `code`. */
function send(options: IHttpRequestOptions): Promise<RawAnswer> {
	const url = new URL(options.url + serializeQuery(options.qs, options.arrayFormat));
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) headers[key] = String(value);
	let payload: Buffer | undefined;
	const body = options.body as unknown;
	const stream = body instanceof Readable ? body : undefined;
	if (Buffer.isBuffer(body)) payload = body;
	else if (body instanceof Uint8Array) payload = Buffer.from(body);
	else if (typeof body === 'string') payload = Buffer.from(body);
	else if (body !== undefined && body !== null && !stream) {
		payload = Buffer.from(JSON.stringify(body));
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
	}
	if (payload) headers['Content-Length'] = String(payload.length);
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method: options.method ?? 'GET', headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () =>
				resolve({ statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, bytes: Buffer.concat(chunks) }),
			);
		});
		if (options.timeout) {
			req.setTimeout(options.timeout, () => {
				// axios reports its own timeout as ECONNABORTED.
				req.destroy(Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' }));
			});
		}
		req.on('error', reject);
		// As axios does: a stream body is piped, with the length the caller announced.
		if (stream) stream.pipe(req);
		else req.end(payload);
	});
}

/** The error shape n8n's request helper throws: an axios error (config and request hold the headers). */
function axiosLikeError(cause: Error & { code?: string }, options: IHttpRequestOptions, response?: RawAnswer): Error {
	const headers = { ...(options.headers as IDataObject) };
	const error = new Error(cause.message) as Error & IDataObject;
	Object.assign(error, {
		name: 'AxiosError',
		code: cause.code,
		isAxiosError: true,
		config: { method: options.method, url: options.url, headers, timeout: options.timeout },
		request: { _header: `${options.method ?? 'GET'} ${options.url} HTTP/1.1\r\nAuthorization: ${String(headers.Authorization)}\r\n` },
		cause,
	});
	if (response) {
		error.response = { status: response.statusCode, headers: response.headers, data: response.bytes.toString('utf8'), config: error.config };
	}
	return error;
}

function answerOf(options: IHttpRequestOptions, raw: RawAnswer): unknown {
	let body: unknown;
	if (options.encoding === 'arraybuffer') body = raw.bytes;
	else if (options.encoding === 'text') body = raw.bytes.toString('utf8');
	else {
		const text = raw.bytes.toString('utf8');
		try {
			body = text ? (JSON.parse(text) as unknown) : '';
		} catch {
			body = text;
		}
	}
	if (options.returnFullResponse) return { statusCode: raw.statusCode, statusMessage: raw.statusMessage, headers: raw.headers, body };
	return body;
}

export function createContext(options: FakeContextOptions = {}): FakeContext {
	const params = options.params ?? {};
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const credentials = options.credentials ?? {};
	const attempts: Attempt[] = [];
	const plainRequests: IHttpRequestOptions[] = [];
	const streamsOpened: string[] = [];
	const credentialReads: string[] = [];

	const getCredentials = async (type: string) => {
		credentialReads.push(type);
		const found = credentials[type];
		if (!found) throw new workflow.NodeOperationError(testNode, `Node "${testNode.name}" does not have any credentials of type "${type}" set`);
		return { ...found };
	};

	const ctx = {
		attempts,
		plainRequests,
		streamsOpened,
		credentialReads,
		getNode: () => testNode,
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail === true,
		getCredentials,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown): unknown {
			const value = lookup(params, name, itemIndex);
			if (value !== undefined) return value;
			if (fallback !== undefined) return fallback;
			throw new workflow.ApplicationError(`Could not get parameter "${name}"`);
		},
		helpers: {
			async httpRequestWithAuthentication(
				credentialType: string,
				requestOptions: IHttpRequestOptions,
				additionalCredentialOptions?: IAdditionalCredentialOptions,
			): Promise<unknown> {
				// As n8n does: credentials handed over are used as they are, otherwise they are read again.
				const data = additionalCredentialOptions?.credentialsDecrypted?.data ?? (await getCredentials(credentialType));
				// As the credentials do it: WTS sends a Bearer key, Chatwoot an `api_access_token` header.
				const authHeader = data.accessToken !== undefined ? { api_access_token: String(data.accessToken) } : { Authorization: `Bearer ${String(data.apiKey)}` };
				const authenticated: IHttpRequestOptions = { ...requestOptions, headers: { ...requestOptions.headers, ...authHeader } };
				const attempt: Attempt = { credentialType, options: authenticated };
				attempts.push(attempt);
				if (options.transport) return await options.transport(authenticated, attempt);
				let raw: RawAnswer;
				try {
					raw = await send(authenticated);
				} catch (error) {
					const cause = error as Error & { code?: string };
					attempt.outcome = cause.code ?? cause.message;
					await options.onTransportError?.(attempt, attempts);
					// n8n wraps whatever its HTTP client threw in a NodeApiError; `cause` is that error.
					throw new workflow.NodeApiError(testNode, axiosLikeError(cause, authenticated) as unknown as JsonObject);
				}
				attempt.outcome = raw.statusCode;
				if (raw.statusCode >= 400 && !authenticated.ignoreHttpStatusErrors) {
					const httpError = Object.assign(new Error(`Request failed with status code ${raw.statusCode}`), { code: 'ERR_BAD_RESPONSE' });
					throw new workflow.NodeApiError(testNode, axiosLikeError(httpError, authenticated, raw) as unknown as JsonObject);
				}
				return answerOf(authenticated, raw);
			},
			async httpRequest(requestOptions: IHttpRequestOptions): Promise<unknown> {
				plainRequests.push(requestOptions);
				const raw = await send(requestOptions);
				if (raw.statusCode >= 400 && !requestOptions.ignoreHttpStatusErrors) {
					throw new workflow.NodeApiError(testNode, { httpCode: String(raw.statusCode), message: raw.bytes.toString('utf8') });
				}
				return answerOf(requestOptions, raw);
			},
			assertBinaryData(itemIndex: number, property: string): IBinaryData {
				const binary = items[itemIndex]?.binary?.[property];
				if (!binary) {
					throw new workflow.NodeOperationError(testNode, `This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`, { itemIndex });
				}
				return binary;
			},
			async getBinaryDataBuffer(itemIndex: number, property: string): Promise<Buffer> {
				const binary = items[itemIndex]?.binary?.[property];
				if (!binary) throw new workflow.ApplicationError(`No binary property "${property}" on item ${itemIndex}`);
				if (binary.id) throw new workflow.ApplicationError(`Binary "${binary.id}" was read whole`);
				return Buffer.from(binary.data, 'base64');
			},
			async getBinaryStream(binaryId: string): Promise<Readable> {
				const stored = options.binaryStore?.[binaryId];
				if (!stored) throw new workflow.ApplicationError(`No binary "${binaryId}" in the store`);
				streamsOpened.push(binaryId);
				return Readable.from(
					(function* () {
						for (let at = 0; at < stored.length; at += 65_536) yield stored.subarray(at, at + 65_536);
					})(),
				);
			},
		},
	};
	return ctx as unknown as FakeContext;
}

/** Every string reachable from an error: own properties (enumerable or not), nested objects, the cause chain. */
export function everyStringIn(value: unknown): string[] {
	const out: string[] = [];
	const seen = new Set<unknown>();
	const visit = (current: unknown, depth: number) => {
		if (depth > 12) return;
		if (typeof current === 'string') {
			out.push(current);
			return;
		}
		if (!current || typeof current !== 'object' || seen.has(current)) return;
		seen.add(current);
		if (current instanceof Error) {
			out.push(current.message, current.stack ?? '');
		}
		for (const key of Object.getOwnPropertyNames(current)) {
			out.push(key);
			let entry: unknown;
			try {
				entry = (current as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			visit(entry, depth + 1);
		}
	};
	visit(value, 0);
	try {
		out.push(JSON.stringify(value) ?? '');
	} catch {
		// cyclic: the walk above covered it
	}
	return out;
}
