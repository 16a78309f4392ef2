/**
 * The naming table applied to a generated table (scripts/generate/naming.mts): a contract tag that holds
 * several things split into resources by each operation's choice, a path identifier named once for every
 * operation, descriptions curated by rule or replaced by the table, and the build stopping on a table that no
 * longer fits the contract.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { FieldSpec, OperationSpec, OperationTable } from '../../nodes/shared/engine/operationTable.ts';
import { applyNaming, curateDescription, type NamingTable } from '../../scripts/generate/naming.mts';

const pathField = (key: string): FieldSpec => ({ name: key === 'portal_id' ? 'portalId' : key, key, in: 'path', type: 'number', required: true });

const op = (id: string, method: OperationSpec['method'], path: string, summary: string, fields: FieldSpec[]): OperationSpec => ({
	id,
	value: id,
	resource: 'helpCenter',
	name: summary,
	action: summary,
	method,
	path,
	fields,
	api: 'application',
});

const table: OperationTable = {
	resources: [{ value: 'helpCenter', name: 'Help Center', api: 'application' }],
	operations: [
		op('list-portals', 'GET', '/portals', 'List portals', []),
		op('get-portal', 'GET', '/portals/{id}', 'Get a portal', [pathField('id')]),
		op('list-articles', 'GET', '/portals/{id}/articles', 'List articles of a portal', [pathField('id')]),
		op('get-article', 'GET', '/portals/{portal_id}/articles/{id}', 'Get an article', [pathField('portal_id'), pathField('id')]),
	],
};

const naming = (changes: Partial<NamingTable> = {}): NamingTable => ({
	properWords: [],
	resources: {
		portals: { value: 'helpCenterPortal', name: 'Help Center Portal' },
		articles: { value: 'helpCenterArticle', name: 'Help Center Article' },
	},
	operations: {
		'list-portals': { resource: 'portals' },
		'get-portal': { resource: 'portals' },
		'list-articles': { resource: 'articles', value: 'getAll', name: 'Get Many', action: 'Get many help center articles' },
		'get-article': { resource: 'articles' },
	},
	pathIds: { portals: 'Portal Slug', articles: 'Article ID' },
	...changes,
});

const byId = (named: OperationTable) => new Map(named.operations.map((o) => [o.id, o]));

test('each operation goes to the resource the table chooses, with its contract tag API, and the tag itself is gone', () => {
	const named = applyNaming(table, naming(), 'test');
	assert.deepEqual(named.resources, [
		{ value: 'helpCenterArticle', name: 'Help Center Article', api: 'application' },
		{ value: 'helpCenterPortal', name: 'Help Center Portal', api: 'application' },
	]);
	const ops = byId(named);
	assert.deepEqual(
		[...ops.values()].map((o) => `${o.resource}/${o.value}: ${o.name} (${o.action})`),
		[
			'helpCenterPortal/getAll: Get Many (Get many help center portals)',
			'helpCenterPortal/get: Get (Get a portal)',
			'helpCenterArticle/getAll: Get Many (Get many help center articles)',
			'helpCenterArticle/get: Get (Get an article)',
		],
	);
});

test('the identifier after a segment the table names has that label and name in every operation, {id} or not', () => {
	const ops = byId(applyNaming(table, naming(), 'test'));
	const fields = (id: string) => ops.get(id)?.fields.map((f) => `${f.key}→${f.name} "${f.label ?? ''}"`);
	assert.deepEqual(fields('get-portal'), ['id→portalSlug "Portal Slug"']);
	assert.deepEqual(fields('list-articles'), ['id→portalSlug "Portal Slug"']);
	assert.deepEqual(fields('get-article'), ['portal_id→portalSlug "Portal Slug"', 'id→articleId "Article ID"']);
	// Without the table's word a bare {id} is named after the label that says whose it is, so it takes the
	// name {portal_id} has in the next operation, and never a bare "id" that means a portal here and an article there.
	const unnamed = byId(applyNaming(table, naming({ pathIds: {} }), 'test'));
	assert.deepEqual(unnamed.get('list-articles')?.fields.map((f) => `${f.name} "${f.label ?? ''}"`), ['portalId "Portal ID"']);
	assert.deepEqual(unnamed.get('get-article')?.fields.map((f) => `${f.name} "${f.label ?? ''}"`), ['portalId ""', 'articleId "Article ID"']);
});

test('the build stops on a resource no operation uses, a resource spanning two APIs, or two fields of one name', () => {
	const unused = naming({ resources: { ...naming().resources, helpCenter: { value: 'helpCenter', name: 'Help Center' } } });
	assert.throws(() => applyNaming(table, unused, 'test'), /naming names resource helpCenter, which no operation belongs to/);
	const twoApis: OperationTable = {
		resources: [...table.resources, { value: 'client_helpCenter', name: 'Help Center', api: 'client' }],
		operations: [...table.operations, { ...op('client-portal', 'GET', '/public/portals/{id}', 'Get a public portal', [pathField('id')]), resource: 'client_helpCenter', api: 'client' }],
	};
	const spanning = naming({ operations: { ...naming().operations, 'client-portal': { resource: 'portals', value: 'getPublic', name: 'Get Public' } } });
	assert.throws(() => applyNaming(twoApis, spanning, 'test'), /resource helpCenterPortal would hold operations of the application and client APIs/);
	const clash: OperationTable = {
		...table,
		operations: [...table.operations, op('clash', 'GET', '/portals/{id}/portals/{portal_id}', 'Get an x', [pathField('id'), pathField('portal_id')])],
	};
	assert.throws(() => applyNaming(clash, naming({ operations: { ...naming().operations, clash: { resource: 'portals', value: 'getX', name: 'Get X' } } }), 'test'), /clash has two fields named portalSlug/);
});

test('a contract description is curated as n8n writes one, or left out when it only repeats the label', () => {
	const cases: Array<[text: string, label: string, curated: string | undefined]> = [
		['  name of   the contact.', 'Name', 'Name of the contact'],
		['Conversation display id (the number shown in the UI)', 'Conversation ID', 'Conversation display ID (the number shown in the UI)'],
		['The Id of specific object in case of agent', 'ID', 'ID of specific object in case of agent'],
		['The url to a png file; ids of json records', 'Avatar URL', 'The URL to a png file; IDs of JSON records'],
		['When status is `snoozed`, reopen then.', 'Snoozed Until', "When status is 'snoozed', reopen then"],
		["Values such as 'ids' or \"url\" stay as typed", 'Values', "Values such as 'ids' or \"url\" stay as typed"],
		['Array of conditions, e.g message content contains help', 'Conditions', 'Array of conditions, e.g. message content contains help'],
		['Kind of file. Images are transcoded', 'Type', 'Kind of file. Images are transcoded.'],
		['Language code, e.g. en', 'Locale', 'Language code, e.g. en'],
		['Session id.', 'Session ID', undefined],
		['The ID of the agentbot to be updated', 'Agent Bot ID', undefined],
		['ID of the inbox', 'Inbox ID', undefined],
	];
	for (const [text, label, curated] of cases) assert.equal(curateDescription(text, label), curated, text);
});

test("the table's description wins over the contract's, '' removes it, and an entry no field uses stops the build", () => {
	const described: OperationTable = {
		...table,
		operations: table.operations.map((o) =>
			o.id.startsWith('get-') ? { ...o, fields: [...o.fields, { name: 'locale', key: 'locale', in: 'query' as const, type: 'string' as const, description: 'locale, e.g. `en`.' }] } : o,
		),
	};
	const descriptionsOf = (changes: Partial<NamingTable>) =>
		['get-portal', 'get-article'].map((id) => byId(applyNaming(described, naming(changes), 'test')).get(id)?.fields.find((f) => f.key === 'locale')?.description);
	assert.deepEqual(descriptionsOf({}), ["Locale, e.g. 'en'", "Locale, e.g. 'en'"]);
	assert.deepEqual(descriptionsOf({ fieldDescriptions: { locale: 'Language' } }), ['Language', 'Language']);
	assert.deepEqual(descriptionsOf({ fieldDescriptions: { locale: 'Language' }, operationFieldDescriptions: { 'get-article.locale': 'Language of the article' } }), ['Language', 'Language of the article']);
	assert.deepEqual(descriptionsOf({ fieldDescriptions: { locale: '' } }), [undefined, undefined]);
	assert.throws(() => applyNaming(described, naming({ fieldDescriptions: { colour: 'Colour' } }), 'test'), /naming's fieldDescriptions colour describes no field of the contract/);
	assert.throws(() => applyNaming(described, naming({ operationFieldDescriptions: { 'list-portals.locale': 'Language' } }), 'test'), /operationFieldDescriptions list-portals.locale describes no field/);
});
