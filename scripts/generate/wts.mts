/** WTS Chat specifics for the table generator: resources by tag, page-number paging, legacy paths left out. */
import type { PaginationSpec } from '../../nodes/shared/engine/operationTable.ts';
import type { JsonObject, OpenApiOperation, TableConfig } from './openapiToTable.mts';

const RESOURCE_BY_TAG: Record<string, [string, string]> = {
	Agent: ['agent', 'Agent'],
	Card: ['card', 'Card'],
	Channel: ['channel', 'Channel'],
	Chatbot: ['chatbot', 'Chatbot'],
	Contact: ['contact', 'Contact'],
	CustomField: ['customField', 'Custom Field'],
	Department: ['department', 'Department'],
	File: ['file', 'File'],
	Message: ['message', 'Message'],
	// The newer send family and the classic message endpoints are one resource for the user.
	Send: ['message', 'Message'],
	OfficeHours: ['officeHours', 'Office Hours'],
	Panel: ['panel', 'Panel'],
	Portfolio: ['portfolio', 'Portfolio'],
	ScheduledMessage: ['scheduledMessage', 'Scheduled Message'],
	Sequence: ['sequence', 'Sequence'],
	Session: ['session', 'Session'],
	Tag: ['tag', 'Tag'],
	Template: ['template', 'Template'],
	Webhook: ['webhook', 'Webhook'],
};

const PAGE_PARAMS = ['PageNumber', 'Page', 'PageSize', 'pageNumber', 'pageSize', 'NextPageToken', 'SkipCount'];

function queryNames(operation: OpenApiOperation): string[] {
	const params = [...operation.pathParameters, ...((operation.op.parameters as JsonObject[]) ?? [])];
	return params.map((p) => String((p as JsonObject).name));
}

function bodyNames(operation: OpenApiOperation, resolve: (s: JsonObject | undefined) => JsonObject): string[] {
	const body = (operation.op.requestBody as JsonObject | undefined)?.content as JsonObject | undefined;
	const schema = resolve(((body?.['application/json'] as JsonObject | undefined)?.schema as JsonObject) ?? undefined);
	return Object.keys((schema.properties as JsonObject) ?? {});
}

export const wtsTableConfig: TableConfig = {
	// Deprecated paths are older versions of operations the node offers through their newer path.
	skip: (operation) => operation.op.deprecated === true,
	resourceOf(operation) {
		const tag = String((operation.op.tags as string[] | undefined)?.[0]);
		const resource = RESOURCE_BY_TAG[tag];
		if (!resource) throw new Error(`No resource for WTS tag ${tag} (${operation.method} ${operation.path})`);
		return { value: resource[0], name: resource[1] };
	},
	hiddenFields: () => PAGE_PARAMS,
	paginationOf(operation, resolve): PaginationSpec | undefined {
		const query = queryNames(operation);
		if (query.includes('PageNumber')) {
			return { style: 'pageNumber', in: 'query', pageParam: 'PageNumber', sizeParam: 'PageSize', pageSize: 100, itemsPath: 'items', hasMorePath: 'hasMorePages' };
		}
		if (query.includes('Page') && query.includes('PageSize')) {
			return { style: 'pageNumber', in: 'query', pageParam: 'Page', sizeParam: 'PageSize', pageSize: 100, itemsPath: 'items', hasMorePath: 'hasMorePages' };
		}
		if (bodyNames(operation, resolve).includes('pageNumber')) {
			return { style: 'pageNumber', in: 'body', pageParam: 'pageNumber', sizeParam: 'pageSize', pageSize: 100, itemsPath: 'items', hasMorePath: 'hasMorePages' };
		}
		if (operation.method !== 'GET') return undefined;
		const ok = (operation.op.responses as JsonObject)['200'] as JsonObject | undefined;
		const schema = resolve((((ok?.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined)?.schema as JsonObject) ?? undefined);
		const isList = schema.type === 'array' || JSON.stringify(schema).includes('"type":"array","items":{"$ref"');
		return isList && !/\{[^}]+\}$/.test(operation.path) ? { style: 'none', itemsPath: 'items' } : undefined;
	},
};
