import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { fieldError } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { collectRecords } from '../../../shared/transport/pagination';
import { fileReference, fileSourceFields, readFileSource } from './sendFile.operation';
import { CLASSIC_SEND, channelAndRecipient, postClassicSend, readClassicSend, readRecipient, recipientKey, sendOptions } from './sendFields';

const withMedia = { show: { templateHasMedia: [true] } };

export const description: INodeProperties[] = [
	...channelAndRecipient,
	{
		displayName: 'Template Name or ID',
		name: 'templateId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTemplates', loadOptionsDependsOn: ['from'] },
		required: true,
		default: '',
		description:
			'Approved templates of the chosen channel. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Template Variables',
		name: 'parameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description: 'A value for each variable of the template ({{1}}, {{2}}...)',
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Variable Name or ID',
						name: 'name',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getTemplateVariables', loadOptionsDependsOn: ['templateId'] },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Template Has Media',
		name: 'templateHasMedia',
		type: 'boolean',
		default: false,
		description: 'Whether the template has an image, video or document header that needs a file',
	},
	...fileSourceFields.map((field) => ({ ...field, displayOptions: { show: { ...withMedia.show, ...field.displayOptions?.show } } })),
	sendOptions,
];

/** Template details are read once per execution, not once per item. */
const templateCache = new WeakMap<ApiClient, Map<string, Promise<IDataObject[]>>>();

/** The API has no template-by-id read: the channel's approved templates are listed (every page) once. */
async function templateOf(client: ApiClient, channel: string, templateId: string, itemIndex: number): Promise<IDataObject | undefined> {
	let cache = templateCache.get(client);
	if (!cache) {
		cache = new Map();
		templateCache.set(client, cache);
	}
	let templates = cache.get(channel);
	if (!templates) {
		templates = collectRecords(client, { method: 'GET', path: '/chat/v1/template', qs: templateQuery(channel), itemIndex }, TEMPLATE_PAGES);
		cache.set(channel, templates);
	}
	return (await templates).find((t) => t.id === templateId);
}

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const recipient = readRecipient(this, itemIndex);
	const templateId = String(this.getNodeParameter('templateId', itemIndex, '') ?? '').trim();
	if (!templateId) throw fieldError(this, itemIndex, 'Choose a template', 'Pick an approved template in "Template Name or ID".');
	const entries = ((this.getNodeParameter('parameters', itemIndex, {}) as IDataObject).variable ?? []) as IDataObject[];
	const parameters: IDataObject = {};
	for (const entry of entries) {
		const name = String(entry.name ?? '').trim();
		if (name) parameters[name] = String(entry.value ?? '');
	}
	const template = await templateOf(client, recipient.from, templateId, itemIndex);
	if (!template) {
		throw fieldError(this, itemIndex, 'Template not found among the approved templates of this channel', 'Pick a template from the list, or check the template ID and the channel.');
	}
	const missing = variablesOf(template).filter((name) => !(name in parameters));
	if (missing.length) {
		throw fieldError(this, itemIndex, `Template variable ${missing.map((m) => `{{${m}}}`).join(', ')} has no value`, 'Add a value for every variable of the template under "Template Variables".');
	}
	const message: IDataObject = { templateId };
	if (Object.keys(parameters).length) message.parameters = parameters;
	const needsFile = hasMedia(template);
	if (needsFile !== this.getNodeParameter('templateHasMedia', itemIndex, false)) {
		throw fieldError(
			this,
			itemIndex,
			needsFile ? 'This template needs a file' : 'This template takes no file',
			needsFile ? 'Turn on "Template Has Media" and give the file to send in its header.' : 'Turn off "Template Has Media".',
		);
	}
	const source = needsFile ? readFileSource(this, itemIndex) : undefined;
	const send = readClassicSend(this, itemIndex, recipient);
	return {
		orderKey: recipientKey(recipient),
		send: async () => toItems(await postClassicSend(client, send, source ? { ...message, ...(await fileReference(this, client, source)) } : message)),
	};
}

export const sendTemplate: HandMadeOperation = {
	resource: 'message',
	value: 'sendTemplate',
	name: 'Send Template',
	action: 'Send a template message',
	summary: CLASSIC_SEND,
	replaces: [],
	answersLike: 'sendMessage',
	description,
	prepare,
};

export const TEMPLATE_PAGES = { style: 'pageNumber', in: 'query', pageParam: 'PageNumber', sizeParam: 'PageSize', pageSize: 100, itemsPath: 'items', hasMorePath: 'hasMorePages' } as const;

export function templateQuery(channel: string | undefined): IDataObject {
	return { ApprovedOnly: true, IncludeDetails: ['Params', 'File'], ...(channel ? { ChannelId: channel } : {}) };
}

export function variablesOf(template: IDataObject): string[] {
	return ((template.params as IDataObject[] | undefined) ?? []).map((p) => String(p.name));
}

function hasMedia(template: IDataObject): boolean {
	return typeof template.fileType === 'string' && template.fileType !== 'UNDEFINED';
}
