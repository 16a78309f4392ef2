import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_SETTINGS, type TransportSettings } from '../transport/apiClient';
import { fieldError } from './inputErrors';
import type { RunnerOptions } from './itemRunner';

export const DEFAULT_CONCURRENCY = 10;

/** The "Request Options" every node offers, named as n8n users know them from declarative nodes. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Batching',
			name: 'batching',
			placeholder: 'Add Batching',
			type: 'fixedCollection',
			typeOptions: { multipleValues: false },
			default: { batch: {} },
			options: [
				{
					displayName: 'Batching',
					name: 'batch',
					values: [
						{
							displayName: 'Items per Batch',
							name: 'batchSize',
							type: 'number',
							typeOptions: { minValue: 1 },
							default: 50,
							description: 'Input items are processed in batches of this size',
						},
						{
							displayName: 'Batch Interval (Ms)',
							name: 'batchInterval',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: 1000,
							description: 'Time (in milliseconds) to wait after each batch',
						},
					],
				},
			],
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
		},
		{
			displayName: 'Items in Parallel',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 10,
			description:
				'How many items are sent at once. Items for the same conversation always go one after another, in order. Halved automatically while the API answers 429.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 5,
			description:
				'How often a request refused by the rate limit, or a read that failed, is tried again. Requests that may have reached the server are never sent twice.',
		},
		{
			displayName: 'Pace to API Rate Limits',
			name: 'paceToLimits',
			type: 'boolean',
			default: true,
			description: "Whether to space requests to stay within the platform's published rate limits instead of collecting 429 answers",
		},
		{
			displayName: 'Proxy',
			name: 'proxy',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://myproxy:3128',
			description: 'HTTP proxy to use',
		},
		{
			displayName: 'Send Once per Key',
			name: 'sendOnceKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.deliveryId }}',
			description:
				'A value unique to what an item sends, such as a trigger\'s delivery ID or an order number. An item whose key this node has already sent, in any execution of the workflow, is skipped and comes out as "skipped": true. Keys are kept in n8n\'s database, the latest 10,000 per node.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60000,
			description: 'Time in ms to wait for the server to send a response before aborting the request',
		},
		{
			displayName: 'Use Batch Endpoints',
			name: 'useBatchEndpoints',
			type: 'boolean',
			default: false,
			description:
				'Whether to send items together where the API has a batch endpoint (WTS: template and chatbot sends, up to 100 per request). Each item still gets its own result.',
		},
	],
};

function parseProxy(ctx: IExecuteFunctions, value: string): IHttpRequestOptions['proxy'] {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw fieldError(ctx, 0, 'Invalid proxy URL in "Request Options › Proxy"', 'Use the form http://user:password@host:port.');
	}
	return {
		protocol: url.protocol.replace(':', ''),
		host: url.hostname,
		port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
		...(url.username ? { auth: { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } } : {}),
	};
}

/** Request Options are node-level: read once per execution, from the first item. */
export function readRequestOptions(ctx: IExecuteFunctions): { transport: TransportSettings; runner: RunnerOptions } {
	const options = ctx.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const batch = ((options.batching as IDataObject | undefined)?.batch ?? {}) as IDataObject;
	const transport: TransportSettings = {
		...DEFAULT_SETTINGS,
		timeoutMs: Number(options.timeout ?? DEFAULT_SETTINGS.timeoutMs),
		maxRetries: Number(options.maxRetries ?? DEFAULT_SETTINGS.maxRetries),
		paceToLimits: options.paceToLimits !== false,
		skipSslCertificateValidation: options.allowUnauthorizedCerts === true,
	};
	if (typeof options.proxy === 'string' && options.proxy.trim()) transport.proxy = parseProxy(ctx, options.proxy.trim());
	const runner: RunnerOptions = { concurrency: Number(options.concurrency ?? DEFAULT_CONCURRENCY), useBatchEndpoints: options.useBatchEndpoints === true };
	if (options.batching) {
		runner.batchSize = Number(batch.batchSize ?? 50);
		runner.batchIntervalMs = Number(batch.batchInterval ?? 1000);
	}
	return { transport, runner };
}
