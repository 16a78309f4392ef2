/**
 * Checks specs/chatwoot/evidence.json against a Chatwoot checkout: every entry's routes.rb line draws the
 * operation's method and path, its controller line defines the action (or is the controller's class when
 * Rails renders the template without a method), its view exists, and the operation is in the contract.
 *
 *   node --import tsx scripts/chatwoot-evidence.mts <chatwoot git dir> [--locate <operationId>...]
 *   node --import tsx scripts/chatwoot-evidence.mts --findings
 *
 * The checkout is read with git at the commit evidence.json names (a bare mirror is enough). --locate prints,
 * for operations of the contract, the route, controller and view this script finds, as a starting point for
 * reading the source; the evidence itself is written by reading it. --findings writes
 * specs/chatwoot/EVIDENCE-FINDINGS.md from evidence.json (no checkout needed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { mergeChatwootContract } from './generate/chatwoot.mts';
import type { JsonObject } from './generate/openapiToTable.mts';

export interface Route {
	method: string;
	/** Rails spelling: /api/v1/accounts/:account_id/contacts/:id */
	path: string;
	/** Controller path under app/controllers, without `_controller.rb`: api/v1/accounts/contacts */
	controller: string;
	action: string;
	line: number;
	enterprise: boolean;
}

interface Frame {
	kind: 'root' | 'namespace' | 'scope' | 'resources' | 'resource' | 'member' | 'collection' | 'nested' | 'block';
	path: string;
	module: string[];
	enterprise: boolean;
	/** resources/resource frames: where member and collection routes go, and their controller */
	memberPath?: string;
	collectionPath?: string;
	controller?: string;
}

const DEFAULT_ACTIONS = {
	resources: [
		['index', 'GET', 'collection'],
		['create', 'POST', 'collection'],
		['new', 'GET', 'new'],
		['edit', 'GET', 'edit'],
		['show', 'GET', 'member'],
		['update', 'PATCH', 'member'],
		['update', 'PUT', 'member'],
		['destroy', 'DELETE', 'member'],
	],
	resource: [
		['create', 'POST', 'member'],
		['new', 'GET', 'new'],
		['edit', 'GET', 'edit'],
		['show', 'GET', 'member'],
		['update', 'PATCH', 'member'],
		['update', 'PUT', 'member'],
		['destroy', 'DELETE', 'member'],
	],
} as const;

const CANONICAL_ACTIONS = ['index', 'create', 'new', 'show', 'update', 'destroy'];

const singular = (word: string): string =>
	word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.endsWith('ses') || word.endsWith('xes') ? word.slice(0, -2) : word.replace(/s$/, '');
const plural = (word: string): string =>
	word.endsWith('s') ? word : /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`;

const symbolList = (text: string | undefined): string[] | undefined => {
	if (text === undefined) return undefined;
	return [...text.matchAll(/:?(\w+)/g)].map((m) => m[1]);
};

/** Options of one route statement: `key: :sym`, `key: 'str'`, `key: [..]` or `key: %i[..]`. */
function optionsOf(text: string): Record<string, string> {
	const options: Record<string, string> = {};
	for (const m of text.matchAll(/(\w+):\s*(\[[^\]]*\]|%i\[[^\]]*\]|:\w+|'[^']*'|"[^"]*"|\{[^}]*\})/g)) {
		options[m[1]] = m[2].replace(/^%i/, '').replace(/^['":]|['"]$/g, '');
	}
	return options;
}

/**
 * Interprets the subset of the Rails routing DSL Chatwoot's config/routes.rb uses: namespace, scope module,
 * resources/resource (only, param, controller, module), member/collection blocks and `on:`, verbs with
 * `to:`/`action:`, and `if ChatwootApp.enterprise?` on statements and blocks. Routes of a block come before
 * the resource's default actions, as Rails draws them.
 */
export function parseRoutes(source: string): Route[] {
	const routes: Route[] = [];
	const stack: Frame[] = [{ kind: 'root', path: '', module: [], enterprise: false }];
	const lines = source.split('\n');
	const pending: Array<{ frame: Frame; defaults: Route[] }> = [];
	const add = (frame: Frame, route: Omit<Route, 'enterprise'>, enterprise: boolean) =>
		routes.push({ ...route, path: route.path.replace(/\/+/g, '/'), enterprise: enterprise || frame.enterprise });

	lines.forEach((raw, index) => {
		const line = index + 1;
		const text = raw.replace(/(^|\s)#(\s.*)?$/, '').trim();
		if (!text) return;
		const top = stack[stack.length - 1];
		if (text === 'end') {
			const closed = stack.pop();
			const waiting = pending[pending.length - 1];
			if (closed && waiting?.frame === closed) {
				pending.pop();
				routes.push(...waiting.defaults);
			}
			return;
		}
		if (text === 'else') return;
		const opensBlock = /\bdo(\s*\|[^|]*\|)?$/.test(text);
		const enterprise = /\bif ChatwootApp\.enterprise\?/.test(text);
		const statement = text.replace(/\s+do(\s*\|[^|]*\|)?$/, '').replace(/\s+(if|unless)\s+.*$/, '');
		const word = statement.split(/[\s(]/)[0];
		const rest = statement.slice(word.length).trim();
		const name = (/^[:'"]?([\w./*:-]+)['"]?/.exec(rest) ?? [])[1] ?? '';
		const options = optionsOf(rest);

		const push = (frame: Omit<Frame, 'enterprise'>) => stack.push({ ...frame, enterprise: top.enterprise || enterprise });
		switch (word) {
			case 'namespace':
				push({ kind: 'namespace', path: `${top.path}/${name}`, module: [...top.module, name] });
				return;
			case 'scope': {
				const module = options.module;
				push({ kind: 'scope', path: top.path, module: module ? [...top.module, module] : top.module });
				return;
			}
			case 'member':
			case 'collection': {
				const owner = stack.findLast((f) => f.kind === 'resources' || f.kind === 'resource')!;
				push({
					kind: word,
					path: word === 'member' ? owner.memberPath! : owner.collectionPath!,
					module: top.module,
					controller: owner.controller,
				});
				return;
			}
			case 'resources':
			case 'resource': {
				const many = word === 'resources';
				const module = options.module ? [...top.module, options.module] : top.module;
				const controller = [...module, options.controller ?? (many ? name : plural(name))].join('/');
				const collectionPath = `${top.path}/${name}`;
				const memberPath = many ? `${collectionPath}/:${options.param ?? 'id'}` : collectionPath;
				const nestedPath = many ? `${collectionPath}/:${singular(name)}_${options.param ?? 'id'}` : collectionPath;
				const only = symbolList(options.only);
				const except = symbolList(options.except) ?? [];
				const defaults: Route[] = [];
				for (const [action, method, where] of DEFAULT_ACTIONS[word]) {
					if ((only && !only.includes(action)) || except.includes(action)) continue;
					const path = where === 'collection' ? collectionPath : where === 'new' ? `${collectionPath}/new` : where === 'edit' ? `${memberPath}/edit` : memberPath;
					defaults.push({ method, path: path.replace(/\/+/g, '/'), controller, action, line, enterprise: top.enterprise || enterprise });
				}
				if (!opensBlock) {
					routes.push(...defaults);
					return;
				}
				const frame: Frame = { kind: word, path: nestedPath, module: top.module, enterprise: top.enterprise || enterprise, memberPath, collectionPath, controller };
				stack.push(frame);
				pending.push({ frame, defaults });
				return;
			}
			case 'get':
			case 'post':
			case 'put':
			case 'patch':
			case 'delete': {
				const method = word.toUpperCase();
				const owner = stack.findLast((f) => f.kind === 'resources' || f.kind === 'resource' || f.kind === 'member' || f.kind === 'collection');
				let base = top.path;
				if (options.on && owner) {
					const resource = stack.findLast((f) => f.kind === 'resources' || f.kind === 'resource')!;
					base = options.on === 'member' ? resource.memberPath! : resource.collectionPath!;
				}
				let controller = top.controller ?? owner?.controller ?? '';
				let action = options.action ?? name.replace(/^\//, '');
				if (options.to) {
					const [target, targetAction] = options.to.split('#');
					controller = [...top.module, target].join('/');
					action = targetAction;
				} else if (top.kind === 'scope' || top.kind === 'namespace' || top.kind === 'root') {
					controller = owner?.controller ?? controller;
				}
				// Rails does not append a canonical action's name to a member or collection path
				const canonical = (top.kind === 'member' || top.kind === 'collection' || options.on !== undefined) && CANONICAL_ACTIONS.includes(name);
				const path = name.startsWith('/') ? name : canonical ? base : `${base}/${name}`;
				add(top, { method, path, controller, action, line }, enterprise);
				if (opensBlock) push({ kind: 'block', path: top.path, module: top.module });
				return;
			}
			case 'if':
			case 'unless':
				push({ kind: 'block', path: top.path, module: top.module, controller: top.controller });
				return;
			default:
				if (opensBlock) push({ kind: 'block', path: top.path, module: top.module, controller: top.controller });
		}
	});
	return routes;
}

/** `/api/v1/accounts/{account_id}/x` and `/api/v1/accounts/:account_id/x` become `/api/v1/accounts/{}/x`. */
export const templateOf = (path: string): string => path.replace(/\{[^}]*\}|:\w+/g, '{}').replace(/\/$/, '') || '/';

// ------------------------------------------------------------------ reading a checkout with git
class Checkout {
	private files?: Set<string>;
	private readonly cache = new Map<string, string | undefined>();
	constructor(
		readonly dir: string,
		readonly commit: string,
	) {}

	list(): Set<string> {
		this.files ??= new Set(execFileSync('git', ['-C', this.dir, 'ls-tree', '-r', '--name-only', this.commit], { maxBuffer: 1 << 28 }).toString().split('\n'));
		return this.files;
	}

	read(file: string): string | undefined {
		if (!this.cache.has(file)) {
			this.cache.set(file, this.list().has(file) ? execFileSync('git', ['-C', this.dir, 'show', `${this.commit}:${file}`], { maxBuffer: 1 << 26 }).toString() : undefined);
		}
		return this.cache.get(file);
	}

	lineOf(file: string, line: number): string | undefined {
		return this.read(file)?.split('\n')[line - 1];
	}
}

const controllerFiles = (controller: string) =>
	[`app/controllers/${controller}_controller.rb`, `enterprise/app/controllers/${controller}_controller.rb`, `enterprise/app/controllers/enterprise/${controller}_controller.rb`];

/** Where `def <action>` is: the controller, its enterprise module, its parents and their concerns. */
function findAction(checkout: Checkout, controller: string, action: string): { file: string; line: number } | undefined {
	const seen = new Set<string>();
	const queue = controllerFiles(controller);
	while (queue.length) {
		const file = queue.shift()!;
		if (seen.has(file)) continue;
		seen.add(file);
		const source = checkout.read(file);
		if (source === undefined) continue;
		const lines = source.split('\n');
		const at = lines.findIndex((l) => new RegExp(`^\\s*def ${action}\\b`).test(l));
		if (at >= 0) return { file, line: at + 1 };
		for (const l of lines) {
			const parent = /^class \S+ < (\S+)/.exec(l)?.[1] ?? /^\s*include (\S+)/.exec(l)?.[1];
			if (!parent) continue;
			const snake = parent.replace(/::/g, '/').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();
			queue.push(...controllerFiles(snake.replace(/_controller$/, '')), `app/controllers/${snake}.rb`, `app/controllers/concerns/${snake}.rb`, `enterprise/app/controllers/concerns/${snake}.rb`);
		}
	}
	return undefined;
}

function findView(checkout: Checkout, controller: string, action: string): string | undefined {
	return [`app/views/${controller}/${action}.json.jbuilder`, `enterprise/app/views/${controller}/${action}.json.jbuilder`].find((f) => checkout.list().has(f));
}

// ------------------------------------------------------------------ evidence file
export const DISAGREEMENT_KINDS = ['path', 'parameter', 'envelope', 'paging', 'type'] as const;

export interface Disagreement {
	kind: (typeof DISAGREEMENT_KINDS)[number];
	/** what the contract says */
	contract: string;
	/** what Chatwoot's source says */
	source: string;
	/** <file>:<line> that says so */
	at: string;
}

export interface EvidenceEntry {
	method: string;
	path: string;
	/** config/routes.rb:<line> */
	route: string;
	/** <file>:<line> of `def <action>`, or of the class when the action has no method */
	controller: string;
	/** what the action reads: permitted and required parameters, filters, page size */
	params?: string;
	/** <file>:<line> of the template, or the controller line that renders or answers */
	view: string;
	/** Where the contract followed the source after the tracing: what it said, what it says now, and where. */
	corrected?: Correction[];
	/** What the contract says today against the source: it matches, or where it still disagrees. */
	verdict: 'matches' | Disagreement[];
}

export interface Correction {
	kind: (typeof DISAGREEMENT_KINDS)[number];
	/** what the contract said before */
	was: string;
	/** what it says now, as the source does */
	now: string;
	/** <file>:<line> (or lines) of the source that says so */
	at: string;
}

export interface EvidenceFile {
	chatwoot: { version: string; commit: string; repository: string };
	operations: Record<string, EvidenceEntry>;
}

const fileLine = (ref: string): { file: string; line: number } => {
	const at = ref.lastIndexOf(':');
	return { file: ref.slice(0, at), line: Number(ref.slice(at + 1)) };
};

/** Problems of the evidence against the checkout and the contract, one line each. */
export function checkEvidence(evidence: EvidenceFile, contract: JsonObject, checkout: Checkout): string[] {
	const problems: string[] = [];
	const routes = parseRoutes(checkout.read('config/routes.rb') ?? '');
	const operations = new Map<string, { method: string; path: string }>();
	for (const [path, item] of Object.entries(contract.paths as JsonObject)) {
		for (const [method, op] of Object.entries(item as JsonObject)) {
			const id = (op as JsonObject).operationId;
			if (typeof id === 'string') operations.set(id, { method: method.toUpperCase(), path });
		}
	}
	for (const [id, entry] of Object.entries(evidence.operations)) {
		const op = operations.get(id);
		if (!op) {
			problems.push(`${id}: not an operation of the contract`);
			continue;
		}
		if (op.method !== entry.method || op.path !== entry.path) problems.push(`${id}: is ${op.method} ${op.path} in the contract, ${entry.method} ${entry.path} here`);
		const route = routes.find((r) => r.method === entry.method && templateOf(r.path) === templateOf(entry.path));
		if (!route) {
			problems.push(`${id}: ${entry.method} ${entry.path} is not routed`);
			continue;
		}
		if (entry.route !== `config/routes.rb:${route.line}`) problems.push(`${id}: routed at config/routes.rb:${route.line}, evidence says ${entry.route}`);
		const controller = fileLine(entry.controller);
		const controllerLine = checkout.lineOf(controller.file, controller.line);
		if (controllerLine === undefined) problems.push(`${id}: ${entry.controller} does not exist`);
		else if (!new RegExp(`def ${route.action}\\b|^class `).test(controllerLine.trim())) {
			problems.push(`${id}: ${entry.controller} is "${controllerLine.trim()}", not def ${route.action}`);
		}
		const answeredBy = /^(head|render|send_data)[^,]*, (\S+:\d+)$/.exec(entry.view);
		const view = fileLine(answeredBy ? answeredBy[2] : entry.view);
		const viewLine = checkout.lineOf(view.file, view.line);
		if (viewLine === undefined) problems.push(`${id}: ${entry.view} does not exist`);
		else if (answeredBy && !/\b(head|render|super|send_data)\b/.test(viewLine)) problems.push(`${id}: ${entry.view} is "${viewLine.trim()}", which neither renders nor answers`);
		for (const d of [...(entry.verdict === 'matches' ? [] : entry.verdict), ...(entry.corrected ?? [])]) {
			const [file, lines] = d.at.split(':');
			const last = Number(lines.split('-').pop());
			if (checkout.lineOf(file, last) === undefined) problems.push(`${id}: ${'was' in d ? 'correction' : 'disagreement'} cites ${d.at}, which does not exist`);
		}
	}
	return problems;
}

function locate(contract: JsonObject, checkout: Checkout, ids: string[]): JsonObject {
	const routes = parseRoutes(checkout.read('config/routes.rb') ?? '');
	const out: JsonObject = {};
	for (const [path, item] of Object.entries(contract.paths as JsonObject)) {
		for (const [method, raw] of Object.entries(item as JsonObject)) {
			const op = raw as JsonObject;
			if (typeof op.operationId !== 'string' || !ids.includes(op.operationId)) continue;
			const route = routes.find((r) => r.method === method.toUpperCase() && templateOf(r.path) === templateOf(path));
			if (!route) {
				out[op.operationId] = { method: method.toUpperCase(), path, route: 'NOT ROUTED' };
				continue;
			}
			const action = findAction(checkout, route.controller, route.action);
			const view = findView(checkout, route.controller, route.action);
			out[op.operationId] = {
				method: method.toUpperCase(),
				path,
				route: `config/routes.rb:${route.line}`,
				rails: `${route.path} ${route.controller}#${route.action}${route.enterprise ? ' (enterprise)' : ''}`,
				controller: action ? `${action.file}:${action.line}` : `(no def ${route.action}) ${controllerFiles(route.controller).find((f) => checkout.list().has(f)) ?? 'NO CONTROLLER'}`,
				view: view ? `${view}:1` : '',
			};
		}
	}
	return out;
}

/**
 * specs/chatwoot/EVIDENCE-FINDINGS.md: what the tracing changed in the contract, counted by kind, and one
 * line per operation whose contract still disagrees with the source.
 */
export function findingsMarkdown(evidence: EvidenceFile): string {
	const entries = Object.entries(evidence.operations);
	const disagreeing = entries
		.filter(([, e]) => e.verdict !== 'matches')
		.sort(([, a], [, b]) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
	const byKind = new Map<string, { operations: number; disagreements: number }>(DISAGREEMENT_KINDS.map((k) => [k, { operations: 0, disagreements: 0 }]));
	for (const [, entry] of disagreeing) {
		const list = entry.verdict as Disagreement[];
		for (const kind of new Set(list.map((d) => d.kind))) byKind.get(kind)!.operations += 1;
		for (const d of list) byKind.get(d.kind)!.disagreements += 1;
	}
	const corrected = entries
		.filter(([, e]) => (e.corrected ?? []).length > 0)
		.sort(([, a], [, b]) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
	const correctedByKind = new Map<string, { operations: number; corrections: number }>(DISAGREEMENT_KINDS.map((k) => [k, { operations: 0, corrections: 0 }]));
	for (const [, entry] of corrected) {
		const list = entry.corrected ?? [];
		for (const kind of new Set(list.map((c) => c.kind))) correctedByKind.get(kind)!.operations += 1;
		for (const c of list) correctedByKind.get(c.kind)!.corrections += 1;
	}
	const { version, commit } = evidence.chatwoot;
	const lines = [
		'# Chatwoot contract against Chatwoot\'s source: findings',
		'',
		`Every operation traced in \`evidence.json\` to Chatwoot ${version} (commit ${commit.slice(0, 9)}): its \`config/routes.rb\``,
		'line, the controller action and the view that renders the answer. Below, first the operations whose contract',
		'(swagger.json + supplement.json as merged) the tracing changed to follow the source, then one line per',
		'operation where the contract still says something the source does not. Generated from `evidence.json` by',
		'`node --import tsx scripts/chatwoot-evidence.mts --findings`; do not edit by hand.',
		'',
		`Operations traced: ${entries.length}. Matching: ${entries.length - disagreeing.length}. With disagreements: ${disagreeing.length}.`,
		`Operations the tracing changed in the contract: ${corrected.length} (${corrected.filter(([, e]) => e.verdict === 'matches').length} of them now match the source in full).`,
		'',
		'| Kind | Operations changed | Changes | Operations still disagreeing | Disagreements |',
		'| --- | --- | --- | --- | --- |',
		...DISAGREEMENT_KINDS.map(
			(k) => `| ${k} | ${correctedByKind.get(k)!.operations} | ${correctedByKind.get(k)!.corrections} | ${byKind.get(k)!.operations} | ${byKind.get(k)!.disagreements} |`,
		),
		'',
		'## Changed by the tracing',
		'',
		...corrected.map(([id, entry]) => {
			const parts = (entry.corrected ?? []).map((c) => `**${c.kind}**: was: ${c.was}; now: ${c.now} (\`${c.at}\`)`);
			return `- \`${id}\` (${entry.method} ${entry.path}, ${entry.verdict === 'matches' ? 'now matches' : 'still disagrees below'}): ${parts.join(' · ')}`;
		}),
		'',
		'## Disagreements',
		'',
		...disagreeing.map(([id, entry]) => {
			const parts = (entry.verdict as Disagreement[]).map((d) => `**${d.kind}**: contract: ${d.contract}; source: ${d.source} (\`${d.at}\`)`);
			return `- \`${id}\` (${entry.method} ${entry.path}): ${parts.join(' · ')}`;
		}),
		'',
	];
	return lines.join('\n');
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function main(argv: string[]): number {
	const [dir, flag, ...ids] = argv;
	if (!dir) {
		console.error('usage: chatwoot-evidence.mts <chatwoot git dir> [--locate <operationId>...] | --findings');
		return 2;
	}
	const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as JsonObject;
	const evidence = readJson('specs/chatwoot/evidence.json') as unknown as EvidenceFile;
	if (dir === '--findings') {
		writeFileSync(join(root, 'specs/chatwoot/EVIDENCE-FINDINGS.md'), findingsMarkdown(evidence));
		return 0;
	}
	const contract = mergeChatwootContract(readJson('specs/chatwoot/swagger.json'), readJson('specs/chatwoot/supplement.json'));
	const checkout = new Checkout(dir, evidence.chatwoot.commit);
	if (flag === '--locate') {
		console.log(JSON.stringify(locate(contract, checkout, ids), null, 1));
		return 0;
	}
	const problems = checkEvidence(evidence, contract, checkout);
	for (const problem of problems) console.log(problem);
	console.log(`${Object.keys(evidence.operations).length} evidence entries checked against Chatwoot ${evidence.chatwoot.version} (${evidence.chatwoot.commit.slice(0, 9)}): ${problems.length} problems`);
	return problems.length ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
