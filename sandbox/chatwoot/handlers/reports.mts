// Reports computed from the store: the CSV downloads (text/csv, like Chatwoot's report controllers)
// and the conversation metrics/summary JSON. Other report endpoints are answered generically.
import type { OperationRequest } from '../../core/http-server.mts';
import {
	ok,
	queryInt,
	queryText,
	type ChatwootContext,
	type ChatwootHandlers,
	type ChatwootResponse,
} from '../handler-kit.mts';
import { MESSAGE_TYPES, type ConversationRecord } from '../records.mts';

function csvCell(value: unknown): string {
	const text = String(value ?? '');
	return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: string[], rows: unknown[][]): ChatwootResponse {
	return {
		status: 200,
		contentType: 'text/csv; charset=utf-8',
		text: [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n',
	};
}

/** `since`/`until` (unix seconds) as an epoch-ms window; open ends when absent. */
function window(request: OperationRequest): { from: number; to: number } {
	const since = Number(queryText(request, 'since'));
	const until = Number(queryText(request, 'until'));
	return {
		from: Number.isFinite(since) ? since * 1000 : -Infinity,
		to: Number.isFinite(until) ? until * 1000 : Infinity,
	};
}

function conversationsIn(
	context: ChatwootContext,
	request: OperationRequest,
): ConversationRecord[] {
	const { from, to } = window(request);
	return context.state
		.conversationsOf(context.accountId)
		.filter((c) => c.created_at >= from && c.created_at <= to);
}

/** Rows of "name, conversations, resolved" grouped by `keyOf` over `groups`. */
function groupRows(
	conversations: ConversationRecord[],
	groups: Array<{ key: number | string; name: string }>,
	keyOf: (c: ConversationRecord) => Array<number | string>,
): unknown[][] {
	return groups.map(({ key, name }) => {
		const mine = conversations.filter((c) => keyOf(c).includes(key));
		return [name, mine.length, mine.filter((c) => c.status === 'resolved').length, '', ''];
	});
}

const GROUP_HEADER = [
	'Name',
	'Conversations count',
	'Resolved conversations count',
	'Avg first response time (Minutes)',
	'Avg resolution time (Minutes)',
];

function summary(context: ChatwootContext, conversations: ConversationRecord[]) {
	let incoming = 0;
	let outgoing = 0;
	for (const conversation of conversations) {
		for (const message of context.state.messagesOf(conversation.id)) {
			if (message.message_type === MESSAGE_TYPES.incoming) incoming++;
			else if (message.message_type === MESSAGE_TYPES.outgoing) outgoing++;
		}
	}
	return {
		avg_first_response_time: '0',
		avg_resolution_time: '0',
		conversations_count: conversations.length,
		incoming_messages_count: incoming,
		outgoing_messages_count: outgoing,
		resolutions_count: conversations.filter((c) => c.status === 'resolved').length,
	};
}

export const reportHandlers: ChatwootHandlers = {
	'download-agents-report': (request, context) => {
		const agents = context.state
			.agentsOf(context.accountId)
			.map(({ user }) => ({ key: user.id, name: user.name }));
		return csv(
			GROUP_HEADER,
			groupRows(conversationsIn(context, request), agents, (c) =>
				c.assignee_id === null ? [] : [c.assignee_id],
			),
		);
	},

	'download-inboxes-report': (request, context) => {
		const inboxes = context.state
			.inboxesOf(context.accountId)
			.map((inbox) => ({ key: inbox.id, name: inbox.name }));
		return csv(
			GROUP_HEADER,
			groupRows(conversationsIn(context, request), inboxes, (c) => [c.inbox_id]),
		);
	},

	'download-teams-report': (request, context) => {
		const teams = context.state
			.teamsOf(context.accountId)
			.map((team) => ({ key: team.id, name: team.name }));
		return csv(
			GROUP_HEADER,
			groupRows(conversationsIn(context, request), teams, (c) =>
				c.team_id === null ? [] : [c.team_id],
			),
		);
	},

	'download-labels-report': (request, context) => {
		const labels = [...context.state.labels.values()]
			.filter((l) => l.account_id === context.accountId)
			.map((l) => ({ key: l.title, name: l.title }));
		return csv(
			GROUP_HEADER,
			groupRows(conversationsIn(context, request), labels, (c) => [...c.labels]),
		);
	},

	'download-conversation-traffic-report': (request, context) => {
		// Conversations started per weekday (rows) and hour (columns), as Chatwoot's heatmap CSV.
		const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
		const offsetMs = (queryInt(request, 'timezone_offset') ?? 0) * 3_600_000;
		for (const c of conversationsIn(context, request)) {
			const local = new Date(c.created_at + offsetMs);
			grid[local.getUTCDay()][local.getUTCHours()]++;
		}
		const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
		return csv(
			[
				'Start of the hour',
				...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`),
			],
			grid.map((hours, day) => [days[day], ...hours]),
		);
	},

	'download-conversations-summary-report': (request, context) => {
		const totals = summary(context, conversationsIn(context, request));
		return csv(Object.keys(totals), [Object.values(totals)]);
	},

	'download-csat-survey-responses': () =>
		csv(
			['Agent name', 'Rating', 'Feedback', 'Contact name', 'Conversation link', 'Answered on'],
			[],
		),

	'download-applied-slas': () =>
		csv(['Conversation', 'SLA policy', 'Assignee', 'Status', 'Breached events'], []),

	'list-all-conversation-statistics-summary': (request, context) => {
		const current = conversationsIn(context, request);
		const { from, to } = window(request);
		const span = Number.isFinite(from) && Number.isFinite(to) ? to - from : 0;
		const previous =
			span > 0
				? context.state
						.conversationsOf(context.accountId)
						.filter((c) => c.created_at >= from - span && c.created_at < from)
				: [];
		return ok({ ...summary(context, current), previous: summary(context, previous) });
	},

	'get-account-conversation-metrics': (request, context) => {
		const open = context.state
			.conversationsOf(context.accountId)
			.filter((c) => c.status === 'open');
		const metric = (list: ConversationRecord[]) => ({
			open: list.length,
			unattended: list.filter((c) => c.first_reply_created_at === null).length,
		});
		if (queryText(request, 'type') === 'agent') {
			const userId = queryInt(request, 'user_id');
			const agents = context.state
				.agentsOf(context.accountId)
				.filter(({ user }) => userId === undefined || user.id === userId);
			return ok(
				agents.map(({ user, member }) => ({
					id: user.id,
					name: user.name,
					email: user.email,
					thumbnail: '',
					availability: member.availability,
					metric: metric(open.filter((c) => c.assignee_id === user.id)),
				})),
			);
		}
		return ok({ ...metric(open), unassigned: open.filter((c) => c.assignee_id === null).length });
	},
};
