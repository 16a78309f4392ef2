// A stand-in for n8n's IWebhookFunctions: one delivery (raw body, headers, query) to a trigger node with its
// parameters, credential and static data, and a record of what the trigger answered.
import type { ICredentialDataDecryptedObject, IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export interface Delivery {
	body: string | Buffer;
	headers?: Record<string, string>;
	query?: IDataObject;
}

export interface TriggerSetup {
	node: INode;
	params: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The node's static data, shared by every delivery made with this setup. */
	staticData: IDataObject;
	workflowId?: string;
}

/** What the platform received: a status and a JSON body. */
export interface Answer {
	status: number;
	body: unknown;
	/** The item the delivery started an execution with, if it started one. */
	started?: IDataObject;
}

export function webhookContext(setup: TriggerSetup, delivery: Delivery): { ctx: IWebhookFunctions; answered: { status?: number; body?: unknown } } {
	const answered: { status?: number; body?: unknown } = {};
	const headers = Object.fromEntries(Object.entries(delivery.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
	const ctx = {
		getNode: () => setup.node,
		getWorkflow: () => ({ id: setup.workflowId ?? 'wfUnit1', name: 'Unit', active: true }),
		getMode: () => 'webhook',
		getNodeParameter: (name: string, fallback?: unknown) => setup.params[name] ?? fallback,
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
				json(body: unknown) {
					answered.body = body;
				},
			};
			return response;
		},
		helpers: {},
	};
	return { ctx: ctx as unknown as IWebhookFunctions, answered };
}

/** Runs one delivery through a trigger's webhook method and reads the answer as the platform would get it. */
export async function deliver(
	setup: TriggerSetup,
	delivery: Delivery,
	receive: (ctx: IWebhookFunctions) => Promise<IWebhookResponseData>,
): Promise<Answer> {
	const { ctx, answered } = webhookContext(setup, delivery);
	const result = await receive(ctx);
	if (result.noWebhookResponse) return { status: answered.status ?? 0, body: answered.body };
	const started = result.workflowData?.[0]?.[0]?.json;
	return { status: 200, body: result.webhookResponse, ...(started ? { started } : {}) };
}
