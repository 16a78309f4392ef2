// A stand-in for n8n's IWebhookFunctions: one delivery (raw body, headers, query) to a trigger node with its
// parameters, credential and static data, and a record of what the trigger answered. The trigger's call to its
// own webhook URL comes back in-process, the way n8n would serve it: an item returned there is an execution.
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

export interface Delivery {
	body: string | Buffer;
	headers?: Record<string, string>;
	query?: IDataObject;
}

export type Receive = (ctx: IWebhookFunctions) => Promise<IWebhookResponseData>;

export interface TriggerSetup {
	node: INode;
	params: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The node's static data, shared by every delivery made with this setup. */
	staticData: IDataObject;
	workflowId?: string;
	/** n8n's execution mode for the call: `manual` for the test URL. */
	mode?: 'webhook' | 'manual';
	/** Replaces n8n answering the trigger's call to its own URL (e.g. to make it unreachable). */
	ownUrl?: (options: IHttpRequestOptions) => Promise<unknown>;
	/** Items of the executions started, in order, from either call. */
	executions?: INodeExecutionData[];
	/** What the trigger logged as warnings. */
	warnings?: string[];
}

/** What the platform received: a status, headers and a JSON body. */
export interface Answer {
	status: number;
	body: unknown;
	headers: Record<string, string>;
}

export const OWN_URL = 'http://127.0.0.1:5678/webhook/hook-unit/webhook';

interface Call {
	ctx: IWebhookFunctions;
	answered: { status?: number; body?: unknown; headers: Record<string, string> };
}

function webhookContext(setup: TriggerSetup, delivery: Delivery, receive: Receive): Call {
	const answered: Call['answered'] = { headers: {} };
	const headers = Object.fromEntries(Object.entries(delivery.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
	const ctx = {
		getNode: () => setup.node,
		getWorkflow: () => ({ id: setup.workflowId ?? 'wfUnit1', name: 'Unit', active: true }),
		getMode: () => setup.mode ?? 'webhook',
		getNodeParameter: (name: string, fallback?: unknown) => setup.params[name] ?? fallback,
		getNodeWebhookUrl: () => OWN_URL,
		getCredentials: async (type: string) => {
			const found = setup.credentials[type];
			if (!found) throw new Error(`no credential ${type}`);
			return { ...found };
		},
		getWorkflowStaticData: () => setup.staticData,
		getQueryData: () => delivery.query ?? {},
		getHeaderData: () => headers,
		getRequestObject: () => ({ rawBody: Buffer.from(delivery.body) }),
		getResponseObject: () => {
			const response = {
				status(code: number) {
					answered.status = code;
					return response;
				},
				setHeader(name: string, value: string) {
					answered.headers[name.toLowerCase()] = value;
				},
				json(body: unknown) {
					answered.body = body;
				},
			};
			return response;
		},
		logger: { warn: (message: string) => (setup.warnings ??= []).push(message), debug: () => undefined, info: () => undefined, error: () => undefined },
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				if (setup.ownUrl) return await setup.ownUrl(options);
				assert(options.url === OWN_URL, `the trigger called ${options.url}`);
				const answer = await deliver(setup, { body: options.body as Buffer, headers: options.headers as Record<string, string> }, receive);
				return { statusCode: answer.status, headers: answer.headers, body: JSON.stringify(answer.body ?? '') };
			},
		},
	};
	return { ctx: ctx as unknown as IWebhookFunctions, answered };
}

function assert(condition: boolean, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** Runs one delivery through a trigger's webhook method and reads the answer as the platform would get it. */
export async function deliver(setup: TriggerSetup, delivery: Delivery, receive: Receive): Promise<Answer> {
	const { ctx, answered } = webhookContext(setup, delivery, receive);
	const result = await receive(ctx);
	if (result.noWebhookResponse) return { status: answered.status ?? 0, body: answered.body, headers: answered.headers };
	const item = result.workflowData?.[0]?.[0];
	if (item) (setup.executions ??= []).push(item);
	return { status: 200, body: result.webhookResponse, headers: {} };
}
