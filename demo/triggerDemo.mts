/**
 * The trigger demo: an active workflow whose WTS Chat Trigger receives the sandbox's incoming messages and
 * answers each one in its session with the WTS Chat node. `npm start` runs it once and prints the exchange;
 * the workflow stays active in the editor afterwards, and the end-to-end tests reuse its pieces.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import type { WtsSandbox } from '../sandbox/wts/server.mts';
import { customNodeType, workflow, type N8nInstance, type NodeSpec, type Workflow } from '../test/harness/n8n.mts';
import { WTS_CREDENTIAL_ID, wtsNode } from './wtsDemo.mts';

/** Fixed, so the trigger's URL is the same on every run: `<n8n>/webhook/<id>/webhook`. */
export const WTS_TRIGGER_WEBHOOK_ID = '6f1f3c52-8d0e-4b7a-9a51-2f6c3f0d7e10';

/** A WTS Chat Trigger node with the sandbox credential. */
export function wtsTriggerNode(name: string, parameters: Record<string, unknown>, webhookId: string = randomUUID()): NodeSpec {
	return {
		name,
		type: customNodeType('wtsChatTrigger'),
		typeVersion: 1,
		webhookId,
		parameters,
		credentials: { wtsChatApi: { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)' } },
	};
}

/** The reply the demo workflow sends for an incoming text. */
export const replyTo = (text: string) => `Recebemos: "${text}". Um atendente já vai falar com você.`;

/** New message -> reply in the same session. Replies go out through the API and are not picked up again. */
export function autoReplyWorkflow(): Workflow {
	return workflow({
		name: 'WTS demo: answer incoming messages',
		nodes: [
			wtsTriggerNode('New Message', { events: ['MESSAGE_RECEIVED'], filters: { ignoreApiMessages: true }, options: {} }, WTS_TRIGGER_WEBHOOK_ID),
			wtsNode('Reply', {
				resource: 'session',
				operation: 'sendMessage',
				sessionId: '={{ $json.content.sessionId }}',
				additionalFields: { text: `=${replyTo('{{ $json.content.text }}')}` },
			}),
		],
	});
}

/** A message DTO as WTS delivers it for a contact's message in `sessionId`. */
export function incomingMessage(sessionId: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const now = new Date().toISOString();
	return {
		id: randomUUID(),
		createdAt: now,
		updatedAt: now,
		type: 'TEXT',
		sessionId,
		direction: 'TO_HUB',
		status: 'DELIVERED',
		origin: 'DEFAULT',
		text,
		userId: null,
		senderId: null,
		active: true,
		...extra,
	};
}

export interface TriggerDemoResult {
	incoming: string;
	/** The text the workflow sent back, or undefined when no reply came in time. */
	reply?: string;
	/** From emitting the message to the sandbox receiving the reply. */
	elapsedMs: number;
}

/**
 * Imports and activates the auto-reply workflow (n8n must be started, with an owner and the WTS credential),
 * makes the sandbox deliver an incoming message to it and waits for the reply in the session.
 */
export async function runTriggerDemo(n8n: N8nInstance, wts: WtsSandbox, { timeoutMs = 20_000 } = {}): Promise<TriggerDemoResult> {
	const demo = autoReplyWorkflow();
	await n8n.importWorkflows([demo]);
	await n8n.activateWorkflow(demo.id);
	const sessionId = wts.seed.sessions[0].id;
	const incoming = 'Oi! Meu pedido ainda não chegou.';
	const started = Date.now();
	await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(sessionId, incoming));
	const expected = replyTo(incoming);
	while (Date.now() - started < timeoutMs) {
		const reply = wts.recorder
			.requests({ method: 'POST', path: `/chat/v1/session/${sessionId}/message` })
			.find((request) => request.body.kind === 'json' && (request.body.value as { text?: unknown }).text === expected);
		if (reply) return { incoming, reply: expected, elapsedMs: Date.now() - started };
		await sleep(100);
	}
	return { incoming, elapsedMs: Date.now() - started };
}
