import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { ApiClient, pathTo } from '../../shared/transport/apiClient';
import { collectRecords } from '../../shared/transport/pagination';
import { templateQuery, variablesOf } from '../actions/message/sendTemplate.operation';
import { wtsProfile } from '../transport/wtsProfile';

const PAGED = { style: 'pageNumber', in: 'query', pageParam: 'PageNumber', sizeParam: 'PageSize', pageSize: 100, itemsPath: 'items', hasMorePath: 'hasMorePages' } as const;
const WHOLE = { style: 'none', itemsPath: 'items' } as const;

async function records(ctx: ILoadOptionsFunctions, path: string, paged: boolean, qs?: IDataObject): Promise<IDataObject[]> {
	const client = new ApiClient(ctx, wtsProfile);
	return await collectRecords(client, { method: 'GET', path, qs }, paged ? PAGED : WHOLE);
}

function sorted(options: INodePropertyOptions[]): INodePropertyOptions[] {
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** The value of another parameter of the same node, wherever the user set it (top level or in a collection). */
function currentValue(ctx: ILoadOptionsFunctions, names: string[]): string | undefined {
	for (const name of names) {
		for (const path of [name, `additionalFields.${name}`, `filters.${name}`, `options.${name}`]) {
			const value = ctx.getCurrentNodeParameter(path);
			if (typeof value === 'string' && value && !value.startsWith('=')) return value;
		}
	}
	return undefined;
}

export async function getChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const channels = await records(this, '/chat/v1/channel', false);
	return sorted(
		channels.map((channel) => {
			const identity = (channel.identity ?? {}) as IDataObject;
			const number = channel.numberFormatted ?? channel.number ?? identity.humanId ?? identity.displayName ?? channel.id;
			const platform = identity.platform ?? channel.type ?? '';
			return { name: `${String(number)} (${String(platform)})`, value: String(channel.id) };
		}),
	);
}

export async function getChatbots(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const bots = await records(this, '/chat/v1/chatbot', true);
	// Chatbots are addressed by their key, not their id.
	return sorted(bots.filter((bot) => bot.archived !== true).map((bot) => ({ name: String(bot.name), value: String(bot.key ?? bot.id) })));
}

export async function getDepartments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const departments = await records(this, '/core/v2/department', false);
	return sorted(departments.map((d) => ({ name: String(d.name), value: String(d.id) })));
}

export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const agents = await records(this, '/core/v1/agent', false);
	const department = currentValue(this, ['departmentId', 'department']);
	const inDepartment = (agent: IDataObject) =>
		!department || ((agent.departments as IDataObject[] | undefined) ?? []).some((d) => d.departmentId === department || d.id === department);
	// Sessions, transfers and cards take the agent's user id.
	return sorted(agents.filter(inDepartment).map((a) => ({ name: String(a.name), value: String(a.userId ?? a.id), description: a.email ? String(a.email) : undefined })));
}

export async function getTags(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const tags = await records(this, '/core/v1/tag', false);
	return sorted(tags.map((t) => ({ name: String(t.name), value: String(t.id) })));
}

export async function getPortfolios(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const portfolios = await records(this, '/core/v1/portfolio', true);
	return sorted(portfolios.map((p) => ({ name: String(p.name), value: String(p.id) })));
}

export async function getSequences(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const sequences = await records(this, '/chat/v1/sequence', true);
	return sorted(sequences.map((s) => ({ name: String(s.name), value: String(s.id) })));
}

export async function getTemplates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const templates = await records(this, '/chat/v1/template', true, templateQuery(currentValue(this, ['from', 'channelId', 'channel'])));
	return sorted(
		templates
			.filter((t) => t.status === undefined || t.status === 'Approved')
			.map((t) => ({ name: String(t.name), value: String(t.id), description: typeof t.text === 'string' ? t.text.slice(0, 100) : undefined })),
	);
}

export async function getTemplateVariables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const templateId = currentValue(this, ['templateId']);
	if (!templateId) return [];
	const templates = await records(this, '/chat/v1/template', true, templateQuery(currentValue(this, ['from'])));
	const template = templates.find((t) => t.id === templateId);
	return template ? variablesOf(template).map((name) => ({ name: `{{${name}}}`, value: name })) : [];
}

export async function getCustomFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const fields = await records(this, '/core/v1/custom-field', false);
	return sorted(fields.map((f) => ({ name: String(f.name), value: String(f.key ?? f.id) })));
}

export async function getPanels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const panels = await records(this, '/crm/v2/panel', true);
	return sorted(panels.map((p) => ({ name: String(p.title ?? p.id), value: String(p.id) })));
}

export async function getSteps(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const panelId = currentValue(this, ['panelId', 'PanelId']);
	if (!panelId) return [];
	const client = new ApiClient(this, wtsProfile);
	const panel = await client.request<IDataObject>({ method: 'GET', path: pathTo('/crm/v1/panel/{id}', { id: panelId }), qs: { IncludeDetails: ['Steps'] } });
	const steps = (panel.steps as IDataObject[] | undefined) ?? [];
	return steps.map((s) => ({ name: String(s.title), value: String(s.id) }));
}
