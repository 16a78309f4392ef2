/**
 * Chatwoot message create in bulk, without a limit and behind Chatwoot's own throttle as rack-attack runs it
 * (its general limit set low, fixed one-minute windows of Unix time, 429 without Retry-After): our Chatwoot
 * node, the devlikeapro community node and the HTTP Request node.
 *
 * The devlikeapro node runs in an n8n instance of its own: both packages define a credential type named
 * `chatwootApi`, and one n8n cannot hold two types of one name.
 */
import { jsonBodyOf, type RecordedRequest } from '../../sandbox/core/recorder.mts';
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
import { planItems, type PlannedItem } from '../deliveries.mts';
import { describeLimits, fixedWindowFloorMs, type WindowLimit } from '../rateLimitFloor.mts';
import { ratio, seconds, type Ratio, type ScenarioResult } from '../report.mts';

const CONVERSATIONS = 50;

interface Condition {
	label: string;
	/** rack-attack's general limit (`RACK_ATTACK_LIMIT`) per one-minute window. */
	limit?: WindowLimit;
}

/** A run still going after this long is stopped and reported unfinished (a node re-sending every item on a 429). */
const RUN_TIMEOUT_MS = 6 * 60_000;

/** Low enough that 1,000 items need three windows: the limit decides the time, not the node. */
const RACK_ATTACK_LIMIT = 400;

const CONDITIONS: Condition[] = [
	{ label: 'no limit' },
	{ label: `rack-attack, ${RACK_ATTACK_LIMIT} per minute`, limit: { limit: RACK_ATTACK_LIMIT, windowMs: 60_000 } },
];

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
	/** Per measure: the earliest its last request could go, given when its node started in the minute. */
	floorsMs?: number[];
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
	// Ours is told the installation's limit, as a self-hosted user sets it on the credential.
	const requestsPerMinute = alternative === 'ours' ? condition.limit?.limit : undefined;
	const credential = chatwootCredential(credentialId(), sandbox.url, sandbox.userToken, account, requestsPerMinute);
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
		measures.set(run, await runBulk(n8n, run.subject, run.plan, messages, contentOf, RUN_TIMEOUT_MS));
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
		const results: ConditionResult[] = CONDITIONS.map((condition) => {
			const conditionMeasures = runs.filter((run) => run.condition === condition).map((run) => measures.get(run) as BulkMeasure);
			const { limit } = condition;
			if (!limit) return { condition: condition.label, measures: conditionMeasures };
			// A run that was stopped has no start time from n8n, and no floor to compare with.
			const floorsMs = conditionMeasures.map((m) => {
				if (m.timedOut) return Number.NaN;
				if (m.nodeStartMs === undefined) throw new Error(`${m.alternative}: n8n recorded no start time, so the floor is unknown`);
				return fixedWindowFloorMs(items, limit, m.nodeStartMs);
			});
			return { condition: condition.label, limit, floorsMs, measures: conditionMeasures };
		});
		return report(items, results);
	} finally {
		await Promise.all(instances.map((instance) => instance.dispose()));
		await Promise.all(runs.map((run) => run.sandbox.close()));
	}
}

function report(items: number, results: ConditionResult[]): ScenarioResult {
	const ratios: Ratio[] = results.flatMap(({ condition, measures, floorsMs }) => {
		const [ours, ...others] = measures;
		const finished = (m: BulkMeasure) => !m.timedOut;
		return [
			...others.filter(finished).map((other) => ({
				scenario: `Chatwoot create, ${condition}`,
				label: `${ours.alternative} ÷ ${other.alternative}`,
				value: ours.nodeMs / other.nodeMs,
			})),
			...(floorsMs
				? measures.flatMap((m, index) =>
						finished(m)
							? [
									{
										scenario: `Chatwoot create, ${condition}`,
										label: `${m.alternative}: time ÷ limit floor`,
										value: m.nodeMs / floorsMs[index],
										...(m.alternative === ALTERNATIVE.ours ? { goal: 1.1 } : {}),
									},
								]
							: [],
					)
				: []),
		];
	});
	const limits = results.flatMap((r) => (r.limit ? [r.limit] : []));
	return {
		id: 'chatwoot-messages',
		title: `2. Chatwoot message create, ${items.toLocaleString('en')} items`,
		setup: [
			`POST /api/v1/accounts/1/conversations/{id}/messages over ${CONVERSATIONS} conversations, ${items / CONVERSATIONS} messages each, every content unique.`,
			`Without a limit, and behind Chatwoot 4.16.2's throttles as rack-attack runs them, its general limit (RACK_ATTACK_LIMIT) set to ${describeLimits(limits)}: fixed windows that begin at each whole minute, and a 429 \`Retry later\` without Retry-After (a fresh sandbox per run).`,
			'With the limit, the other nodes get the batching a careful user would set (the limit itself, one batch a minute) and Retry On Fail; ours keeps its default options and its credential says the installation\'s limit (Requests per Minute).',
			`${DEVLIKEAPRO_PACKAGE.name} ${DEVLIKEAPRO_PACKAGE.version} runs in its own n8n instance (both packages name a credential type \`chatwootApi\`).`,
		],
		columns: ['Limit', 'Alternative', 'Settings', 'Node time', 'Ours ÷ this', 'Floor', '÷ floor', '429s', 'Lost', 'Duplicated', 'Order violations', 'Run'],
		rows: results.flatMap(({ condition, measures, floorsMs }) =>
			measures.map((m, index) => [
				condition,
				m.alternative,
				m.settings,
				m.timedOut ? `> ${seconds(m.nodeMs)}` : seconds(m.nodeMs),
				m.timedOut ? '' : ratio(measures[0].nodeMs / m.nodeMs),
				floorsMs && !m.timedOut ? seconds(floorsMs[index]) : '',
				floorsMs && !m.timedOut ? ratio(m.nodeMs / floorsMs[index]) : '',
				String(m.delivery.rateLimited),
				String(m.delivery.lost),
				String(m.delivery.duplicated),
				String(m.delivery.orderViolations),
				m.failed ? `failed: ${m.error ?? ''}` : 'succeeded',
			]),
		),
		ratios,
		notes: [
			`The floor with the limit is the earliest the last request may be sent: rack-attack lets ${RACK_ATTACK_LIMIT} through in each minute of Unix time, so the last of ${items} requests waits for the start of the minute ceil(${items} ÷ ${RACK_ATTACK_LIMIT}) − 1 after the one the node started in. It depends on the second the node started at, so it is given per run.`,
			'Lost, duplicated and order violations are counted by the sandbox (each unique content taken exactly once, in input order within its conversation).',
		],
		data: { results },
	};
}
