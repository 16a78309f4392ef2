/**
 * Every field whose description states a format (encoding, phone form, dates, Unix times, units, lists) is fed
 * a value written exactly as its description says, and the request the node builds must carry what the
 * platform expects. A description that states a format no rule here knows fails the test until a person
 * has checked it and added its rule. (A Phone field that told users to URL-encode made lookups fail: the
 * node encodes path values itself.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildRequest } from '../../nodes/shared/engine/buildRequest.ts';
import { isTopLevel, optionalCollectionOf } from '../../nodes/shared/engine/fieldLabels.ts';
import type { FieldSpec, OperationSpec, OperationTable } from '../../nodes/shared/engine/operationTable.ts';
import { operationTable as chatwootTable } from '../../nodes/Chatwoot/generated/operationTable.ts';
import { operationTable as wtsTable } from '../../nodes/WtsChat/generated/operationTable.ts';
import { createContext } from './fakeContext.mts';

/** Words that make a description a statement about the value's form. */
const STATES_A_FORMAT = /encod|Metadata\[key\]|\+DDI|unix|\bseconds\b|\bUTC\b|ISO 8601|\bMB\b|comma-separated|BCP 47|\bin hours\b|display type|repeat the key/i;

interface FormatRule {
	claim: RegExp;
	/** Values written as the description says (for this field). */
	samples: unknown[] | ((field: FieldSpec) => unknown[]);
	/** What the request must carry for each sample. */
	wire(sample: unknown, field: FieldSpec): unknown;
}

const same = (sample: unknown) => sample;

const RULES: FormatRule[] = [
	// Path values are encoded by the node: the plain form and an already-encoded copy reach the same record.
	{
		claim: /\+DDI\|number/,
		samples: (field) => (field.in === 'path' ? ['+55|11990000000', '%2B55%7C11990000000'] : ['+55|11990000000']),
		wire: (_, field) => (field.in === 'path' ? '%2B55%7C11990000000' : '+55|11990000000'),
	},
	// Dates go out as UTC ISO 8601, also when typed with an offset.
	{ claim: /\(UTC\)|Snoozed until date time/, samples: ['2026-01-02T03:04:05Z', '2026-01-02T00:04:05-03:00'], wire: () => '2026-01-02T03:04:05.000Z' },
	{ claim: /Unix time(stamp)? in seconds|Unix seconds|Unix timestamp\)|Unix time the|ISO 8601/, samples: ['1767225600'], wire: (sample, field) => (field.type === 'number' ? Number(sample) : sample) },
	{ claim: /ISO 8601 (time )?or Unix seconds/, samples: ['2026-01-02T03:04:05Z', '1767225600'], wire: same },
	{ claim: /^Seconds|in the last N seconds|Seconds on page|Seconds of 'typing/, samples: [5], wire: same },
	{ claim: /UTC offset in hours/, samples: [-3], wire: same },
	// Chatwoot's message builder takes each address list as one comma-separated text: it goes as typed.
	{ claim: /comma-separated (CC |BCC |recipient )addresses/, samples: ['ana@example.com, bia@example.com'], wire: same },
	{ claim: /comma-separated strings/, samples: ['vip, suporte'], wire: () => ['vip', 'suporte'] },
	{ claim: /max 25 MB each/, samples: ['https://example.com/a.pdf, https://example.com/b.pdf'], wire: () => ['https://example.com/a.pdf', 'https://example.com/b.pdf'] },
	{ claim: /BCP 47/, samples: ['pt-BR'], wire: same },
	{ claim: /display type \(text- 0/, samples: [5], wire: same },
	{ claim: /UTC date window/, samples: [{ after: '2026-01-01T00:00:00Z', before: '2026-01-31T21:00:00-03:00' }], wire: () => ({ before: '2026-02-01T00:00:00.000Z', after: '2026-01-01T00:00:00.000Z' }) },
	// n8n's request helper serialises a query object as Metadata[key]=value.
	{ claim: /Metadata\[key\]=value/, samples: ['{"origem": "site"}'], wire: () => ({ origem: 'site' }) },
];

interface Claim {
	table: string;
	op: OperationSpec;
	field: FieldSpec;
}

function claimsOf(name: string, table: OperationTable): Claim[] {
	return table.operations.flatMap((op) =>
		op.fields.filter((field) => field.description && STATES_A_FORMAT.test(field.description)).map((field) => ({ table: name, op, field })),
	);
}

const claims = [...claimsOf('WTS Chat', wtsTable), ...claimsOf('Chatwoot', chatwootTable)];

function fillerOf(field: FieldSpec): unknown {
	if (field.options?.length) return field.type === 'list' ? [field.options[0]] : field.options[0];
	if (field.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
	switch (field.type) {
		case 'number':
		case 'list':
			return '1';
		case 'boolean':
			return false;
		case 'json':
		case 'object':
		case 'objectList':
			return '{}';
		default:
			return 'x';
	}
}

/** Parameters that fill the operation's required fields with harmless values and `field` with `sample`. */
function parametersFor(op: OperationSpec, field: FieldSpec, sample: unknown): Record<string, unknown> {
	const params: Record<string, unknown> = {};
	for (const other of op.fields.filter((f) => isTopLevel(f) && f !== field)) {
		params[other.name] = fillerOf(other);
	}
	if (isTopLevel(field)) params[field.name] = sample;
	else params[optionalCollectionOf(op).name] = { [field.name]: sample };
	return params;
}

function sentValue(op: OperationSpec, field: FieldSpec, sample: unknown): unknown {
	const { request } = buildRequest(createContext({ params: parametersFor(op, field, sample) }), 0, op);
	if (field.in === 'path') {
		const prefix = op.path.slice(0, op.path.indexOf(`{${field.key}}`));
		const rest = request.path.slice(prefix.length);
		return rest.split('/')[0];
	}
	if (field.in === 'query') return request.qs?.[field.key];
	return (request.body as Record<string, unknown>)[field.key];
}

test('the contracts state formats on fields (the rules below are exercised)', () => {
	assert.ok(claims.length >= 30, `${String(claims.length)} fields state a format`);
});

test('no description tells users to URL-encode a value: the node encodes what it sends', () => {
	assert.deepEqual(
		claims.filter((claim) => /url-encod/i.test(claim.field.description ?? '')).map((c) => `${c.table} ${c.op.id}.${c.field.key}`),
		[],
	);
});

test('every field that states a format gets what its description says onto the wire', () => {
	const unknown: string[] = [];
	const wrong: string[] = [];
	for (const { table, op, field } of claims) {
		const description = field.description ?? '';
		const rules = RULES.filter((rule) => rule.claim.test(description));
		if (!rules.length) {
			unknown.push(`${table} ${op.id}.${field.key}: "${description}"`);
			continue;
		}
		for (const rule of rules) {
			for (const sample of typeof rule.samples === 'function' ? rule.samples(field) : rule.samples) {
				let sent: unknown;
				try {
					sent = sentValue(op, field, sample);
				} catch (error) {
					wrong.push(`${table} ${op.id}.${field.key}: ${JSON.stringify(sample)} refused: ${(error as Error).message}`);
					continue;
				}
				const expected = rule.wire(sample, field);
				if (JSON.stringify(sent) !== JSON.stringify(expected)) {
					wrong.push(`${table} ${op.id}.${field.key} ("${description}"): ${JSON.stringify(sample)} was sent as ${JSON.stringify(sent)}, expected ${JSON.stringify(expected)}`);
				}
			}
		}
	}
	assert.deepEqual(unknown, [], 'descriptions stating a format no rule checks');
	assert.deepEqual(wrong, []);
});
