import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { pathTo } from '../../shared/transport/apiClient';
import { recordsOf } from '../../shared/transport/pagination';
import type { ChatwootBrand } from '../transport/chatwootProfile';
import { accountContext } from './accountContext';

async function accountList(ctx: ILoadOptionsFunctions, brand: ChatwootBrand, resource: string, itemsPath: string): Promise<IDataObject[]> {
	const context = await accountContext(ctx, brand);
	if (!context) return [];
	const body = await context.client.request({ method: 'GET', path: pathTo(`/api/v1/accounts/{account}/${resource}`, { account: context.account }) });
	return recordsOf(body, itemsPath);
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

/** Pickers over the account's lists; each brand binds them to its own credential. */
export function chatwootLoadOptions(brand: ChatwootBrand) {
	return {
		async getInboxes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
			return (await accountList(this, brand, 'inboxes', 'payload')).map((i) => ({ name: String(i.name), value: Number(i.id), description: String(i.channel_type ?? '') })).sort(byName);
		},
		async getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
			return (await accountList(this, brand, 'agents', '')).map((a) => ({ name: String(a.available_name ?? a.name), value: Number(a.id), description: String(a.email ?? '') })).sort(byName);
		},
		async getTeams(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
			return (await accountList(this, brand, 'teams', '')).map((t) => ({ name: String(t.name), value: Number(t.id) })).sort(byName);
		},
		async getLabels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
			return (await accountList(this, brand, 'labels', 'payload')).map((l) => ({ name: String(l.title), value: String(l.title) })).sort(byName);
		},
	};
}
