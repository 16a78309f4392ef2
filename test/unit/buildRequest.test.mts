import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { buildRequest } from '../../nodes/shared/engine/buildRequest.ts';
import { labelOf } from '../../nodes/shared/engine/fieldLabels.ts';
import { checkEmail, parseJsonField } from '../../nodes/shared/engine/inputErrors.ts';
import type { FieldSpec, OperationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { operationTable } from '../../nodes/WtsChat/generated/operationTable.ts';
import { createContext, workflow, type ParamValue } from './fakeContext.mts';

type OpError = Error & { description?: string; context?: { itemIndex?: number } };

function build(op: OperationSpec, params: Record<string, ParamValue>, itemIndex = 0, preset = {}) {
	return buildRequest(createContext({ params }), itemIndex, op, preset).request;
}

function refused(op: OperationSpec, params: Record<string, ParamValue>, itemIndex = 0): OpError {
	try {
		build(op, params, itemIndex);
	} catch (error) {
		assert.ok(error instanceof workflow.NodeOperationError, `expected a NodeOperationError, got ${String(error)}`);
		return error as OpError;
	}
	assert.fail('expected buildRequest to refuse the input');
}

const op = (fields: FieldSpec[], extra: Partial<OperationSpec> = {}): OperationSpec => ({
	id: 'testOp',
	value: 'test',
	resource: 'thing',
	name: 'Test',
	action: 'Test',
	method: 'POST',
	path: '/things',
	body: 'json',
	fields,
	...extra,
});

describe('buildRequest: required fields', () => {
	const contactOp = op(
		[
			{ name: 'contactId', key: 'contactId', in: 'path', type: 'string', required: true },
			{ name: 'text', key: 'text', in: 'body', type: 'string', required: true },
		],
		{ path: '/contacts/{contactId}/notes' },
	);

	test('a missing required value is refused, naming the field and carrying the item index', () => {
		const error = refused(contactOp, { contactId: 'c1', text: (i: number) => (i === 2 ? '' : 'hello') }, 2);
		assert.equal(error.message, '"Text" is required');
		assert.match(error.description ?? '', /Fill in "Text"/);
		assert.equal(error.context?.itemIndex, 2);
	});

	test('whitespace only counts as missing; path ids get their label', () => {
		const error = refused(contactOp, { contactId: '   ', text: 'x' }, 1);
		assert.equal(error.message, '"Contact ID" is required');
		assert.equal(error.context?.itemIndex, 1);
	});

	test('per-item values build per-item requests; strings are trimmed; ids are encoded into one segment', () => {
		const params = { contactId: (i: number) => [' a/b ', '../x'][i], text: (i: number) => `  note ${i} ` };
		assert.deepEqual(build(contactOp, params, 0), { method: 'POST', path: '/contacts/a%2Fb/notes', itemIndex: 0, body: { text: 'note 0' } });
		assert.deepEqual(build(contactOp, params, 1), { method: 'POST', path: '/contacts/..%2Fx/notes', itemIndex: 1, body: { text: 'note 1' } });
	});

	test('a preset value is used instead of the parameter', () => {
		const request = build(contactOp, { text: 'x' }, 0, { contactId: 'from-credential' });
		assert.equal(request.path, '/contacts/from-credential/notes');
	});
});

describe('buildRequest: coercion', () => {
	const typed = op([
		{ name: 'count', key: 'Count', in: 'query', type: 'number' },
		{ name: 'active', key: 'active', in: 'body', type: 'boolean' },
		{ name: 'when', key: 'when', in: 'body', type: 'dateTime' },
		{ name: 'metadata', key: 'metadata', in: 'body', type: 'json' },
	]);
	const withFields = (fields: Record<string, unknown>) => ({ additionalFields: fields });

	test('numbers, booleans, dates and JSON are converted to wire values', () => {
		const request = build(typed, withFields({ count: ' 42 ', active: 'false', when: '2026-01-31T09:00:00-03:00', metadata: '{"a":[1,2]}' }));
		assert.deepEqual(request.qs, { Count: 42 });
		assert.deepEqual(request.body, { active: false, when: '2026-01-31T12:00:00.000Z', metadata: { a: [1, 2] } });
		const native = build(typed, withFields({ count: 0, active: true, metadata: { b: 1 } }));
		assert.deepEqual(native.qs, { Count: 0 }, 'zero is a value, not an empty field');
		assert.deepEqual(native.body, { active: true, metadata: { b: 1 } });
	});

	for (const [field, value, message] of [
		['count', 'abc', '"Count" must be a number'],
		['count', 'Infinity', '"Count" must be a number'],
		['active', 'yes', '"Active" must be true or false'],
		['when', 'next tuesday-ish', '"When" is not a valid date'],
		['metadata', '{"a": 1,}', 'Invalid JSON in "Metadata"'],
	] as const) {
		test(`${field} = ${JSON.stringify(value)} is refused with: ${message}`, () => {
			const error = refused(typed, withFields({ [field]: value }), 3);
			assert.equal(error.message, message);
			assert.equal(error.context?.itemIndex, 3);
			assert.ok((error.description ?? '').length > 0);
		});
	}

	test('the invalid-JSON description names the field and the parser complaint', () => {
		const error = refused(typed, withFields({ metadata: '{oops' }));
		assert.match(error.description ?? '', /^"Metadata" must be valid JSON \(/);
	});

	test('parseJsonField passes objects through and treats blank text as no value', () => {
		const ctx = createContext();
		const value = { a: 1 };
		assert.equal(parseJsonField(ctx, 0, 'X', value), value);
		assert.equal(parseJsonField(ctx, 0, 'X', '   '), undefined);
		assert.deepEqual(parseJsonField(ctx, 0, 'X', '[1]'), [1]);
	});
});

describe('buildRequest: lists', () => {
	const listOp = op([{ name: 'tags', key: 'Tags', in: 'query', type: 'list', itemType: 'string' }], { method: 'GET', body: undefined });

	test('comma-separated text is split, trimmed and emptied of blanks; arrays pass', () => {
		const request = build(listOp, { filters: { tags: ' a, b ,,c , ' } });
		assert.deepEqual(request.qs, { Tags: ['a', 'b', 'c'] });
		const fromArray = build(listOp, { filters: { tags: ['x y', 'z'] } });
		assert.deepEqual(fromArray.qs, { Tags: ['x y', 'z'] });
	});

	test('number lists are converted and refused entry by entry', () => {
		const numbers = op([{ name: 'sizes', key: 'sizes', in: 'body', type: 'list', itemType: 'number' }]);
		assert.deepEqual(build(numbers, { additionalFields: { sizes: '1, 2,3' } }).body, { sizes: [1, 2, 3] });
		assert.deepEqual(build(numbers, { additionalFields: { sizes: [4, '5'] } }).body, { sizes: [4, 5] });
		assert.equal(refused(numbers, { additionalFields: { sizes: '1, two' } }).message, '"Sizes" must be a number');
	});
});

describe('buildRequest: fields with a fixed set of values', () => {
	const statusOp = op([
		{ name: 'status', key: 'status', in: 'body', type: 'string', required: true, options: ['open', 'resolved', 'pending', 'snoozed'] },
		{ name: 'details', key: 'details', in: 'body', type: 'list', itemType: 'string', options: ['Tags', 'CustomFields'] },
	]);

	test('a value from an expression (e.g. an AI agent) is sent when it is one of them, in their spelling', () => {
		assert.deepEqual(build(statusOp, { status: 'open', additionalFields: { details: 'tags, CustomFields' } }).body, { status: 'open', details: ['Tags', 'CustomFields'] });
		assert.deepEqual(build(statusOp, { status: 'Resolved' }).body, { status: 'resolved' });
	});

	test('any other value is refused with the values to choose from', () => {
		const error = refused(statusOp, { status: 'opened' });
		assert.equal(error.message, '"Status" cannot be "opened": use one of open, resolved, pending, snoozed');
		assert.equal(error.description, 'Use one of: open, resolved, pending, snoozed.');
		assert.equal(refused(statusOp, { status: 'open', additionalFields: { details: 'Tags, Notes' } }).message, '"Details 2" cannot be "Notes": use one of Tags, CustomFields');
	});
});

describe('buildRequest: nested objects map back to wire keys', () => {
	const nested = op([
		{
			name: 'distributionConfig',
			key: 'distribution_config',
			in: 'body',
			type: 'object',
			fields: [
				{ name: 'maxChats', key: 'max_chats', in: 'body', type: 'number' },
				{ name: 'mode', key: 'Mode', in: 'body', type: 'string', required: true },
				{ name: 'limits', key: 'limits', in: 'body', type: 'object', fields: [{ name: 'perDay', key: 'per_day', in: 'body', type: 'number' }] },
			],
		},
		{
			name: 'items',
			key: 'items',
			in: 'body',
			type: 'objectList',
			required: true,
			fields: [
				{ name: 'phoneNumber', key: 'phone_number', in: 'body', type: 'string', required: true },
				{ name: 'email', key: 'email', in: 'body', type: 'string' },
				{ name: 'active', key: 'active', in: 'body', type: 'boolean' },
			],
		},
	]);

	test('object and objectList values are rebuilt with wire keys and wire values, blanks dropped', () => {
		const request = build(nested, {
			items: { values: [{ phoneNumber: '+55|11999999999', active: true }, { phoneNumber: '+55|21988887777', email: 'maria+vendas@empresa.com.br', active: 'false' }] },
			additionalFields: { distributionConfig: { maxChats: '5', mode: 'ROUND_ROBIN', limits: { perDay: 10 }, unknown: 'x' } },
		});
		assert.deepEqual(request.body, {
			distribution_config: { max_chats: 5, Mode: 'ROUND_ROBIN', limits: { per_day: 10 } },
			items: [
				{ phone_number: '+55|11999999999', active: true },
				{ phone_number: '+55|21988887777', email: 'maria+vendas@empresa.com.br', active: false },
			],
		});
	});

	test('a missing required child is refused with its parent and position in the label', () => {
		const error = refused(nested, { items: { values: [{ phoneNumber: '1' }, { email: 'a@b.com' }] } }, 1);
		assert.equal(error.message, '"Items 2 › Phone Number" is required');
		assert.equal(error.context?.itemIndex, 1);
		const inObject = refused(nested, { items: [{ phoneNumber: '1' }], additionalFields: { distributionConfig: { maxChats: 1 } } });
		assert.equal(inObject.message, '"Distribution Config › Mode" is required');
	});

	test('an object or objectList given as a JSON string (expression) is parsed as is', () => {
		const request = build(nested, { items: '[{"phone_number":"1"}]', additionalFields: { distributionConfig: '{"Mode":"X"}' } });
		assert.deepEqual(request.body, { distribution_config: { Mode: 'X' }, items: [{ phone_number: '1' }] });
		assert.equal(refused(nested, { items: '[{' }).message, 'Invalid JSON in "Items"');
	});

	test('an empty optional object is omitted', () => {
		assert.deepEqual(build(nested, { items: [{ phoneNumber: '1' }], additionalFields: { distributionConfig: {} } }).body, { items: [{ phone_number: '1' }] });
	});

	// BUG (buildRequest.ts, buildRequest()): the "required" check only treats undefined / null / blank text / [] (and {}
	// for type 'object') as missing. A required objectList left empty arrives as n8n's fixedCollection default `{}`
	// (or `{ values: [] }`), passes the check, and is sent as `items: []` instead of being refused before any request.
	// This test fails until an empty required objectList is refused like any other missing field.
	test('a required objectList left empty ({} or no entries) is refused', () => {
		assert.equal(refused(nested, { items: {} }).message, '"Items" is required');
		assert.equal(refused(nested, { items: { values: [] } }).message, '"Items" is required');
	});
});

describe('buildRequest: email', () => {
	const emailOp = op([
		{ name: 'email', key: 'email', in: 'body', type: 'string' },
		{ name: 'contacts', key: 'contacts', in: 'body', type: 'objectList', fields: [{ name: 'eMail', key: 'e-mail', in: 'body', type: 'string' }] },
	]);

	const addresses = [
		'maria+vendas@empresa.com.br',
		'joao@studio.photography',
		'a.b-c@sub.domain.museum',
		'x@y.co',
		'a@b.xn--p1ai',
		'user@пример.рф',
		'josé.silva@açaí.com.br',
		'ops@intranet',
		'"quoted"@example.com',
	];
	for (const email of addresses) {
		test(`${email} is valid`, () => {
			assert.deepEqual(build(emailOp, { additionalFields: { email: ` ${email} ` } }).body, { email });
		});
	}

	const notAddresses = ['maria', 'a b@c.com', 'maria@', '@empresa.com', 'maria@@empresa.com', 'maria@empresa..com', 'maria@.empresa.com', 'maria@empresa.com.', 'maria\t@empresa.com', 'maria@empresa .com', '@'];
	for (const email of notAddresses) {
		test(`${JSON.stringify(email)} is refused, naming the field`, () => {
			const error = refused(emailOp, { additionalFields: { email } }, 2);
			assert.equal(error.message, `Invalid email "${email.trim()}" in "Email"`);
			assert.equal(error.context?.itemIndex, 2);
		});
	}

	test('email children of objects are checked too', () => {
		const error = refused(emailOp, { additionalFields: { contacts: { values: [{ eMail: 'bad address@x.com' }] } } });
		assert.equal(error.message, 'Invalid email "bad address@x.com" in "Contacts 1 › E Mail"');
	});

	test('checkEmail returns the trimmed address', () => {
		assert.equal(checkEmail(createContext(), 0, 'Email', '  a@b.io '), 'a@b.io');
	});
});

describe('buildRequest: empty optional values', () => {
	const optionalOp = op(
		[
			{ name: 'status', key: 'Status', in: 'query', type: 'string' },
			{ name: 'tags', key: 'Tags', in: 'query', type: 'list', options: ['A', 'B'] },
			{ name: 'after', key: 'CreatedAt.After', in: 'query', type: 'dateTime' },
			{ name: 'count', key: 'Count', in: 'query', type: 'number' },
			{ name: 'filter', key: 'filter', in: 'query', type: 'json' },
		],
		{ method: 'GET', body: undefined },
	);

	test('empty strings, empty lists, blank text and nulls are omitted; no empty query or body is sent', () => {
		const request = build(optionalOp, { filters: { status: '  ', tags: [], after: '', count: null, filter: '   ' } });
		assert.deepEqual(request, { method: 'GET', path: '/things', itemIndex: 0 });
		assert.equal('qs' in request, false);
		assert.equal('body' in request, false);
	});

	test('a JSON-body operation with nothing filled sends an empty object', () => {
		const bodyOp = op([{ name: 'name', key: 'name', in: 'body', type: 'string' }]);
		assert.deepEqual(build(bodyOp, { additionalFields: { name: '' } }).body, {});
	});
});

describe('buildRequest over the real WTS table', () => {
	const byId = (id: string) => {
		const found = operationTable.operations.find((entry) => entry.id === id);
		assert.ok(found, `operation ${id} is in the table`);
		return found;
	};

	test('listContacts: dotted query keys, list options repeated, ISO dates', () => {
		const request = build(byId('listContacts'), {
			filters: { includeDetails: ['Tags', 'CustomFields'], createdAtAfter: '2026-01-01T00:00:00Z', status: 'ACTIVE' },
		});
		assert.deepEqual(request, {
			method: 'GET',
			path: '/core/v1/contact',
			itemIndex: 0,
			qs: { IncludeDetails: ['Tags', 'CustomFields'], Status: 'ACTIVE', 'CreatedAt.After': '2026-01-01T00:00:00.000Z' },
		});
	});

	test('a body of "ids or phone numbers" is two fields, and one of them must be given', () => {
		const id = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
		const contact = 'c0a80121-7ac0-4e1c-8e2d-3f1a2b3c4d5e';
		const request = build(byId('addContactsToPortfolio'), { portfolioId: id, additionalFields: { contactIds: contact } });
		assert.equal(request.path, `/core/v1/portfolio/${id}/contact/batch`);
		assert.deepEqual(request.body, { contactIds: [contact] });
		assert.throws(() => build(byId("addContactsToPortfolio"), { portfolioId: id, additionalFields: {} }), /Fill "Contact IDs" or "Phone Numbers"/);
		assert.throws(() => build(byId('addContactsToPortfolio'), { portfolioId: id, additionalFields: { contactIds: 'not-a-uuid' } }), /"Contact IDs 1" is not a valid ID/);
	});
});

describe('field labels', () => {
	test('keys become readable labels with acronyms in capitals', () => {
		assert.equal(labelOf('contactId'), 'Contact ID');
		assert.equal(labelOf('CreatedAt.After'), 'Created At After');
		assert.equal(labelOf('utm_source'), 'UTM Source');
		assert.equal(labelOf('callbackUrl'), 'Callback URL');
		assert.equal(labelOf('items[]'), 'Items');
	});

	// BUG (fieldLabels.ts, labelOf()): 'ids' is in ACRONYMS and is upper-cased whole, so `tagIds` becomes "Tag IDS";
	// the `.replace(/\bI Ds\b/g, 'IDs')` meant to produce "IDs" never matches. The WTS node shows "Tag IDS",
	// "Contact IDS", "Channel IDS", "Default Department IDS", "Portfolio IDS", "Sequence IDS", and errors say
	// '"Tag IDS" must be ...'. This test fails until lists of ids are labelled "IDs" (n8n's spelling).
	test('lists of ids are labelled "IDs"', () => {
		assert.deepEqual(
			['tagIds', 'TagsId', 'ids', 'DefaultDepartmentIds'].map(labelOf),
			['Tag IDs', 'Tags ID', 'IDs', 'Default Department IDs'],
		);
	});
});
