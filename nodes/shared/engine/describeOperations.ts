import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { fieldLabel, isTopLevel, optionalCollectionOf } from './fieldLabels';
import type { FieldSpec, OperationSpec, OperationTable } from './operationTable';

/** An operation written by hand (actions/<resource>/<op>.operation.ts), listed beside the generated ones. */
export interface HandMadeOperationInfo {
	resource: string;
	/** The API of the resource, for tables with several. */
	api?: string;
	value: string;
	name: string;
	action: string;
	/** What sets the operation apart from one that looks alike. */
	summary?: string;
	description: INodeProperties[];
}

/** A searchable picker (n8n resource locator): a list with search, an ID, and optionally a URL. */
export interface LocatorPicker {
	searchListMethod: string;
	/** Pulls the ID out of a pasted URL; the first capture group is the ID. */
	urlRegex?: string;
	urlPlaceholder?: string;
}

/** A loadOptions method name (dropdown) or a locator, for a field; undefined for a plain field. */
export type PickerFor = (op: OperationSpec, field: FieldSpec) => string | LocatorPicker | undefined;

export interface DescribeInput {
	table: OperationTable;
	handMade: HandMadeOperationInfo[];
	/** Generated operations that a hand-made one replaces. */
	replaced: Set<string>;
	pickerFor: PickerFor;
	/** Fields the node fills itself (e.g. Chatwoot's account id), left out of the form. */
	filledByNode?: (op: OperationSpec, field: FieldSpec) => boolean;
}

const showFor = (op: { resource: string; value: string }) => ({
	show: { resource: [op.resource], operation: [op.value] },
});

function placeholderOf(field: FieldSpec): string | undefined {
	if (field.type === 'list' && !field.options) return 'Comma-separated values';
	return undefined;
}

/** n8n's label of a list picker, which also takes a typed ID: "Inbox ID" → "Inbox Name or ID". */
export function pickerLabel(label: string, multi: boolean): string {
	if (/ (Name or ID|Names or IDs)$/.test(label)) return label;
	// "Labels" → "Label Names or IDs"; "Status" and "Address" keep their s.
	const noun = label.replace(/ IDs?$/, '').replace(/(?<=[^su])s$/, '');
	return `${noun} ${multi ? 'Names or IDs' : 'Name or ID'}`;
}

/** One field as an n8n parameter; children of objects become nested collections. */
export function fieldProperty(op: OperationSpec, field: FieldSpec, pickerFor: PickerFor, topLevel: boolean): INodeProperties {
	const base = {
		displayName: fieldLabel(field),
		name: field.name,
		...(field.description ? { description: field.description } : {}),
		...(topLevel && field.required ? { required: true } : {}),
	};
	const picker = pickerFor(op, field);
	if (picker && typeof picker === 'object') {
		// Locators only at the top level: inside collections n8n would not extract their value.
		if (topLevel && (field.type === 'string' || field.type === 'number')) return locatorProperty(base, picker);
		return fieldProperty(op, field, () => undefined, topLevel);
	}
	if (picker && (field.type === 'string' || field.type === 'list')) {
		const multi = field.type === 'list';
		// n8n's own sentence under a picker; after a description of its own, both end with a period.
		const choose = `Choose from the list, or specify ${multi ? 'IDs' : 'an ID'} using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`;
		return {
			...base,
			displayName: pickerLabel(base.displayName, multi),
			type: multi ? 'multiOptions' : 'options',
			typeOptions: { loadOptionsMethod: picker },
			default: multi ? [] : '',
			description: field.description ? `${field.description.replace(/[.!?]?$/, '.')} ${choose}.` : choose,
		};
	}
	switch (field.type) {
		case 'number':
			return { ...base, type: 'number', default: 0 };
		case 'boolean':
			return { ...base, type: 'boolean', default: false };
		case 'dateTime':
			return { ...base, type: 'dateTime', default: '' };
		case 'json':
			return { ...base, type: 'json', default: field.isArray || field.key === 'body' ? '[]' : '{}' };
		case 'list':
			if (field.options) {
				return { ...base, type: 'multiOptions', options: toOptions(field), default: [] };
			}
			return { ...base, type: 'string', default: '', placeholder: placeholderOf(field) };
		case 'object':
			return {
				...base,
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: (field.fields ?? []).map((child) => fieldProperty(op, child, pickerFor, false)),
			};
		case 'objectList':
			return {
				...base,
				type: 'fixedCollection',
				placeholder: 'Add Entry',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Entry',
						name: 'values',
						values: (field.fields ?? []).map((child) => fieldProperty(op, child, pickerFor, false)),
					},
				],
			};
		default:
			if (field.format === 'binary') return { ...base, type: 'string', default: 'data' };
			if (field.options) {
				return { ...base, type: 'options', options: toOptions(field), default: topLevel ? field.options[0] : '' };
			}
			return { ...base, type: 'string', default: '' };
	}
}

function locatorProperty(base: Pick<INodeProperties, 'displayName' | 'name' | 'description' | 'required'>, picker: LocatorPicker): INodeProperties {
	return {
		...base,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: picker.searchListMethod, searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 42' },
			...(picker.urlRegex
				? [{ displayName: 'By URL', name: 'url', type: 'string' as const, placeholder: picker.urlPlaceholder, extractValue: { type: 'regex' as const, regex: picker.urlRegex } }]
				: []),
		],
	};
}

function toOptions(field: FieldSpec): INodePropertyOptions[] {
	return (field.options ?? []).map((value, index) => ({ name: field.optionNames?.[index] ?? value, value }));
}

function operationProperties(op: OperationSpec, input: DescribeInput): INodeProperties[] {
	const displayOptions = showFor(op);
	const props: INodeProperties[] = [];
	const optional: INodeProperties[] = [];
	for (const field of op.fields) {
		if (input.filledByNode?.(op, field)) continue;
		if (isTopLevel(field)) props.push({ ...fieldProperty(op, field, input.pickerFor, true), displayOptions });
		else optional.push(fieldProperty(op, field, input.pickerFor, false));
	}
	if (optional.length) {
		const collection = optionalCollectionOf(op);
		props.push({
			displayName: collection.displayName,
			name: collection.name,
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions,
			options: optional.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		});
	}
	return props;
}

/**
 * One Return All / Limit pair shown for every list operation: the description is downloaded by every
 * editor, and a pair per operation would repeat the same text hundreds of times.
 */
function paginationProperties(lists: OperationSpec[]): INodeProperties[] {
	if (!lists.length) return [];
	const show = { resource: [...new Set(lists.map((op) => op.resource))], operation: lists.map((op) => op.value) };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** Resource selector, one operation selector per resource, and every operation's fields. */
export function describeOperations(input: DescribeInput): INodeProperties[] {
	const { table, handMade, replaced } = input;
	const generated = table.operations.filter((op) => !replaced.has(op.id));
	const resourceNames = new Map(table.resources.map((r) => [r.value, r.name]));
	const properties: INodeProperties[] = [];
	if (table.apis) {
		const apiProperty: INodeProperties = { displayName: 'API', name: 'api', type: 'options', noDataExpression: true, options: table.apis, default: '' };
		apiProperty.default = table.apis[0].value;
		properties.push(apiProperty);
	}
	for (const api of table.apis ?? [undefined]) {
		const resourceOptions = table.resources
			.filter((r) => api === undefined || r.api === api.value)
			.map(({ name, value }) => ({ name, value }))
			.sort((a, b) => a.name.localeCompare(b.name));
		const resourceProperty: INodeProperties = {
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resourceOptions,
			default: '',
		};
		resourceProperty.default = resourceOptions[0]?.value ?? '';
		if (api) resourceProperty.displayOptions = { show: { api: [api.value] } };
		properties.push(resourceProperty);
	}
	const apiOfResource = new Map(table.resources.map((r) => [r.value, r.api]));
	const defaultApi = table.apis?.[0].value;
	// n8n's node creator sets every `show` key of an action's operation selector (its first value), so a picked
	// action opens on its own API and resource. It names the new node before that, from the resource and
	// operation alone, while the API still has its default: a selector of another API also shows under the
	// default one, so the name resolves to the action's text instead of the node's name.
	const apiShow = (resource: string) => {
		const api = apiOfResource.get(resource) ?? '';
		return api === defaultApi ? { api: [api] } : { api: [api, defaultApi ?? ''] };
	};
	for (const [resource] of resourceNames) {
		const options: INodePropertyOptions[] = [
			...generated.filter((op) => op.resource === resource).map((op) => optionOf(op.name, op.value, op.action, op.description)),
			...handMade.filter((op) => op.resource === resource).map((op) => optionOf(op.name, op.value, op.action, op.summary)),
		].sort((a, b) => a.name.localeCompare(b.name));
		if (!options.length) continue;
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { ...(table.apis ? apiShow(resource) : {}), resource: [resource] } },
			options,
			default: String(options[0].value),
		});
	}
	for (const op of handMade) {
		properties.push(...op.description.map((p) => ({ ...p, displayOptions: mergeShow(p, showFor(op)) })));
	}
	for (const op of generated) properties.push(...operationProperties(op, input));
	properties.push(...paginationProperties(generated.filter((op) => op.pagination)));
	return properties;
}

function optionOf(name: string, value: string, action: string, description: string | undefined): INodePropertyOptions {
	return { name, value, action, ...(description ? { description } : {}) };
}

function mergeShow(property: INodeProperties, base: ReturnType<typeof showFor>): INodeProperties['displayOptions'] {
	return {
		...property.displayOptions,
		show: { ...base.show, ...property.displayOptions?.show },
	};
}
