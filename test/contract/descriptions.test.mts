/**
 * What a person reads under a field, on every built node (inside collections and fixed collections, and the
 * descriptions of options), on the tool variant n8n derives from each node usable as a tool, and on every
 * credential: nothing the generator copied from a contract uncurated (test/contract/descriptionLint.mts says
 * what that is). A finding is fixed in the platform's naming table (specs/<platform>/naming.mts) or by the
 * rules of scripts/generate/naming.mts, or in the hand-written node code, never in generated output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { INodeTypeDescription } from 'n8n-workflow';

import { credentialOf, descriptionOf, packageJson, toolVariantOf } from './builtNodes.mts';
import { descriptionProblems, lintDescriptions, type DescriptionFinding } from './descriptionLint.mts';

const format = (findings: DescriptionFinding[]) => findings.map((f) => `${f.node} · ${f.where}: "${f.text}" — ${f.problem}`).join('\n');

for (const file of packageJson.n8n.nodes) {
	const description = descriptionOf(file);
	test(`${description.displayName}: every description reads as curated`, () => {
		const findings = lintDescriptions(description);
		assert.equal(findings.length, 0, `${String(findings.length)} description problems:\n${format(findings)}`);
	});
	if (description.usableAsTool) {
		test(`${description.displayName} Tool: the tool variant's descriptions too`, async () => {
			const findings = lintDescriptions(await toolVariantOf(description));
			assert.equal(findings.length, 0, `${String(findings.length)} description problems:\n${format(findings)}`);
		});
	}
}

test('every credential field description reads as curated', () => {
	const findings = packageJson.n8n.credentials.flatMap((file) => {
		const credential = credentialOf(file);
		return lintDescriptions({ displayName: credential.displayName, properties: credential.properties } as INodeTypeDescription);
	});
	assert.equal(findings.length, 0, `${String(findings.length)} description problems:\n${format(findings)}`);
});

test('the description lint finds what it is meant to find', () => {
	const cases: Array<[text: string, label: string, type: string | undefined, expected: string]> = [
		['Email of the user; an existing user with this email is returned instead of a…', 'Email', 'string', 'cut short'],
		['Options (unlike /chat/v1/message/send)', 'Options', 'json', 'a path'],
		['Send the form data or use the avatar_url', 'Avatar', 'string', 'wire key "avatar_url"'],
		['Ignored when tagIds is given', 'Tag Names', 'string', 'wire key "tagIds"'],
		['Lower bound for CreatedAt (UTC)', 'Created At After', 'dateTime', 'wire key "CreatedAt"'],
		['Required when sessionResolution=TRANSFER', 'Transfer User ID', 'string', 'wire key "sessionResolution"'],
		['Default ACTIVE', 'Status', 'string', 'raw value "ACTIVE"'],
		['Inbox in which it is created <br/> Allowed types: Website', 'Inbox ID', 'number', 'HTML'],
		['Locale, e.g. `en`', 'Locale', 'string', 'Markdown'],
		[' Name of the inbox', 'Name', 'string', 'leading or trailing whitespace'],
		['Name of  the inbox', 'Name', 'string', 'inner whitespace'],
		['name of the contact', 'Name', 'string', 'starts in lower case'],
		['Conversation display id', 'Conversation ID', 'number', '"id" instead of ID'],
		['The url to a PNG file', 'Avatar URL', 'string', '"url" instead of URL'],
		['Team ID for assigning a conversation to a team\\', 'Team ID', 'number', 'a backslash'],
		['Agent IDs (Rails array parameter)', 'User IDs', 'string', "a developer's note"],
		['Session id.', 'Session ID', 'string', 'repeats the label'],
		['The ID of the agentbot to be updated', 'Agent Bot ID', 'number', 'repeats the label'],
		['Timezone of the inbox.', 'Timezone', 'string', 'a single sentence ending with a period'],
		['Kind of file. Images are transcoded', 'Type', 'string', 'several sentences without a final period'],
		['Deleted after a day. Deleted after a day.', 'Retention', 'string', 'says "Deleted after a day." twice'],
		['Enable working hours', 'Working Hours Enabled', 'boolean', 'a boolean not starting with "Whether"'],
	];
	for (const [text, label, type, expected] of cases) {
		assert.ok(descriptionProblems(text, label, type).includes(expected), `"${text}": expected ${expected}, found ${descriptionProblems(text, label, type).join('; ')}`);
	}
	// What n8n's own nodes write passes: the picker sentence and its link, values in quotes, product names.
	for (const [text, label, type] of [
		['Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>', 'Inbox Name or ID', 'options'],
		['Approved templates of the channel. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.', 'Template', 'options'],
		["Sort order, e.g. 'last_activity_at_desc' or 'created_at_asc'", 'Sort By', 'string'],
		["The installation's limit per client address ('RACK_ATTACK_LIMIT')", 'Requests per Minute', 'number'],
		['Whether to send a WhatsApp template when the 24-hour window is closed', 'Use Template', 'boolean'],
		['Phone number as +DDI|number, e.g. +55|11999999999', 'Phone Number', 'string'],
	]) {
		assert.deepEqual(descriptionProblems(text, label, type), [], text);
	}
});
