/**
 * What a person reads in the editor, checked on the built node descriptions (every action, platform and
 * trigger node, and the tool variant n8n derives from each node usable as a tool): resource names singular,
 * operation names and field labels in Title Case, action texts in sentence case and unique within a node,
 * option names readable, "a" and "an" right, and no raw ids, paths, camelCase or snake_case anywhere.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import type { INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { ensureRuntime, repoRoot } from '../harness/runtime.mts';
import { descriptionOf, packageJson, toolVariantOf } from './builtNodes.mts';

const require = createRequire(import.meta.url);

/** Words written in capitals or with inner capitals on purpose: acronyms and product names. */
const PROPER = new Set(
	[
		'API', 'APIs', 'CRM', 'CSAT', 'CSV', 'DNS', 'FAQ', 'HMAC', 'HTML', 'HTTP', 'HTTPS', 'ID', 'IDs', 'JSON', 'MFA', 'OTP', 'SAML', 'SLA',
		'SLAs', 'SMS', 'SSL', 'SSO', 'URL', 'URLs', 'UTM', 'AI', 'IMAP', 'SMTP', 'CC', 'BCC', 'UTC', 'ISO', 'PDF', 'TLS', 'OK', 'VIP',
		'WhatsApp', 'Instagram', 'Facebook', 'Messenger', 'Telegram', 'Twilio', 'Slack', 'Linear', 'Notion', 'Shopify', 'Dyte', 'Google',
		'Microsoft', 'Chatwoot', 'Captain', 'Copilot', 'WTS', 'Chat', 'Konverte', 'Digital', 'Line', 'Leadsquared', 'LeadSquared', 'OpenAI',
		'Dialogflow', 'Stripe', 'Zapier', 'Gmail', 'Outlook', 'Azure', 'Twitter', 'TikTok', 'Voice', 'Cloud', 'Markdown', 'JavaScript',
		'Unix', 'Platform', 'Application', 'Client', 'Public', 'Help', 'Center', 'Web', 'Widget', 'Email', 'Cal', 'Agent', 'Bot',
	],
);
const SMALL = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'from', 'in', 'into', 'of', 'on', 'or', 'per', 'the', 'to', 'via', 'with', 'vs']);

const words = (text: string) => text.replace(/\([^)]*\)/g, ' ').split(/[\s/,;:–—-]+/).map((w) => w.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9']+$/g, '')).filter(Boolean);

/** Raw identifiers, paths and encoded values that no person named. */
function rawProblems(text: string): string[] {
	const problems: string[] = [];
	if (/(^|\s)\/[a-z{*]|\{[a-z_]+\}|\/v\d\//i.test(text)) problems.push('a path');
	for (const word of text.split(/[\s()/,;:."'“”‘’]+/).filter(Boolean)) {
		if (/[a-z0-9]_[a-z0-9]|^_|_$/i.test(word)) problems.push(`snake_case "${word}"`);
		else if (/^[a-z]+[A-Z]/.test(word) && !PROPER.has(word)) problems.push(`camelCase "${word}"`);
		else if (/^[A-Z][a-z]+[A-Z]/.test(word) && !PROPER.has(word)) problems.push(`joined words "${word}"`);
		else if (/^[A-Z]{5,}$/.test(word) && !PROPER.has(word)) problems.push(`a raw value "${word}"`);
		else if (/^(Id|id|Ids|ids)$/.test(word)) problems.push(`"${word}" instead of ID`);
	}
	return problems;
}

const VOWEL_LETTERS = new Set('AEFHILMNORSX');
/** "an" before a vowel sound, "a" before a consonant sound: acronyms by their first letter's name. */
function articleProblems(text: string): string[] {
	const problems: string[] = [];
	const pattern = /\b(a|an|A|An)\s+([A-Za-z][\w-]*)/g;
	for (const [, article, next] of text.matchAll(pattern)) {
		let vowelSound: boolean;
		if (/^[A-Z]{2,}s?$/.test(next)) vowelSound = VOWEL_LETTERS.has(next[0]);
		else if (/^(u[bcdfgklmnprstvz][aeiou]|uni|use|usu|ur[aeio]|one|once|eu)/i.test(next)) vowelSound = false;
		else if (/^(hour|honest|honou?r)/i.test(next)) vowelSound = true;
		else vowelSound = /^[aeiou]/i.test(next);
		const isAn = article.toLowerCase() === 'an';
		if (isAn !== vowelSound) problems.push(`"${article} ${next}"`);
	}
	return problems;
}

function titleCaseProblems(text: string): string[] {
	const list = words(text);
	const problems = list.filter((word, index) => /^[a-z]/.test(word) && !(index > 0 && SMALL.has(word))).map((word) => `"${word}" not capitalised`);
	if (list.length === 1 && /^[A-Za-z]$/.test(list[0])) problems.push('a single letter');
	if (/^(Payload|Phonenumber)$/.test(text)) problems.push('not a name a person chose');
	return problems;
}

function sentenceCaseProblems(text: string): string[] {
	const list = words(text);
	const problems: string[] = [];
	if (list.length && /^[a-z]/.test(list[0])) problems.push('does not start with a capital');
	for (const word of list.slice(1)) {
		if (/^[A-Z][a-z]/.test(word) && !PROPER.has(word)) problems.push(`"${word}" capitalised`);
	}
	return problems;
}

const PLURAL_ALLOWED = /(ss|us|is|Settings|Hours|News|Analytics)$/;
function singularProblems(name: string): string[] {
	const last = words(name).at(-1) ?? '';
	return /s$/.test(last) && !PLURAL_ALLOWED.test(last) && !PROPER.has(last) ? [`"${name}" is plural`] : [];
}

interface Finding {
	node: string;
	where: string;
	text: string;
	problem: string;
}

function lintDescription(description: INodeTypeDescription): Finding[] {
	const findings: Finding[] = [];
	const node = description.displayName;
	const report = (where: string, text: string, problems: string[]) => {
		for (const problem of problems) findings.push({ node, where, text, problem });
	};
	report('node name', node, rawProblems(node));
	const actions = new Map<string, string[]>();
	const optionName = (where: string, option: INodePropertyOptions) => {
		report(where, option.name, [...rawProblems(option.name), ...articleProblems(option.name)]);
		if (/^[a-z]/.test(option.name)) report(where, option.name, ['starts in lower case']);
	};
	const visit = (property: INodeProperties, path: string) => {
		const where = `${path}${property.displayName}`;
		report('field', property.displayName, [...rawProblems(property.displayName), ...titleCaseProblems(property.displayName), ...articleProblems(property.displayName)]);
		// A field of its own says whose ID it takes ("Conversation ID"); inside a "User" group "ID" is clear.
		if (path === '' && property.displayName === 'ID') report('field', property.displayName, ['does not say whose ID']);
		// A second "Operation" or "Resource" in the panel reads as the selector above it.
		if (/^(API|Resource|Operation)$/.test(property.displayName) && property.name !== property.displayName.toLowerCase()) {
			report('field', property.displayName, ['looks like the selector of the same name']);
		}
		const options = (property.options ?? []) as Array<INodePropertyOptions | INodeProperties | INodePropertyCollection>;
		if (property.type === 'options' || property.type === 'multiOptions') {
			for (const option of options as INodePropertyOptions[]) {
				if (property.name === 'resource') {
					report('resource', option.name, [...rawProblems(option.name), ...titleCaseProblems(option.name), ...singularProblems(option.name)]);
				} else if (property.name === 'operation') {
					const resource = String(property.displayOptions?.show?.resource?.[0] ?? '');
					report(`operation of ${resource}`, option.name, [...rawProblems(option.name), ...titleCaseProblems(option.name), ...articleProblems(option.name)]);
					if (option.action) {
						report(`action of ${resource}`, option.action, [...rawProblems(option.action), ...sentenceCaseProblems(option.action), ...articleProblems(option.action)]);
						actions.set(option.action, [...(actions.get(option.action) ?? []), `${resource}/${String(option.value)}`]);
					}
				} else optionName(`option of ${where}`, option);
			}
		}
		if (property.type === 'collection') for (const child of options as INodeProperties[]) visit(child, `${where} › `);
		if (property.type === 'fixedCollection') {
			for (const group of options as INodePropertyCollection[]) {
				report('field', group.displayName, [...rawProblems(group.displayName), ...titleCaseProblems(group.displayName)]);
				for (const child of group.values) visit(child, `${where} › `);
			}
		}
	};
	for (const property of description.properties) visit(property, '');
	for (const [action, operations] of actions) {
		if (operations.length > 1) findings.push({ node, where: 'action', text: action, problem: `shared by ${operations.join(', ')}` });
	}
	// n8n keeps a parameter's value when the user switches to another operation with a parameter of that name:
	// within a resource one field label has one parameter name, and one parameter name one meaning (its label,
	// whether typed or picked: "Inbox ID", "Inbox Name or ID").
	const meaning = (label: string) => label.replace(/ (Name or ID|Names or IDs|IDs|ID)$/, '').replace(/s$/, '');
	const namesOfLabel = new Map<string, Set<string>>();
	const labelsOfName = new Map<string, Set<string>>();
	for (const property of description.properties) {
		const resource = property.displayOptions?.show?.resource?.join(',');
		if (!resource || ['resource', 'operation', 'api'].includes(property.name)) continue;
		const add = (map: Map<string, Set<string>>, key: string, value: string) => map.set(key, (map.get(key) ?? new Set()).add(value));
		add(namesOfLabel, `${resource}\u0000${property.displayName}`, property.name);
		add(labelsOfName, `${resource}\u0000${property.name}`, meaning(property.displayName));
	}
	for (const [key, names] of namesOfLabel) {
		const [resource, label] = key.split('\u0000');
		if (names.size > 1) findings.push({ node, where: `fields of ${resource}`, text: label, problem: `one label under the names ${[...names].join(', ')}` });
	}
	for (const [key, labels] of labelsOfName) {
		const [resource, name] = key.split('\u0000');
		if (labels.size > 1) findings.push({ node, where: `fields of ${resource}`, text: name, problem: `one name for ${[...labels].join(', ')}` });
	}
	// The canvas subtitle names an operation by its value: one value, one name within a node.
	const nameOfValue = new Map<string, string>();
	for (const property of description.properties.filter((p) => p.name === 'operation')) {
		const names = new Map<string, string>();
		for (const option of (property.options ?? []) as INodePropertyOptions[]) {
			const other = names.get(option.name);
			if (other) findings.push({ node, where: 'operation', text: option.name, problem: `two operations of ${String(property.displayOptions?.show?.resource?.[0])} named so` });
			names.set(option.name, String(option.value));
			const named = nameOfValue.get(String(option.value));
			if (named !== undefined && named !== option.name) findings.push({ node, where: 'operation', text: option.name, problem: `value ${String(option.value)} is also named ${named}` });
			nameOfValue.set(String(option.value), option.name);
		}
	}
	return findings;
}

const format = (findings: Finding[]) => findings.map((f) => `${f.node} · ${f.where}: "${f.text}" — ${f.problem}`).join('\n');

for (const file of packageJson.n8n.nodes) {
	const description = descriptionOf(file);
	test(`${description.displayName}: every name a person reads is curated`, () => {
		const findings = lintDescription(description);
		assert.equal(findings.length, 0, `${String(findings.length)} naming problems:\n${format(findings)}`);
	});
	if (description.usableAsTool) {
		test(`${description.displayName} Tool: the tool variant's names are curated too`, async () => {
			const findings = lintDescription(await toolVariantOf(description));
			assert.equal(findings.length, 0, `${String(findings.length)} naming problems:\n${format(findings)}`);
		});
	}
}

/** A node's canvas subtitle as n8n's editor computes it, with the runtime's own expression engine. */
async function subtitleOf(file: string, parameters: Record<string, unknown>): Promise<unknown> {
	const { n8nWorkflowDir } = await ensureRuntime();
	const workflow = require(n8nWorkflowDir) as typeof import('n8n-workflow');
	const nodeType = new (Object.values(require(join(repoRoot, file)) as Record<string, new () => { description: INodeTypeDescription }>)[0])();
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as import('n8n-workflow').INodeTypes;
	const node = { id: '1', name: 'Node', type: nodeType.description.name, typeVersion: 1, position: [0, 0] as [number, number], parameters: parameters as import('n8n-workflow').INodeParameters };
	const instance = new workflow.Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return instance.expression.getSimpleParameterValue(node, nodeType.description.subtitle as string, 'internal', {});
}

test('canvas subtitles show names, not stored values', async () => {
	assert.equal(await subtitleOf('dist/nodes/WtsChat/WtsChat.node.js', { resource: 'contact', operation: 'create' }), 'Create: Contact');
	assert.equal(await subtitleOf('dist/nodes/WtsChat/WtsChat.node.js', { resource: 'message', operation: 'sendText' }), 'Send Text: Message');
	assert.equal(await subtitleOf('dist/nodes/Chatwoot/Chatwoot.node.js', { api: 'application', resource: 'conversation', operation: 'getAll' }), 'Get Many: Conversation');
	assert.equal(await subtitleOf('dist/nodes/ChatwootPlatform/ChatwootPlatform.node.js', { resource: 'platformUser', operation: 'getSsoLink' }), 'Get SSO Link: User');
	assert.equal(await subtitleOf('dist/nodes/WtsChatTrigger/WtsChatTrigger.node.js', { events: ['MESSAGE_RECEIVED', 'SESSION_NEW'] }), 'Message Received, New Session');
	assert.equal(await subtitleOf('dist/nodes/ChatwootTrigger/ChatwootTrigger.node.js', { events: ['message_created'] }), 'Message Created');
});

test('the lint finds what it is meant to find', () => {
	const sample: INodeTypeDescription = {
		displayName: 'Sample',
		name: 'sample',
		group: [],
		version: 1,
		description: '',
		defaults: {},
		inputs: [],
		outputs: [],
		properties: [
			{ displayName: 'Resource', name: 'resource', type: 'options', default: '', options: [{ name: 'Contacts', value: 'contacts' }] },
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				default: '',
				displayOptions: { show: { resource: ['contacts'] } },
				options: [
					{ name: 'Get an user details', value: 'a', action: 'Get an user details' },
					{ name: 'Status', value: 'b', action: 'Status of a message sent through /chat/v1/send/*' },
					{ name: 'Add Labels', value: 'c', action: 'Add Labels' },
					{ name: 'Add Labels', value: 'd', action: 'Add Labels' },
				],
			},
			{ displayName: 'Q', name: 'q', type: 'string', default: '' },
			{ displayName: 'Phonenumber', name: 'phonenumber', type: 'string', default: '' },
			{ displayName: 'Payload', name: 'payload', type: 'string', default: '' },
			{ displayName: 'ID', name: 'id', type: 'string', default: '' },
			{ displayName: 'inbox_id', name: 'inboxId', type: 'string', default: '' },
			{ displayName: 'Contact Id', name: 'contactId', type: 'string', default: '' },
			{ displayName: 'Mode', name: 'mode', type: 'options', default: '', options: [{ name: 'resolved', value: 'resolved' }, { name: 'INSERTIFNOTEXISTS', value: 'x' }, { name: 'InsertIfNotExists', value: 'y' }] },
			{ displayName: 'Operation', name: 'operationField', type: 'string', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['a'] } } },
			{ displayName: 'Contact ID', name: 'id', type: 'string', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['a'] } } },
			{ displayName: 'Contact ID', name: 'contactId', type: 'string', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['b'] } } },
			{ displayName: 'Company ID', name: 'id', type: 'string', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['c'] } } },
			{ displayName: 'Inbox ID', name: 'inboxId', type: 'string', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['c'] } } },
			{ displayName: 'Inbox Name or ID', name: 'inboxId', type: 'options', default: '', displayOptions: { show: { resource: ['contacts'], operation: ['d'] } } },
		],
	};
	const problems = lintDescription(sample).map((f) => `${f.text}: ${f.problem}`);
	for (const expected of [
		'Contacts: "Contacts" is plural',
		'Get an user details: "an user"',
		'Status of a message sent through /chat/v1/send/*: a path',
		'Add Labels: "Labels" capitalised',
		'Add Labels: shared by contacts/c, contacts/d',
		'Add Labels: two operations of contacts named so',
		'inbox_id: snake_case "inbox_id"',
		'Q: a single letter',
		'Payload: not a name a person chose',
		'Phonenumber: not a name a person chose',
		'ID: does not say whose ID',
		'Contact Id: "Id" instead of ID',
		'resolved: starts in lower case',
		'INSERTIFNOTEXISTS: a raw value "INSERTIFNOTEXISTS"',
		'InsertIfNotExists: joined words "InsertIfNotExists"',
		'Contact ID: one label under the names id, contactId',
		'id: one name for Contact, Company',
		'Operation: looks like the selector of the same name',
	]) {
		assert.ok(problems.includes(expected), `expected "${expected}" among:\n${problems.join('\n')}`);
	}
	// A picker and a typed field for the same thing share a name.
	assert.ok(!problems.some((p) => p.startsWith('inboxId')), problems.join('\n'));
});
