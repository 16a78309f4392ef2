// Runs the WTS sandbox standalone:
//   node --import tsx sandbox/wts/cli.mts [--port 3100] [--host 127.0.0.1] [--rate-limits off|wts]
//     [--lenient-query] [--validate-responses] [--seed-contacts N]
import { parseArgs } from 'node:util';
import { startWtsSandbox } from './server.mts';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '3100' },
		host: { type: 'string', default: '127.0.0.1' },
		'rate-limits': { type: 'string', default: 'off' },
		'lenient-query': { type: 'boolean', default: false },
		'validate-responses': { type: 'boolean', default: false },
		'seed-contacts': { type: 'string', default: '0' },
	},
});

const rateLimits = values['rate-limits'];
if (rateLimits !== 'off' && rateLimits !== 'wts')
	throw new Error('--rate-limits must be off or wts');

const sandbox = await startWtsSandbox({
	port: Number(values.port),
	host: values.host,
	rateLimits,
	lenientQuery: values['lenient-query'],
	validateResponses: values['validate-responses'],
});
sandbox.state.seedContacts(Number(values['seed-contacts']));

console.log(`WTS sandbox listening on ${sandbox.url}`);
console.log(`API key: ${sandbox.apiKey}   (Authorization: Bearer ${sandbox.apiKey})`);
console.log(`Admin API: ${sandbox.url}/__sandbox/state/summary`);

const stop = () => {
	void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
