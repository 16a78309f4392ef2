/**
 * Chatwoot message create in bulk, without a limit and behind one that answers 429 + Retry-After: our
 * Chatwoot node, the devlikeapro community node and the HTTP Request node.
 *
 * The devlikeapro node runs in an n8n instance of its own: both packages define a credential type named
 * `chatwootApi`, and one n8n cannot hold two types of one name.
 */
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startChatwootSandbox, type ChatwootRateLimits, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { installCommunityPackage, N8nInstance, type Credential } from '../../test/harness/n8n.mts';
import {
	ALTERNATIVE,
	bulkWorkflow,
	chatwootCredential,
	credentialId,
	describeBatching,
	devlikeaproCreateMessage,
	DEVLIKEAPRO_PACKAGE,
	headerAuthCredential,
	httpChatwootCreateMessage,
	ourChatwootCreateMessage,
	type AlternativeId,
	type Batching,
} from '../alternatives.mts';
import { runBulk, type BulkMeasure, type BulkSubject } from '../bulkRun.mts';
import { jsonBodyOf, planItems, type PlannedItem } from '../deliveries.mts';
import { describeLimits, floorMs, type WindowLimit } from '../rateLimitFloor.mts';
import { ratio, seconds, type Ratio, type ScenarioResult } from '../report.mts';

const CONVERSATIONS = 50;

interface Condition {
	label: string;
	limit?: WindowLimit;
}

const CONDITIONS: Condition[] = [{ label: 'no limit' }, { label: '50 per second', limit: { limit: 50, windowMs: 1_000 } }];

interface Planned {
	condition: Condition;
	alternative: AlternativeId;
	sandbox: ChatwootSandbox;
	plan: PlannedItem[];
	credentials: Credential[];
	subject: BulkSubject;
}

interface ConditionResult {
	condition: string;
	limit?: WindowLimit;
	floorMs?: number;
	measures: BulkMeasure[];
}

const contentOf = (request: RecordedRequest): string | undefined => {
	const content = jsonBodyOf(request)?.content;
	return typeof content === 'string' ? content : undefined;
};

function sandboxLimits(condition: Condition): ChatwootRateLimits {
	return condition.limit ? { general: condition.limit.limit } : 'off';
}

async function planRun(condition: Condition, alternative: AlternativeId, items: number): Promise<Planned> {
	const sandbox = await startChatwootSandbox({ rateLimits: sandboxLimits(condition) });
	const { firstDisplayId } = sandbox.state.seedConversations(CONVERSATIONS);
	const conversationIds = Array.from({ length: CONVERSATIONS }, (_, index) => String(firstDisplayId + index));
	const label = `${alternative}${condition.limit ? 'Limited' : 'Free'}`;
	const plan = planItems(items, conversationIds, `chatwoot-${label}`);
	const jsonItems = plan.map((item) => ({ conversationId: item.conversation, content: item.marker }));
	// With a limit, the batching a careful user sets is the limit itself.
	const batching: Batching | undefined = condition.limit
		? { batchSize: condition.limit.limit, batchIntervalMs: condition.limit.windowMs }
		: undefined;
	const name = `Bench: Chatwoot messages, ${condition.label} (${alternative})`;
	const account = sandbox.accountId;
	if (alternative === 'http') {
		const credential = headerAuthCredential(credentialId(), 'api_access_token', sandbox.userToken);
		return {
			condition,
			alternative,
			sandbox,
			plan,
			credentials: [credential],
			subject: {
				alternative: ALTERNATIVE.http,
				settings: describeBatching(batching),
				workflow: bulkWorkflow(name, jsonItems, httpChatwootCreateMessage(sandbox.url, credential, account, batching)),
			},
		};
	}
	const credential = chatwootCredential(credentialId(), sandbox.url, sandbox.userToken, account);
	const target =
		alternative === 'ours' ? ourChatwootCreateMessage(credential) : devlikeaproCreateMessage(credential, account, batching);
	return {
		condition,
		alternative,
		sandbox,
		plan,
		credentials: [credential],
		subject: {
			alternative: ALTERNATIVE[alternative],
			settings: alternative === 'ours' ? 'Message › Create, default options' : describeBatching(batching),
			workflow: bulkWorkflow(name, jsonItems, target),
		},
	};
}

/** One n8n instance runs the given planned workflows one after another. */
async function runIn(n8n: N8nInstance, runs: Planned[]): Promise<Map<Planned, BulkMeasure>> {
	await n8n.importCredentials(runs.flatMap((run) => run.credentials));
	await n8n.importWorkflows(runs.map((run) => run.subject.workflow));
	const measures = new Map<Planned, BulkMeasure>();
	for (const run of runs) {
		const messages = () => run.sandbox.recorder.requests({ method: 'POST', path: /\/conversations\/\d+\/messages$/ });
		measures.set(run, await runBulk(n8n, run.subject, run.plan, messages, contentOf));
	}
	return measures;
}

export async function chatwootMessages({ items, extension }: { items: number; extension: string }): Promise<ScenarioResult> {
	const runs: Planned[] = [];
	const instances: N8nInstance[] = [];
	try {
		for (const condition of CONDITIONS) {
			for (const alternative of ['ours', 'devlikeapro', 'http'] as const) runs.push(await planRun(condition, alternative, items));
		}
		const ours = await N8nInstance.create({ extensions: [extension] });
		instances.push(ours);
		const community = await installCommunityPackage(DEVLIKEAPRO_PACKAGE.name, DEVLIKEAPRO_PACKAGE.version);
		const devlikeapro = await N8nInstance.create({ communityPackages: [community] });
		instances.push(devlikeapro);
		const measures = new Map([
			...(await runIn(ours, runs.filter((run) => run.alternative !== 'devlikeapro'))),
			...(await runIn(devlikeapro, runs.filter((run) => run.alternative === 'devlikeapro'))),
		]);
		const results: ConditionResult[] = CONDITIONS.map((condition) => ({
			condition: condition.label,
			...(condition.limit ? { limit: condition.limit, floorMs: floorMs(items, [condition.limit]) } : {}),
			measures: runs.filter((run) => run.condition === condition).map((run) => measures.get(run) as BulkMeasure),
		}));
		return report(items, results);
	} finally {
		await Promise.all(instances.map((instance) => instance.dispose()));
		await Promise.all(runs.map((run) => run.sandbox.close()));
	}
}

function report(items: number, results: ConditionResult[]): ScenarioResult {
	const ratios: Ratio[] = results.flatMap(({ condition, measures, floorMs: floor }) => {
		const [ours, ...others] = measures;
		return [
			...others.map((other) => ({
				scenario: `Chatwoot create, ${condition}`,
				label: `${ours.alternative} ÷ ${other.alternative}`,
				value: ours.nodeMs / other.nodeMs,
			})),
			...(floor
				? measures.map((m) => ({ scenario: `Chatwoot create, ${condition}`, label: `${m.alternative}: time ÷ limit floor`, value: m.nodeMs / floor }))
				: []),
		];
	});
	return {
		id: 'chatwoot-messages',
		title: `2. Chatwoot message create, ${items.toLocaleString('en')} items`,
		setup: [
			`POST /api/v1/accounts/1/conversations/{id}/messages over ${CONVERSATIONS} conversations, ${items / CONVERSATIONS} messages each, every content unique.`,
			`Without a limit, and with the sandbox answering 429 + Retry-After beyond ${describeLimits(results.flatMap((r) => (r.limit ? [r.limit] : [])))} (a fresh sandbox per run).`,
			'With the limit, the other nodes get the batching a careful user would set (the limit itself) and Retry On Fail; ours keeps its defaults.',
			`${DEVLIKEAPRO_PACKAGE.name} ${DEVLIKEAPRO_PACKAGE.version} runs in its own n8n instance (both packages name a credential type \`chatwootApi\`).`,
		],
		columns: ['Limit', 'Alternative', 'Settings', 'Node time', 'Ours ÷ this', '÷ floor', '429s', 'Lost', 'Duplicated', 'Order violations', 'Run'],
		rows: results.flatMap(({ condition, measures, floorMs: floor }) =>
			measures.map((m) => [
				condition,
				m.alternative,
				m.settings,
				seconds(m.nodeMs),
				ratio(measures[0].nodeMs / m.nodeMs),
				floor ? ratio(m.nodeMs / floor) : '',
				String(m.delivery.rateLimited),
				String(m.delivery.lost),
				String(m.delivery.duplicated),
				String(m.delivery.orderViolations),
				m.failed ? `failed: ${m.error ?? ''}` : 'succeeded',
			]),
		),
		ratios,
		notes: [
			'The floor with the limit is the earliest the last request may be sent: (ceil(items ÷ 50) − 1) × 1 s.',
			'Lost, duplicated and order violations are counted by the sandbox (each unique content taken exactly once, in input order within its conversation).',
		],
		data: { results },
	};
}
