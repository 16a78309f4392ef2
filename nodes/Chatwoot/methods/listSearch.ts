import { createHash } from 'node:crypto';

import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodeListSearchItems, type INodeListSearchResult } from 'n8n-workflow';

import { ApiClient, pathTo } from '../../shared/transport/apiClient';
import { recordsOf } from '../../shared/transport/pagination';
import { chatwootProfile, type ChatwootBrand } from '../transport/chatwootProfile';
import { accountContext, type AccountContext } from './accountContext';

type Search = (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>;

const matches = (filter: string | undefined, ...texts: unknown[]) =>
	!filter || texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(filter.toLowerCase()));

async function fetchList(context: AccountContext, resource: string, itemsPath: string, qs?: IDataObject): Promise<IDataObject[]> {
	const body = await context.client.request({ method: 'GET', path: pathTo(`/api/v1/accounts/{account}/${resource}`, { account: context.account }), qs });
	return recordsOf(body, itemsPath);
}

/** A whole (short) account list, filtered here. */
function smallList(
	resource: string,
	itemsPath: string,
	toItem: (record: IDataObject, context: AccountContext) => INodeListSearchItems,
	searchable: (record: IDataObject) => unknown[],
	brand: ChatwootBrand,
): Search {
	return async function (this: ILoadOptionsFunctions, filter?: string) {
		const context = await accountContext(this, brand);
		if (!context) return { results: [] };
		const results = (await fetchList(context, resource, itemsPath))
			.filter((record) => matches(filter, ...searchable(record)))
			.map((record) => toItem(record, context));
		return { results: results.sort((a, b) => a.name.localeCompare(b.name)) };
	};
}

/** Pages a picker may scroll through; past this, a server that keeps answering records is stopped. */
export const MAX_PICKER_PAGES = 1_000;

/** Identifies a page of records, so the next request can tell whether the server answered it again. */
function pageFingerprint(records: IDataObject[]): string {
	return createHash('sha256').update(records.map((record) => String(record.id)).join(',')).digest('hex').slice(0, 16);
}

/**
 * A long list, paged by the server and searched by the server when there is a filter. The pagination token is
 * `<next page>:<fingerprint of this page>`: n8n hands it back with the next request, so a server that answers the
 * same page again (ignoring `page`) is caught, and scrolling stops after MAX_PICKER_PAGES pages.
 */
function pagedList(resource: string, listItems: string, searchItems: string, toItem: (record: IDataObject, context: AccountContext) => INodeListSearchItems, brand: ChatwootBrand, listQuery: IDataObject = {}): Search {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
		const context = await accountContext(this, brand);
		if (!context) return { results: [] };
		const [pageText, previous] = (paginationToken ?? '1').split(':');
		const page = Math.max(1, Number(pageText) || 1);
		const records = filter
			? await fetchList(context, `${resource}/search`, searchItems, { q: filter, page })
			: await fetchList(context, resource, listItems, { ...listQuery, page });
		const fingerprint = pageFingerprint(records);
		if (records.length && fingerprint === previous) {
			throw new NodeOperationError(this.getNode(), `${brand.platformName}: page ${page} of ${resource} repeats page ${page - 1}`, {
				description: 'The server answered the same records again (it may ignore the page parameter), so the list stops here.',
			});
		}
		const more = records.length > 0 && page < MAX_PICKER_PAGES;
		return { results: records.map((record) => toItem(record, context)), paginationToken: more ? `${page + 1}:${fingerprint}` : undefined };
	};
}

/** Searchable pickers, bound to the brand's credential. */
export function chatwootListSearch(brand: ChatwootBrand): Record<string, Search> {
	return {
		searchConversations: pagedList(
			'conversations',
			'data.payload',
			'payload',
			(c, ctx) => {
				const sender = ((c.meta as IDataObject | undefined)?.sender ?? {}) as IDataObject;
				return { name: `#${String(c.id)} ${String(sender.name ?? '')} (${String(c.status ?? '')})`.trim(), value: String(c.id), url: `${ctx.dashboard}/conversations/${String(c.id)}` };
			},
			brand,
			{ status: 'all' },
		),
		searchContacts: pagedList(
			'contacts',
			'payload',
			'payload',
			(c, ctx) => ({ name: `${String(c.name ?? c.id)}${c.email || c.phone_number ? ` (${String(c.email ?? c.phone_number)})` : ''}`, value: String(c.id), url: `${ctx.dashboard}/contacts/${String(c.id)}` }),
			brand,
		),
		searchInboxes: smallList('inboxes', 'payload', (i, ctx) => ({ name: String(i.name), value: String(i.id), url: `${ctx.dashboard}/settings/inboxes/${String(i.id)}` }), (i) => [i.name, i.channel_type], brand),
		searchTeams: smallList('teams', '', (t, ctx) => ({ name: String(t.name), value: String(t.id), url: `${ctx.dashboard}/settings/teams/${String(t.id)}/edit` }), (t) => [t.name], brand),
		searchAgents: smallList('agents', '', (a) => ({ name: `${String(a.available_name ?? a.name)} (${String(a.email ?? '')})`, value: String(a.id) }), (a) => [a.name, a.email], brand),
		searchLabels: smallList('labels', 'payload', (l) => ({ name: String(l.title), value: String(l.id) }), (l) => [l.title], brand),
		searchCustomAttributes: smallList(
			'custom_attribute_definitions',
			'',
			(a) => ({ name: `${String(a.attribute_display_name ?? a.attribute_key)} (${String(a.attribute_model ?? '')})`, value: String(a.id) }),
			(a) => [a.attribute_display_name, a.attribute_key],
			brand,
		),
		async searchAccounts(this: ILoadOptionsFunctions, filter?: string) {
			const client = new ApiClient(this, chatwootProfile(brand.platformName, brand.credentialType, 'accessToken'));
			const profile = await client.request<IDataObject>({ method: 'GET', path: '/api/v1/profile' });
			const accounts = (profile.accounts as IDataObject[] | undefined) ?? [];
			return { results: accounts.filter((a) => matches(filter, a.name)).map((a) => ({ name: `${String(a.name)} (#${String(a.id)})`, value: String(a.id) })) };
		},
	};
}
