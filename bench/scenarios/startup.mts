/**
 * Start-up with each package loaded: time until n8n says "Editor is now accessible", resident memory
 * then, and what the editor downloads for the package's nodes. n8n 2.40.7 writes every node description
 * to `types/nodes.json` in its static cache and the editor fetches it with `GET /types/nodes.json` (an
 * owner session is required; answers are gzip-compressed).
 */
import { gzipSync } from 'node:zlib';

import { DEFAULT_OWNER, installCommunityPackage, N8nInstance, type N8nInstanceOptions } from '../../test/harness/n8n.mts';
import { DEVLIKEAPRO_PACKAGE } from '../alternatives.mts';
import { findN8nProcess, readMemory } from '../processMemory.mts';
import { kilobytes, mebibytes, median, seconds, type ScenarioResult } from '../report.mts';

const ROUNDS = 3;

interface Configuration {
	label: string;
	/** Node type names of the package start with this. */
	typePrefix?: string;
	options: () => Promise<N8nInstanceOptions>;
}

interface NodeTypePayload {
	name: string;
	operations: number;
	bytes: number;
	gzipBytes: number;
}

interface ConfigurationResult {
	label: string;
	readyMs: number[];
	rssMiB: number[];
	/** All of `types/nodes.json`. */
	nodesJsonBytes: number;
	nodeTypes: NodeTypePayload[];
}

interface NodeDescription {
	name: string;
	properties?: Array<{ name: string; type: string; noDataExpression?: boolean; options?: Array<{ value?: unknown }> }>;
}

/** n8n adds this option to every Operation selector of a node whose credentials the HTTP Request node can use. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** Operations of a node: the options of its Operation selectors (one per resource, or per API and resource). */
function countOperations(description: NodeDescription): number {
	return (description.properties ?? [])
		.filter((property) => property.name === 'operation' && property.type === 'options' && property.noDataExpression === true)
		.reduce((count, property) => count + (property.options ?? []).filter((option) => option.value !== CUSTOM_API_CALL).length, 0);
}

/** n8n offers every node usable by AI agents a second time, as `<name>Tool`, with the same operations. */
const isToolVariant = (node: NodeTypePayload, all: NodeTypePayload[]): boolean =>
	node.name.endsWith('Tool') && all.some((other) => `${other.name}Tool` === node.name);

async function login(baseUrl: string): Promise<string> {
	const response = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password }),
	});
	const cookie = response.headers.getSetCookie().find((header) => header.startsWith('n8n-auth='));
	if (!response.ok || !cookie) throw new Error(`login failed: HTTP ${response.status}`);
	return cookie.split(';')[0];
}

/** The editor's node-types download; n8n writes it in the background after start, so wait for the package's nodes. */
async function nodeTypes(baseUrl: string, cookie: string, typePrefix: string | undefined): Promise<{ text: string; nodes: NodeDescription[] }> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie } });
		const text = await response.text();
		if (response.ok) {
			try {
				const nodes = JSON.parse(text) as NodeDescription[];
				if (typePrefix === undefined || nodes.some((node) => node.name.startsWith(typePrefix))) return { text, nodes };
			} catch {
				// Still being written.
			}
		}
		if (Date.now() > deadline) throw new Error(`GET /types/nodes.json never listed ${typePrefix ?? 'any node'} (HTTP ${response.status})`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function measureOnce(configuration: Configuration, withPayload: boolean): Promise<{ readyMs: number; rssMiB: number; payload?: Omit<ConfigurationResult, 'label' | 'readyMs' | 'rssMiB'> }> {
	const n8n = await N8nInstance.create(await configuration.options());
	try {
		const startedAt = performance.now();
		await n8n.start();
		const readyMs = performance.now() - startedAt;
		const pid = findN8nProcess(n8n.userFolder, 'start');
		if (pid === undefined) throw new Error('the n8n server process was not found in /proc');
		const { rssMiB } = readMemory(pid);
		if (!withPayload) return { readyMs, rssMiB };
		await n8n.setupOwner();
		const { text, nodes } = await nodeTypes(n8n.baseUrl, await login(n8n.baseUrl), configuration.typePrefix);
		const own = configuration.typePrefix === undefined ? [] : nodes.filter((node) => node.name.startsWith(configuration.typePrefix as string));
		return {
			readyMs,
			rssMiB,
			payload: {
				nodesJsonBytes: Buffer.byteLength(text),
				// n8n writes each description with JSON.stringify; gzip at zlib's default level, as its compression middleware does.
				nodeTypes: own.map((node) => {
					const json = JSON.stringify(node);
					return { name: node.name, operations: countOperations(node), bytes: Buffer.byteLength(json), gzipBytes: gzipSync(json).length };
				}),
			},
		};
	} finally {
		await n8n.dispose();
	}
}

export async function startup({ extension }: { extension: string }): Promise<ScenarioResult> {
	const community = await installCommunityPackage(DEVLIKEAPRO_PACKAGE.name, DEVLIKEAPRO_PACKAGE.version);
	const configurations: Configuration[] = [
		{ label: 'n8n alone', options: async () => ({}) },
		{ label: 'n8n-nodes-omnichat', typePrefix: 'CUSTOM.', options: async () => ({ extensions: [extension] }) },
		{ label: DEVLIKEAPRO_PACKAGE.name, typePrefix: `${DEVLIKEAPRO_PACKAGE.name}.`, options: async () => ({ communityPackages: [community] }) },
	];
	const results = new Map<Configuration, ConfigurationResult>(
		configurations.map((c) => [c, { label: c.label, readyMs: [], rssMiB: [], nodesJsonBytes: 0, nodeTypes: [] }]),
	);
	// Rounds interleave the configurations so that a slow moment of the machine does not hit one of them only.
	for (let round = 0; round < ROUNDS; round++) {
		for (const configuration of configurations) {
			const result = results.get(configuration) as ConfigurationResult;
			const measured = await measureOnce(configuration, round === 0);
			result.readyMs.push(measured.readyMs);
			result.rssMiB.push(measured.rssMiB);
			if (measured.payload) Object.assign(result, measured.payload);
		}
	}
	return report([...results.values()]);
}

const signed = (ms: number): string => `${ms < 0 ? '−' : '+'}${seconds(Math.abs(ms))}`;

function report([alone, ours, devlikeapro]: ConfigurationResult[]): ScenarioResult {
	const total = (r: ConfigurationResult, field: 'bytes' | 'gzipBytes') => r.nodeTypes.reduce((sum, node) => sum + node[field], 0);
	/** Distinct operations: a Tool variant repeats its node's. */
	const operations = (r: ConfigurationResult) =>
		r.nodeTypes.filter((node) => !isToolVariant(node, r.nodeTypes)).reduce((sum, node) => sum + node.operations, 0);
	const packagePerOperation = (r: ConfigurationResult) => total(r, 'bytes') / operations(r);
	const chatwootNode = ours.nodeTypes.find((node) => node.name === 'CUSTOM.chatwoot');
	const theirs = devlikeapro.nodeTypes[0];
	const perOperation = (node: NodeTypePayload | undefined) => (node && node.operations ? node.bytes / node.operations : Number.NaN);
	const rows = [alone, ours, devlikeapro].map((r) => [
		r.label,
		seconds(median(r.readyMs)),
		r === alone ? '' : signed(median(r.readyMs) - median(alone.readyMs)),
		mebibytes(median(r.rssMiB)),
		kilobytes(r.nodesJsonBytes),
		r === alone ? '' : `${kilobytes(total(r, 'bytes'))} (gzip ${kilobytes(total(r, 'gzipBytes'))})`,
		r === alone ? '' : String(operations(r)),
		r === alone ? '' : kilobytes(packagePerOperation(r)),
	]);
	const perNode = [...ours.nodeTypes, ...devlikeapro.nodeTypes].map((node) => [
		node.name,
		String(node.operations),
		kilobytes(node.bytes),
		kilobytes(node.gzipBytes),
		node.operations ? kilobytes(perOperation(node)) : '',
	]);
	return {
		id: 'startup',
		title: '4. Start-up and node-types payload',
		setup: [
			`\`n8n start\` until "Editor is now accessible", median of ${ROUNDS} starts per configuration (interleaved); resident memory (VmRSS) of the n8n process at that moment.`,
			'Payload: the package\'s entries of `GET /types/nodes.json` (what the editor downloads), as n8n serialises them, and gzip-compressed. Operations = options of the nodes\' Operation selectors, without the "Custom API Call" n8n adds; a package\'s per-operation figure divides all its bytes (Tool variants and triggers included) by its distinct operations.',
		],
		columns: ['Loaded', 'Ready after', 'Over n8n alone', 'RSS when ready', 'nodes.json', 'Package node types', 'Operations', 'Per operation'],
		rows,
		ratios: [
			{ scenario: 'Start-up', label: `start time, ${ours.label} ÷ ${devlikeapro.label}`, value: median(ours.readyMs) / median(devlikeapro.readyMs) },
			{ scenario: 'Start-up', label: 'node-types bytes per operation, whole package, ours ÷ devlikeapro', value: packagePerOperation(ours) / packagePerOperation(devlikeapro) },
			{ scenario: 'Start-up', label: 'description bytes per operation, our Chatwoot node ÷ devlikeapro node', value: perOperation(chatwootNode) / perOperation(theirs) },
		],
		notes: [
			['| Node type | Operations | Description | gzip | Per operation |', '| --- | --- | --- | --- | --- |', ...perNode.map((cells) => `| ${cells.join(' | ')} |`)].join('\n'),
			`Starts: ${[alone, ours, devlikeapro].map((r) => `${r.label} ${r.readyMs.map(seconds).join(', ')}`).join('; ')}.`,
		],
		data: { configurations: [alone, ours, devlikeapro] },
	};
}
