// Facts read in Chatwoot 4.16.2's source (commit 1e33bfd) that the merged contract must keep: answers shaped
// as Chatwoot's views render them fit the contract, wrong shapes do not, and parameters and paging follow the
// controllers. Each fact names the file and lines it comes from.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ContractOperation, SchemaObject } from '../../sandbox/core/openapi.mts';
import { ContractSchemas } from '../../sandbox/core/schema-validator.mts';
import { CHATWOOT_CONTRACT, CHATWOOT_OPERATIONS } from '../../sandbox/chatwoot/contract.mts';

const schemas = new ContractSchemas(CHATWOOT_CONTRACT);

function operation(id: string): ContractOperation {
	const found = CHATWOOT_OPERATIONS.find((op) => op.operationId === id);
	assert.ok(found, `no operation ${id}`);
	return found;
}

function answerSchema(op: ContractOperation, status = '200'): SchemaObject {
	const schema = op.responses[status]?.content['application/json'];
	assert.ok(schema, `${op.operationId}: no JSON answer for ${status}`);
	return schema;
}

const fits = (schema: SchemaObject, value: unknown) => schemas.validate(schema, value, 'response').length === 0;

function parameter(op: ContractOperation, name: string) {
	const found = op.parameters.find((p) => p.name === name);
	assert.ok(found, `${op.operationId}: no parameter ${name}`);
	return found;
}

function bodySchema(op: ContractOperation, mediaType = 'application/json'): SchemaObject {
	const schema = op.requestBody?.content[mediaType];
	assert.ok(schema, `${op.operationId}: no ${mediaType} body`);
	return schema;
}

const pagination = (op: ContractOperation) => op.raw['x-pagination'] as Record<string, unknown>;

const contact = { id: 7, name: 'Ana', email: 'ana@exemplo.com.br', phone_number: null, identifier: null, blocked: false, thumbnail: '', availability_status: 'offline', additional_attributes: {}, custom_attributes: {}, contact_inboxes: [] };

describe('the Chatwoot contract follows Chatwoot 4.16.2', () => {
	test('message create reads the boolean is_voice_message (message_builder.rb:16, 73-76)', () => {
		const form = bodySchema(operation('create-a-new-message-in-a-conversation'), 'multipart/form-data');
		assert.equal((form.properties?.is_voice_message as SchemaObject | undefined)?.type, 'boolean');
		assert.equal(form.properties?.is_recorded_audio, undefined);
	});

	test('contact create answers {payload: {contact, contact_inbox}} and needs no inbox (contacts/create.json.jbuilder; contacts_controller.rb:162-171)', () => {
		const op = operation('contactCreate');
		const schema = answerSchema(op);
		assert.ok(fits(schema, { payload: { contact, contact_inbox: { inbox: { id: 2, name: 'API' }, source_id: 'abc' } } }));
		assert.ok(fits(schema, { payload: { contact, contact_inbox: { inbox: null, source_id: null } } }));
		assert.ok(!fits(schema, { payload: [contact] }), 'the official list shape must not fit');
		assert.ok(!(bodySchema(op).required ?? []).includes('inbox_id'));
		assert.ok(bodySchema(op).properties?.source_id);
	});

	test('contact update answers 200 {payload: contact} (contacts/update.json.jbuilder)', () => {
		const op = operation('contactUpdate');
		assert.equal(op.responses['204'], undefined);
		assert.ok(fits(answerSchema(op), { payload: contact }));
		assert.ok(!fits(answerSchema(op), { payload: [contact] }));
	});

	test('conversation filter answers {meta, payload} without data, 25 per page (conversations/filter.json.jbuilder; filter_service.rb:49-51)', () => {
		const op = operation('conversationFilter');
		assert.ok(fits(answerSchema(op), { meta: { mine_count: 0, unassigned_count: 1, all_count: 1 }, payload: [] }));
		assert.ok(!fits(answerSchema(op), { data: { meta: { all_count: 0 }, payload: [] } }));
		assert.deepEqual(
			{ itemsPath: pagination(op).itemsPath, totalPath: pagination(op).totalPath, pageSize: pagination(op).pageSize },
			{ itemsPath: 'payload', totalPath: 'meta.all_count', pageSize: 25 },
		);
	});

	test('contact search pages on meta.has_more, requires q (contacts_controller.rb:24-32, 144-160; contacts/search.json.jbuilder)', () => {
		const op = operation('contactSearch');
		assert.equal(pagination(op).hasMorePath, 'meta.has_more');
		assert.equal(pagination(op).totalPath, undefined, 'meta.count is the size of a page, not a total');
		assert.equal(pagination(op).pageSize, 15);
		assert.equal(parameter(op, 'q').required, true);
		assert.ok(fits(answerSchema(op), { meta: { count: 15, current_page: '1', has_more: true }, payload: [contact] }));
	});

	test('a platform user needs name and email, a canned response content and short_code (user.rb:78-79; canned_response.rb:14-15)', () => {
		for (const [id, fields] of [['create-a-user', ['name', 'email']], ['add-new-canned-response-to-account', ['content', 'short_code']]] as const) {
			const body = bodySchema(operation(id));
			assert.deepEqual([...(body.required ?? [])].sort(), [...fields].sort(), id);
			assert.ok(operation(id).responses['422'], `${id}: the model's 422`);
		}
	});

	test('company contacts and their search page by 15 (companies/contacts_controller.rb:2, 50-55)', () => {
		for (const id of ['list-company-contacts', 'search-company-contacts']) assert.equal(pagination(operation(id)).pageSize, 15, id);
	});

	test('the Captain agent session is read by message id (captain/agent_sessions_controller.rb:18-20)', () => {
		const op = operation('get-details-of-a-captain-agent-session');
		assert.equal(parameter(op, 'id').schema.type, 'integer');
		assert.ok(fits(answerSchema(op), { id: 1, message_id: 9, llm_model: 'gpt-4.1', credits_consumed: 1, run_context: [], citations: [{ id: 3, title: 'FAQ', link: null }], scenarios: [] }));
	});

	test('the inbox conference needs call_sid and conversation_id and answers JSON (conference_controller.rb:13-60)', () => {
		const join = operation('join-inbox-conference');
		assert.deepEqual([...(bodySchema(join).required ?? [])].sort(), ['call_sid', 'conversation_id']);
		assert.ok(fits(answerSchema(join), { status: 'success', id: 12, conference_sid: 'conf_1', using_webrtc: true }));
		const leave = operation('leave-inbox-conference');
		assert.equal(parameter(leave, 'call_sid').required, true);
		assert.equal(parameter(leave, 'conversation_id').required, true);
		assert.ok(fits(answerSchema(leave), { status: 'success', id: 12 }));
	});

	test('onboarding requires onboarding_step, account_details or inbox_setup (onboardings_controller.rb:4-10)', () => {
		const body = bodySchema(operation('update-account-onboarding'));
		assert.deepEqual(body.required, ['onboarding_step']);
		assert.deepEqual((body.properties?.onboarding_step as SchemaObject).enum, ['account_details', 'inbox_setup']);
	});

	test('v2 conversation metrics take page for type=agent (reports_controller.rb:159-165; report_builder.rb:114-115)', () => {
		assert.equal(parameter(operation('get-account-conversation-metrics'), 'page').schema.type, 'integer');
	});

	test('Captain preferences answer {providers, models, features} (captain/preferences_controller.rb:19-25)', () => {
		for (const id of ['get-captain-preferences', 'update-captain-preferences']) {
			const schema = answerSchema(operation(id));
			assert.ok(fits(schema, { providers: {}, models: {}, features: { editor: { models: [], default: 'gpt-4.1-mini', enabled: true, model: 'gpt-4.1-mini', selected: 'gpt-4.1-mini', provider: 'openai', source: 'default' } } }), id);
			assert.ok(!fits(schema, { captain_features: {}, captain_models: {} }), id);
		}
	});

	test('custom attribute attribute_values are arrays of scalars (custom_attribute_definitions_controller.rb:36-47)', () => {
		const definition = { id: 1, attribute_display_name: 'Plano', attribute_display_type: 'list', attribute_key: 'plano', attribute_model: 'contact_attribute', attribute_values: ['ouro', 'prata'] };
		for (const id of ['add-new-custom-attribute-to-account', 'get-details-of-a-single-custom-attribute', 'update-custom-attribute-in-account']) {
			assert.ok(fits(answerSchema(operation(id)), definition), id);
			assert.ok(!fits(answerSchema(operation(id)), { ...definition, attribute_values: 'ouro,prata' }), id);
		}
		assert.ok(fits(answerSchema(operation('get-account-custom-attribute')), [definition]));
	});

	test('optional filters the controllers read are declared (applied_slas_controller.rb:54-61; csat_survey_responses_controller.rb:36-43; call_finder.rb:41-62; search_service.rb:113-158)', () => {
		for (const id of ['list-all-applied-slas', 'download-applied-slas', 'get-applied-sla-metrics', 'list-all-csat-survey-responses', 'download-csat-survey-responses', 'get-csat-survey-metrics', 'list-all-calls', 'search-messages']) {
			for (const name of ['since', 'until']) parameter(operation(id), name);
		}
		for (const name of ['status', 'direction', 'inbox_id', 'agent_id']) parameter(operation('list-all-calls'), name);
		for (const name of ['from', 'inbox_id']) parameter(operation('search-messages'), name);
	});
});
