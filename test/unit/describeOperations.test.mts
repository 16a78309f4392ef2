import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { describeOperations, pickerLabel, type HandMadeOperationInfo } from '../../nodes/shared/engine/describeOperations.ts';
import { isTopLevel, optionalCollectionOf } from '../../nodes/shared/engine/fieldLabels.ts';
import type { OperationSpec, OperationTable } from '../../nodes/shared/engine/operationTable.ts';
import { handMadeOperations } from '../../nodes/WtsChat/actions/handMadeOperations.ts';
import { wtsChatProperties } from '../../nodes/WtsChat/description.ts';
import { operationTable } from '../../nodes/WtsChat/generated/operationTable.ts';

type Show = Record<string, unknown[]>;

const showOf = (property: INodeProperties): Show => (property.displayOptions?.show ?? {}) as Show;

const selectorOptions = (property: INodeProperties) => (property.options ?? []) as INodePropertyOptions[];

const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));

const resourceSelector = () => {
	const found = wtsChatProperties.filter((p) => p.name === 'resource');
	assert.equal(found.length, 1, 'one resource selector');
	return found[0];
};

/** The operation selectors: parameters named `operation` shown by resource alone. */
const isSelector = (p: INodeProperties) => p.name === 'operation' && Object.keys(showOf(p)).join() === 'resource';

const operationSelectors = () => new Map(wtsChatProperties.filter(isSelector).map((p) => [String(showOf(p).resource?.[0]), p]));

/** Two show conditions can hold at once when every key they share has a common value. */
function overlaps(a: Show, b: Show): boolean {
	for (const key of Object.keys(a)) {
		if (!(key in b)) continue;
		if (!a[key].some((value) => b[key].some((other) => JSON.stringify(other) === JSON.stringify(value)))) return false;
	}
	return true;
}

describe('describeOperations over the real WTS table', () => {
	test('the resource selector lists every resource of the table, sorted by name, defaulting to the first', () => {
		const selector = resourceSelector();
		const options = selectorOptions(selector);
		assert.deepEqual(new Set(options.map((o) => o.value)), new Set(operationTable.resources.map((r) => r.value)));
		const names = options.map((o) => o.name);
		assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
		assert.equal(selector.default, options[0].value);
	});

	test('every generated operation is in its resource\'s operation selector unless a hand-made one replaces it', () => {
		const selectors = operationSelectors();
		assert.ok(operationTable.operations.length >= 100, `${operationTable.operations.length} operations in the table`);
		const missing: string[] = [];
		const stillListed: string[] = [];
		for (const op of operationTable.operations) {
			const values = selectorOptions(selectors.get(op.resource) ?? ({} as INodeProperties)).map((o) => o.value);
			if (replaced.has(op.id)) {
				// A hand-made operation may take over the value of the one it replaces; it must then be listed once.
				const takenOver = handMadeOperations.some((h) => h.resource === op.resource && h.value === op.value);
				const times = values.filter((v) => v === op.value).length;
				if (times !== (takenOver ? 1 : 0)) stillListed.push(op.id);
			} else if (!values.includes(op.value)) missing.push(`${op.resource}/${op.value}`);
		}
		assert.deepEqual(missing, []);
		assert.deepEqual(stillListed, []);
		for (const op of handMadeOperations) {
			assert.ok(selectorOptions(selectors.get(op.resource) ?? ({} as INodeProperties)).some((o) => o.value === op.value), `${op.resource}/${op.value}`);
		}
	});

	test('each replaced id is a real generated operation (a typo would leave the generated one listed)', () => {
		const ids = new Set(operationTable.operations.map((op) => op.id));
		for (const id of replaced) assert.ok(ids.has(id), `replaces "${id}", which is not in the table`);
	});

	test('operation selectors: one per resource, a valid default, sorted by name, each with an action', () => {
		const selectors = wtsChatProperties.filter(isSelector);
		const resources = selectors.map((p) => String(showOf(p).resource?.[0]));
		assert.equal(new Set(resources).size, resources.length, 'two operation selectors for one resource');
		for (const selector of selectors) {
			const options = selectorOptions(selector);
			assert.ok(options.some((o) => o.value === selector.default), `default ${String(selector.default)} is not an option`);
			const names = options.map((o) => o.name);
			assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
			for (const option of options) assert.ok(option.action, `${String(option.value)} has no action`);
		}
	});

	// BUG (nodes/WtsChat/actions/message/sendText.operation.ts + generated table): the hand-made "Send Text" has the
	// value "sendText", which is also the id of a generated operation (POST /chat/v1/send/text, "Send a Text
	// Message") that it does not list in `replaces` (only sendMessage, sendMessageSync). The message selector offers
	// "sendText" twice, and both operations' fields are shown for it (two required "text" parameters, plus the
	// generated one's Additional Fields) while executeNode only ever runs the hand-made one. This test fails until
	// each value is listed once (add "sendText" to `replaces`, or give the hand-made operation another value).
	test('operation values are unique within each selector', () => {
		const duplicates: string[] = [];
		for (const selector of wtsChatProperties.filter(isSelector)) {
			const values = selectorOptions(selector).map((o) => String(o.value));
			for (const value of values.filter((v, i) => values.indexOf(v) !== i)) duplicates.push(`${String(showOf(selector).resource)}/${value}`);
		}
		assert.deepEqual(duplicates, []);
	});

	test('every displayOptions references existing resources, operations of that resource, and existing parameters', () => {
		const resources = new Set(selectorOptions(resourceSelector()).map((o) => o.value));
		const selectors = operationSelectors();
		const names = new Set(wtsChatProperties.map((p) => p.name));
		const problems: string[] = [];
		for (const property of wtsChatProperties) {
			const show = showOf(property);
			for (const resource of show.resource ?? []) {
				if (!resources.has(resource as string)) problems.push(`${property.name}: unknown resource ${String(resource)}`);
			}
			for (const operation of show.operation ?? []) {
				const ok = (show.resource ?? []).some((resource) =>
					selectorOptions(selectors.get(String(resource)) ?? ({} as INodeProperties)).some((o) => o.value === operation),
				);
				if (!ok) problems.push(`${property.name}: operation ${String(operation)} is not listed for ${JSON.stringify(show.resource)}`);
			}
			if (show.operation && !show.resource) problems.push(`${property.name}: shown by operation without a resource`);
			for (const key of Object.keys(show)) {
				if (key !== 'resource' && key !== 'operation' && !names.has(key)) problems.push(`${property.name}: shown by unknown parameter ${key}`);
			}
		}
		assert.deepEqual(problems, []);
	});

	test('no two properties share a name with overlapping displayOptions but different types', () => {
		const conflicts: string[] = [];
		for (let i = 0; i < wtsChatProperties.length; i++) {
			for (let j = i + 1; j < wtsChatProperties.length; j++) {
				const a = wtsChatProperties[i];
				const b = wtsChatProperties[j];
				if (a.name !== b.name || a.type === b.type) continue;
				if (overlaps(showOf(a), showOf(b))) conflicts.push(`${a.name}: ${a.type} vs ${b.type} for ${JSON.stringify(showOf(a))}`);
			}
		}
		assert.deepEqual(conflicts, []);
	});

	// BUG (generated table + describeOperations.ts operationProperties()): contact/updateContactTags and
	// contact/updateContactTagsByPhone have a required body field named "operation" (InsertIfNotExists /
	// DeleteIfExists / ReplaceAll). It becomes a top-level n8n parameter named "operation", the same name as the
	// operation selector shown for the same resource. n8n keeps one value per parameter name, so the two overwrite
	// each other: picking a tag action replaces the selected operation, and buildRequest reads the operation id
	// ("updateContactTags") as the body's `operation`. Field parameters need names that cannot collide with
	// resource / operation / returnAll / limit / filters / additionalFields / requestOptions. This test fails until then.
	test('no two parameters with the same name are shown together (a field named "operation" would overwrite the selector)', () => {
		const duplicatedValues = new Set<string>();
		for (const selector of wtsChatProperties.filter(isSelector)) {
			const values = selectorOptions(selector).map((o) => String(o.value));
			for (const value of values.filter((v, i) => values.indexOf(v) !== i)) duplicatedValues.add(`${String(showOf(selector).resource)}/${value}`);
		}
		const duplicates: string[] = [];
		for (let i = 0; i < wtsChatProperties.length; i++) {
			for (let j = i + 1; j < wtsChatProperties.length; j++) {
				const a = wtsChatProperties[i];
				const b = wtsChatProperties[j];
				if (a.name !== b.name || (isSelector(a) && isSelector(b))) continue;
				// Two operations listed under one value are reported by 'operation values are unique within each selector'.
				if (showOf(a).operation?.some((value) => duplicatedValues.has(`${String(showOf(a).resource)}/${String(value)}`))) continue;
				if (overlaps(showOf(a), showOf(b))) duplicates.push(`${a.name}: ${JSON.stringify(showOf(a))} and ${JSON.stringify(showOf(b))}`);
			}
		}
		assert.deepEqual(duplicates, []);
	});

	test('every field of every listed generated operation can be filled: top-level or in its optional collection', () => {
		const problems: string[] = [];
		for (const op of operationTable.operations.filter((entry) => !replaced.has(entry.id))) {
			const visible = wtsChatProperties.filter((p) => {
				const show = showOf(p);
				return show.resource?.includes(op.resource) && show.operation?.includes(op.value);
			});
			const collection = visible.find((p) => p.name === optionalCollectionOf(op).name);
			const inCollection = new Set(((collection?.options ?? []) as INodeProperties[]).map((p) => p.name));
			for (const field of op.fields) {
				const found = isTopLevel(field) ? visible.some((p) => p.name === field.name) : inCollection.has(field.name);
				if (!found) problems.push(`${op.id}.${field.name}`);
			}
			if (op.pagination && !['returnAll', 'limit'].every((name) => visible.some((p) => p.name === name))) problems.push(`${op.id}: no Return All / Limit`);
		}
		assert.deepEqual(problems, []);
	});

	test('option names are unique inside every collection and fixed collection', () => {
		const problems: string[] = [];
		const walk = (where: string, options: Array<INodeProperties | INodePropertyCollection | INodePropertyOptions>) => {
			const names = options.map((o) => o.name);
			const dupes = names.filter((name, i) => names.indexOf(name) !== i);
			if (dupes.length) problems.push(`${where}: ${dupes.join(', ')}`);
			for (const option of options) {
				if ('type' in option && (option.type === 'collection' || option.type === 'fixedCollection')) {
					walk(`${where} › ${option.name}`, (option.options ?? []) as INodeProperties[]);
				}
				if ('values' in option && Array.isArray(option.values)) walk(`${where} › ${option.name}`, option.values);
			}
		};
		for (const property of wtsChatProperties) {
			if (property.type === 'collection' || property.type === 'fixedCollection') {
				walk(`${property.name} ${JSON.stringify(showOf(property))}`, (property.options ?? []) as INodeProperties[]);
			}
		}
		assert.deepEqual(problems, []);
	});
});

describe('describeOperations on a small table', () => {
	const ops: OperationSpec[] = [
		{
			id: 'listThings',
			value: 'listThings',
			resource: 'thing',
			name: 'List Things',
			action: 'List things',
			method: 'GET',
			path: '/things',
			fields: [
				{ name: 'zeta', key: 'zeta', in: 'query', type: 'string' },
				{ name: 'alpha', key: 'alpha', in: 'query', type: 'number' },
				{ name: 'channelId', key: 'channelId', in: 'query', type: 'string' },
			],
			pagination: { style: 'page', pageParam: 'page', pageSize: 25, itemsPath: 'data' },
		},
		{
			id: 'createThing',
			value: 'createThing',
			resource: 'thing',
			name: 'Create a Thing',
			action: 'Create a thing',
			method: 'POST',
			path: '/things',
			body: 'json',
			fields: [
				{ name: 'name', key: 'name', in: 'body', type: 'string', required: true },
				{ name: 'kind', key: 'kind', in: 'body', type: 'string', options: ['A', 'B'], required: true },
				{ name: 'tags', key: 'tags', in: 'body', type: 'list' },
			],
		},
		{ id: 'oldSend', value: 'oldSend', resource: 'message', name: 'Old Send', action: 'Send', method: 'POST', path: '/send', fields: [] },
	];
	const table: OperationTable = { resources: [{ value: 'thing', name: 'Thing' }, { value: 'message', name: 'Message' }], operations: ops };
	const handMade: HandMadeOperationInfo[] = [
		{ resource: 'message', value: 'send', name: 'Send', action: 'Send a message', description: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }] },
	];
	const properties = describeOperations({
		table,
		handMade,
		replaced: new Set(['oldSend']),
		pickerFor: (_op, field) => (field.key === 'channelId' ? 'getChannels' : undefined),
	});
	const forOp = (id: string) => properties.filter((p) => showOf(p).operation?.includes(id));

	test('replaced operations disappear; hand-made ones are listed and their fields shown only for them', () => {
		const message = properties.find((p) => p.name === 'operation' && showOf(p).resource?.includes('message'));
		assert.deepEqual(selectorOptions(message ?? ({} as INodeProperties)).map((o) => o.value), ['send']);
		assert.deepEqual(forOp('oldSend'), []);
		const text = properties.find((p) => p.name === 'text');
		assert.deepEqual(showOf(text ?? ({} as INodeProperties)), { resource: ['message'], operation: ['send'] });
	});

	test('GET: optional fields in a sorted "Filters" collection, pickers as options, Return All and Limit', () => {
		const props = forOp('listThings');
		assert.deepEqual(props.map((p) => p.name).sort(), ['filters', 'limit', 'returnAll']);
		const filters = props.find((p) => p.name === 'filters') as INodeProperties;
		assert.deepEqual(((filters.options ?? []) as INodeProperties[]).map((p) => p.displayName), ['Alpha', 'Channel Name or ID', 'Zeta']);
		const channel = ((filters.options ?? []) as INodeProperties[]).find((p) => p.name === 'channelId');
		assert.equal(channel?.type, 'options');
		assert.deepEqual(channel?.typeOptions, { loadOptionsMethod: 'getChannels' });
		// One Return All / Limit pair serves every list operation of the node.
		assert.deepEqual(showOf(props.find((p) => p.name === 'limit') as INodeProperties), { resource: ['thing'], operation: ['listThings'], returnAll: [false] });
	});

	test('POST: required fields top-level and required, options default to the first value, the rest in "Additional Fields"', () => {
		const props = forOp('createThing');
		assert.deepEqual(props.map((p) => [p.name, p.type, p.required ?? false]), [
			['name', 'string', true],
			['kind', 'options', true],
			['additionalFields', 'collection', false],
		]);
		assert.equal(props[1].default, 'A');
		const tags = (props[2].options as INodeProperties[])[0];
		assert.equal(tags.placeholder, 'Comma-separated values');
	});
});

test('a list picker is labelled as n8n labels one: the noun, then "Name or ID" or "Names or IDs"', () => {
	assert.equal(pickerLabel('Inbox ID', false), 'Inbox Name or ID');
	assert.equal(pickerLabel('Tag IDs', true), 'Tag Names or IDs');
	assert.equal(pickerLabel('Labels', true), 'Label Names or IDs');
	assert.equal(pickerLabel('Status', true), 'Status Names or IDs');
	assert.equal(pickerLabel('Agent Name or ID', false), 'Agent Name or ID');
});
