// Evidence for the Chatwoot contract (specs/chatwoot/evidence.json): each operation of the supplement, each
// override and the official operations users touch most, traced to Chatwoot's routes.rb, controller and view.
// These tests keep the evidence attached to the contract: every entry names a real operation, is well
// formed, travels with the merged operation, and its disagreements are the ones EVIDENCE-FINDINGS.md lists.
//
// Run: node --import tsx --test test/contract/chatwoot-evidence.test.mts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { mergeChatwootContract } from '../../scripts/generate/chatwoot.mts';
import { DISAGREEMENT_KINDS, findingsMarkdown, type EvidenceFile } from '../../scripts/chatwoot-evidence.mts';
import type { JsonObject } from '../../scripts/generate/openapiToTable.mts';

const specDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../specs/chatwoot');
const readText = (name: string) => readFileSync(path.join(specDir, name), 'utf8');
const readJson = (name: string) => JSON.parse(readText(name)) as JsonObject;

const official = readJson('swagger.json');
const supplement = readJson('supplement.json');
const evidence = readJson('evidence.json') as unknown as EvidenceFile;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: JsonObject): Array<{ id: string; method: string; path: string; op: JsonObject }> {
	const out = [];
	for (const [p, item] of Object.entries(doc.paths as JsonObject)) {
		for (const method of METHODS) {
			const op = (item as JsonObject)[method] as JsonObject | undefined;
			if (op) out.push({ id: String(op.operationId), method: method.toUpperCase(), path: p, op });
		}
	}
	return out;
}

const FILE_LINE = /^(app|enterprise|lib|config)\/[\w./-]+:\d+(-\d+)?$/;

test('evidence names the Chatwoot version and commit it was read at', () => {
	assert.match(evidence.chatwoot.version, /^\d+\.\d+\.\d+$/);
	assert.match(evidence.chatwoot.commit, /^[0-9a-f]{40}$/);
	assert.ok(
		readText('SUPPLEMENT.md').includes(`Chatwoot ${evidence.chatwoot.version}`),
		'SUPPLEMENT.md names the Chatwoot version the contract follows',
	);
});

test('every evidence entry is well formed', () => {
	const bad: string[] = [];
	for (const [id, entry] of Object.entries(evidence.operations)) {
		if (!/^config\/routes\.rb:\d+$/.test(entry.route)) bad.push(`${id}: route ${entry.route}`);
		if (!FILE_LINE.test(entry.controller) || !entry.controller.includes('.rb:')) bad.push(`${id}: controller ${entry.controller}`);
		const answeredBy = /^(head|render|send_data)[^,]*, (\S+)$/.exec(entry.view);
		if (!FILE_LINE.test(answeredBy ? answeredBy[2] : entry.view)) bad.push(`${id}: view ${entry.view}`);
		if (typeof entry.params !== 'string' || entry.params.length === 0) bad.push(`${id}: params`);
		if (entry.verdict === 'matches') continue;
		if (!Array.isArray(entry.verdict) || entry.verdict.length === 0) {
			bad.push(`${id}: verdict must be "matches" or a list of disagreements`);
			continue;
		}
		for (const d of entry.verdict) {
			if (!DISAGREEMENT_KINDS.includes(d.kind)) bad.push(`${id}: kind ${d.kind}`);
			if (!d.contract || !d.source) bad.push(`${id}: a disagreement says what the contract and the source say`);
			if (!FILE_LINE.test(d.at)) bad.push(`${id}: at ${d.at}`);
		}
	}
	assert.deepEqual(bad, []);
});

test('every evidence entry names an operation of the merged contract at its method and path, and travels with it', () => {
	const merged = mergeChatwootContract(official, supplement, evidence as unknown as JsonObject);
	const byId = new Map(operations(merged).map((o) => [o.id, o]));
	for (const [id, entry] of Object.entries(evidence.operations)) {
		const target = byId.get(id);
		assert.ok(target, `${id} is not an operation of the contract`);
		assert.equal(`${target.method} ${target.path}`, `${entry.method} ${entry.path}`, id);
		const attached = target.op['x-chatwoot-evidence'] as JsonObject;
		assert.equal(attached.version, evidence.chatwoot.version, id);
		assert.equal(attached.route, entry.route, id);
		assert.deepEqual(attached.verdict, entry.verdict, id);
	}
	const stray = { ...evidence, operations: { ...evidence.operations, 'no-such-operation': Object.values(evidence.operations)[0] } };
	assert.throws(() => mergeChatwootContract(official, supplement, stray as unknown as JsonObject), /no-such-operation/);
});

test('every change the tracing made to the contract is recorded on its operation, with the source that called for it', () => {
	const merged = mergeChatwootContract(official, supplement, evidence as unknown as JsonObject);
	const bad: string[] = [];
	for (const { id, op } of operations(merged)) {
		const entry = evidence.operations[id];
		const changed = op['x-chatwoot-source'] !== undefined;
		const recorded = (entry?.corrected ?? []).length > 0;
		// An override that follows the source says so (x-chatwoot-source) and its evidence says what changed.
		if (changed && !recorded) bad.push(`${id}: corrected in the contract (x-chatwoot-source) but its evidence records no change`);
		if (recorded && !changed) bad.push(`${id}: its evidence records a change the contract does not carry (no x-chatwoot-source)`);
		for (const c of entry?.corrected ?? []) {
			if (!DISAGREEMENT_KINDS.includes(c.kind)) bad.push(`${id}: kind ${c.kind}`);
			if (!c.was || !c.now || c.was === c.now) bad.push(`${id}: a change says what the contract said and what it says now`);
			if (!FILE_LINE.test(c.at)) bad.push(`${id}: at ${c.at}`);
			// A change that was made cannot still be a disagreement.
			if (entry.verdict !== 'matches' && entry.verdict.some((d) => d.kind === c.kind && d.at === c.at && d.source === c.now)) {
				bad.push(`${id}: ${c.kind} at ${c.at} is both changed and still disagreeing`);
			}
		}
	}
	assert.deepEqual(bad, []);
});

test('the corrections the issue names are recorded as changes and the operations now match on them', () => {
	const change = (id: string, kind: string) => (evidence.operations[id].corrected ?? []).find((c) => c.kind === kind);
	assert.match(change('create-a-new-message-in-a-conversation', 'parameter')?.now ?? '', /is_voice_message/);
	assert.equal(change('create-a-new-message-in-a-conversation', 'parameter')?.at, 'app/builders/messages/message_builder.rb:16');
	assert.match(change('contactCreate', 'envelope')?.now ?? '', /contact_inbox/);
	assert.match(change('contactUpdate', 'envelope')?.now ?? '', /200 \{payload: contact\}/);
	assert.match(change('conversationFilter', 'envelope')?.now ?? '', /no data key/);
	assert.match(change('conversationFilter', 'paging')?.now ?? '', /meta\.all_count/);
	assert.match(change('contactSearch', 'paging')?.now ?? '', /has_more/);
	assert.match(change('list-company-contacts', 'paging')?.now ?? '', /15 per page/);
	for (const id of ['contactCreate', 'contactUpdate', 'conversationFilter', 'contactSearch', 'list-company-contacts']) {
		assert.equal(evidence.operations[id].verdict, 'matches', `${id} now matches the source`);
	}
});

test('EVIDENCE-FINDINGS.md is generated from the evidence and lists every disagreement', () => {
	assert.equal(readText('EVIDENCE-FINDINGS.md'), findingsMarkdown(evidence), 'run: node --import tsx scripts/chatwoot-evidence.mts --findings');
	const [changes, disagreements] = readText('EVIDENCE-FINDINGS.md').split('## Disagreements');
	for (const [id, entry] of Object.entries(evidence.operations)) {
		const listed = disagreements.includes(`- \`${id}\` (`);
		assert.equal(listed, entry.verdict !== 'matches', `${id} ${listed ? 'matches but is listed' : 'disagrees but is not listed'}`);
		assert.equal(changes.includes(`- \`${id}\` (`), (entry.corrected ?? []).length > 0, `${id}: listed among the changes exactly when it records one`);
	}
});

test('every supplement operation, new or override, has evidence', () => {
	const missing = operations(supplement)
		.filter((o) => !(o.id in evidence.operations))
		.map((o) => `${o.id} (${o.method} ${o.path})`);
	assert.deepEqual(missing, [], 'supplement operations without an entry in specs/chatwoot/evidence.json');
});

// The official operations users touch most: contacts with their inboxes, labels and notes, conversations with
// their assignments, labels, status and priority, messages, inboxes, teams, agents, canned responses,
// webhooks, agent bots, custom attributes, reports, and the Client (public) API.
const MOST_USED_TAGS = [
	'Contacts', 'Contact Labels', 'Conversations', 'Conversation Assignments', 'Messages', 'Inboxes', 'Labels',
	'Teams', 'Agents', 'Canned Responses', 'Webhooks', 'Account AgentBots', 'AgentBots', 'Custom Attributes',
	'Reports', 'Inbox API', 'Contacts API', 'Conversations API', 'Messages API',
];

test('the official operations users touch most have evidence', () => {
	const removed = new Set(Object.keys((supplement['x-removals'] as JsonObject | undefined) ?? {}));
	const expected = operations(official).filter(
		(o) => MOST_USED_TAGS.includes(String((o.op.tags as string[])[0])) && !removed.has(`${o.method} ${o.path}`),
	);
	assert.ok(expected.length > 80, `only ${expected.length} official operations matched the tags`);
	const missing = expected.filter((o) => !(o.id in evidence.operations)).map((o) => `${o.id} (${o.method} ${o.path})`);
	assert.deepEqual(missing, []);
});
