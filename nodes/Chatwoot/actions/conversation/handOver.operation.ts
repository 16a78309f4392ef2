import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { fieldError, textValue } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import { pathTo, type ApiClient } from '../../../shared/transport/apiClient';
import { accountOf } from '../../account';
import { conversationIdProperty } from '../conversationIdProperty';
import { conversationIdOf, conversationKey } from '../message/messageRequest';

/**
 * Hands a conversation an agent bot (or a workflow) was answering over to the humans, with the contract's own
 * calls: an optional private note for them, the status to open (conversations of a bot inbox wait as pending),
 * and an optional team and agent. Opening comes before the assignment: Chatwoot assigns a conversation that an
 * agent's token opens to that agent (conversations_controller.rb handle_human_open), and the chosen agent wins.
 */

const CONVERSATION = '/api/v1/accounts/{account_id}/conversations/{conversation_id}';

export const description: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Private Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Note for the agents, not shown to the contact, e.g. what the customer needs. Leave empty for none.',
	},
	{
		displayName: 'Assign To',
		name: 'assignTo',
		type: 'collection',
		placeholder: 'Add Team or Agent',
		default: {},
		options: [
			{
				displayName: 'Agent Name or ID',
				name: 'assigneeId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getAgents' },
				default: '',
				description:
					'Agent who takes the conversation over. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Team Name or ID',
				name: 'teamId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getTeams' },
				default: '',
				description:
					'Team whose agents see the conversation. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		],
	},
];

/** A whole positive number from a field, or undefined when it is empty. */
function optionalId(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): number | undefined {
	const text = textValue(ctx, itemIndex, label, value ?? '').trim();
	if (!text) return undefined;
	if (!/^\d+$/.test(text) || Number(text) === 0) throw fieldError(ctx, itemIndex, `${label} must be a number`, `Got "${text}".`);
	return Number(text);
}

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const conversationId = conversationIdOf(this, itemIndex);
	const note = textValue(this, itemIndex, 'Private Note', this.getNodeParameter('note', itemIndex, '')).trim();
	const assignTo = this.getNodeParameter('assignTo', itemIndex, {}) as IDataObject;
	const teamId = optionalId(this, itemIndex, 'Team', assignTo.teamId);
	const assigneeId = optionalId(this, itemIndex, 'Agent', assignTo.assigneeId);
	const conversation = pathTo(CONVERSATION, { account_id: await accountOf(this, itemIndex, client), conversation_id: conversationId });
	return {
		orderKey: conversationKey(conversationId),
		send: async () => {
			if (note) await client.request({ method: 'POST', path: `${conversation}/messages`, body: { content: note, message_type: 'outgoing', private: true }, itemIndex });
			await client.request({ method: 'POST', path: `${conversation}/toggle_status`, body: { status: 'open' }, itemIndex });
			if (teamId !== undefined) await client.request({ method: 'POST', path: `${conversation}/assignments`, body: { team_id: teamId }, itemIndex });
			if (assigneeId !== undefined) await client.request({ method: 'POST', path: `${conversation}/assignments`, body: { assignee_id: assigneeId }, itemIndex });
			return toItems(await client.request({ method: 'GET', path: conversation, itemIndex }));
		},
	};
}

export const handOverConversation: HandMadeOperation = {
	resource: 'conversation',
	api: 'application',
	value: 'handOver',
	name: 'Hand Over to a Human',
	action: 'Hand a conversation over to a human agent',
	replaces: [],
	answersLike: 'get-details-of-a-conversation',
	description,
	prepare,
};
