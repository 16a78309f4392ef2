// Runs the Chatwoot sandbox standalone:
//   node --import tsx sandbox/chatwoot/cli.mts [--port 3200] [--host 127.0.0.1] [--rate-limits chatwoot|off]
//     [--lenient-query] [--validate-responses] [--seed-conversations N] [--seed-messages N]
// --seed-messages adds N messages to the seeded long conversation (cursor-paging benchmarks).
import { parseArgs } from 'node:util';
import { startChatwootSandbox } from './server.mts';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '3200' },
		host: { type: 'string', default: '127.0.0.1' },
		'rate-limits': { type: 'string', default: 'chatwoot' },
		'lenient-query': { type: 'boolean', default: false },
		'validate-responses': { type: 'boolean', default: false },
		'seed-conversations': { type: 'string', default: '0' },
		'seed-messages': { type: 'string', default: '0' },
	},
});

const rateLimits = values['rate-limits'];
if (rateLimits !== 'off' && rateLimits !== 'chatwoot')
	throw new Error('--rate-limits must be off or chatwoot');

const sandbox = await startChatwootSandbox({
	port: Number(values.port),
	host: values.host,
	rateLimits,
	lenientQuery: values['lenient-query'],
	validateResponses: values['validate-responses'],
});
sandbox.state.seedConversations(Number(values['seed-conversations']));
sandbox.state.seedMessages(sandbox.seed.longConversationId, Number(values['seed-messages']));

console.log(`Chatwoot sandbox listening on ${sandbox.url}  (account ${sandbox.accountId})`);
console.log(`User token:      ${sandbox.userToken}   (header api_access_token)`);
console.log(`Agent bot token: ${sandbox.botToken}`);
console.log(`Platform token:  ${sandbox.platformToken}`);
console.log(`Client API inbox identifier: ${sandbox.seed.apiInboxIdentifier}`);
console.log(`Admin API: ${sandbox.url}/__sandbox/state/summary`);

const stop = () => {
	void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
