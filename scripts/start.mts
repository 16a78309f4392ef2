/**
 * `npm start`: the sandbox APIs, a real n8n with this package loaded, demo credentials and workflows,
 * executed and summarised; then the editor stays up on http://localhost:5678 until Ctrl-C.
 */
import { runAiAgentDemo, supportAgentScript, type AgentConversation } from '../demo/aiAgentDemo.mts';
import { chatwootCredentials, chatwootDemoWorkflows } from '../demo/chatwootDemo.mts';
import { runTriggerDemo } from '../demo/triggerDemo.mts';
import { wtsCredential, wtsDemoWorkflows, type DemoWorkflow } from '../demo/wtsDemo.mts';
import { startChatwootSandbox } from '../sandbox/chatwoot/server.mts';
import { startModelSandbox } from '../sandbox/model/server.mts';
import { startWtsSandbox } from '../sandbox/wts/server.mts';
import { DEFAULT_OWNER, N8nInstance, prepareExtensions, repoRoot, type ExecutionResult } from '../test/harness/n8n.mts';

const EDITOR_PORT = Number(process.env.N8N_PORT ?? 5678);
const WTS_PORT = Number(process.env.WTS_SANDBOX_PORT ?? 3100);
const CHATWOOT_PORT = Number(process.env.CHATWOOT_SANDBOX_PORT ?? 3200);
const MODEL_PORT = Number(process.env.MODEL_SANDBOX_PORT ?? 3300);

function summarise(demo: DemoWorkflow, result: ExecutionResult | undefined): string {
	if (!result) return `  ✗ ${demo.title}: did not run`;
	const runs = result.nodes[demo.resultNode] ?? [];
	const items = runs.flatMap((run) => run.outputs[0] ?? []);
	if (result.failed || !items.length) {
		return `  ✗ ${demo.title}: ${result.error?.message ?? runs[0]?.error?.message ?? 'no output'}`;
	}
	const first = items[0].json;
	const keys = ['id', 'status', 'name', 'email', 'number'].filter((key) => first[key] !== undefined);
	const detail = keys.map((key) => `${key}=${String(first[key])}`).join(' ');
	return `  ✓ ${demo.title}: ${items.length} item${items.length === 1 ? '' : 's'}${detail ? ` (${detail})` : ''}`;
}

const wts = await startWtsSandbox({ port: WTS_PORT });
console.log(`WTS Chat sandbox on ${wts.url} (API key ${wts.apiKey})`);
const chatwoot = await startChatwootSandbox({ port: CHATWOOT_PORT });
console.log(`Chatwoot sandbox on ${chatwoot.url} (user token ${chatwoot.userToken}, account ${chatwoot.accountId})`);

const model = await startModelSandbox({ port: MODEL_PORT, script: supportAgentScript });
console.log(`OpenAI-compatible model sandbox on ${model.url} (API key ${model.apiKey}; scripted answers, no real model)`);

const extension = await prepareExtensions(repoRoot);
const n8n = await N8nInstance.create({ extensions: [extension], port: EDITOR_PORT });
const shutdown = async () => {
	await n8n.dispose();
	await wts.close();
	await chatwoot.close();
	await model.close();
	process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot)]);
const groups: Array<[string, DemoWorkflow[], { recorder: typeof wts.recorder }]> = [
	['WTS Chat', wtsDemoWorkflows(wts.seed), wts],
	['Chatwoot and Konverte Digital', chatwootDemoWorkflows(chatwoot.seed), chatwoot],
];
const demos = groups.flatMap(([, group]) => group);
await n8n.importWorkflows(demos.map((demo) => demo.workflow));
console.log(`\nRunning ${demos.length} demo workflows in n8n...`);
const results = await n8n.executeMany(demos.map((demo) => demo.workflow.id));
for (const [title, group, sandbox] of groups) {
	console.log(title);
	for (const demo of group) console.log(summarise(demo, results.get(demo.workflow.id)));
	const received = sandbox.recorder.requests();
	console.log(`  The sandbox received ${received.length} requests, ${sandbox.recorder.invalidRequests().length} outside the contract.`);
}

await n8n.start();
await n8n.setupOwner();
console.log('\nTriggers');
const autoReply = await runTriggerDemo(n8n, wts);
console.log(
	autoReply.reply
		? `  ✓ Auto-reply to an incoming WTS message: "${autoReply.incoming}" answered with "${autoReply.reply}" in ${autoReply.elapsedMs} ms (the workflow stays active)`
		: `  ✗ Auto-reply to an incoming WTS message: no reply within ${autoReply.elapsedMs} ms`,
);

/** One agent conversation, as the demo prints it. */
function printConversation({ title, customer, toolCalls, answer, status }: AgentConversation): void {
	console.log(`  ${answer === undefined ? '✗' : '✓'} ${title} (execution ${status})`);
	console.log(`      Customer: ${customer}`);
	for (const call of toolCalls) {
		console.log(`      Agent uses ${call.tool} ${JSON.stringify(call.arguments)}`);
		if (call.error !== undefined) console.log(`        refused: ${call.error.replace(/\s+/g, ' ')}`);
	}
	console.log(`      Agent: ${answer ?? '(no answer)'}`);
}

console.log('\nAI support agent (examples/: an AI Agent with WTS Chat or Chatwoot tools)');
try {
	for (const conversation of await runAiAgentDemo(n8n, { wts, chatwoot, model })) printConversation(conversation);
} catch (error) {
	console.log(`  ✗ the AI support agent demo failed: ${error instanceof Error ? error.message : String(error)}`);
	console.log(n8n.logs().slice(-3000));
}

console.log(`\nn8n editor: http://localhost:${EDITOR_PORT}  (login ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password})`);
console.log('The demo workflows and credentials are in the editor. Press Ctrl-C to stop.');
