/**
 * The release gate: what `npm pack` makes of the built package is what n8n's verification scans, so the tarball
 * is packed, unpacked and run through the analyzer of n8n's community package scanner
 * (`@n8n/scan-community-package`), and so is the source the way the verification lints it. Any finding fails
 * the test and is printed. The tarball must also hold what n8n loads and nothing else: the node and credential
 * files named in package.json's `n8n` field, the modules they require, each node's codex and output schemas,
 * the icons they point at, package.json, README and LICENSE.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, posix, relative } from 'node:path';
import { after, before, test } from 'node:test';

import { repoRoot } from '../harness/runtime.mts';

interface ScanResult {
	passed: boolean;
	message?: string;
	/** ESLint's report of every finding, when there are findings. */
	details?: string;
}

/** What the test uses of `@n8n/scan-community-package/scanner/scanner.mjs` (the package ships no types). */
interface Scanner {
	analyzePackage(packageDir: string, filePatterns?: string[]): Promise<ScanResult>;
	/** The files of a source checkout that n8n's verification lints. */
	SOURCE_FILE_PATTERNS: string[];
}

interface Manifest {
	dependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
}

type Icon = string | { light: string; dark: string } | undefined;

const SCAN_TIMEOUT = 10 * 60_000;

let workFolder: string;
let packageDir: string;
let scanner: Scanner;

/** Loads the scanner with TMPDIR pointing into `folder`: it makes a scratch folder on load and never removes it. */
async function loadScanner(folder: string): Promise<Scanner> {
	const specifier: string = '@n8n/scan-community-package/scanner/scanner.mjs';
	const previous = process.env.TMPDIR;
	process.env.TMPDIR = folder;
	try {
		return (await import(specifier)) as Scanner;
	} finally {
		if (previous === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = previous;
	}
}

function run(command: string, args: string[], cwd: string): string {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 5 * 60_000 });
	assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

/** Every file under `folder`, as POSIX paths relative to it. */
function filesUnder(folder: string): string[] {
	return readdirSync(folder, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(folder, join(entry.parentPath, entry.name)).split('\\').join('/'))
		.sort();
}

function assertPassed(result: ScanResult, what: string): void {
	assert.ok(result.passed, `the community package scanner refuses ${what}: ${result.message ?? ''}\n${result.details ?? ''}`);
}

/** The modules the entry files load, following every relative `require` of the compiled CommonJS. */
function requiredModules(entries: string[]): { files: Set<string>; external: Set<string> } {
	const files = new Set<string>();
	const external = new Set<string>();
	const pending = [...entries];
	for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
		if (files.has(file)) continue;
		files.add(file);
		const source = readFileSync(join(packageDir, file), 'utf8');
		assert.doesNotMatch(source, /\brequire\((?!"[^"]+"\))/, `${file} calls require with something other than a module name`);
		for (const [, specifier] of source.matchAll(/\brequire\("([^"]+)"\)/g)) {
			if (!specifier.startsWith('.')) {
				external.add(specifier);
				continue;
			}
			const resolved = createRequire(join(packageDir, file)).resolve(specifier);
			pending.push(relative(packageDir, resolved).split('\\').join('/'));
		}
	}
	return { files, external };
}

/**
 * A module that held only types: the compiler still emits it, empty, and nothing requires it (a type import
 * leaves no `require`), so it rides along with the `*.js` patterns of package.json's `files`.
 */
function isTypeOnlyModule(file: string): boolean {
	const source = readFileSync(join(packageDir, file), 'utf8');
	return file.endsWith('.js') && source.trim() === '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });';
}

/** Whether `file` is an output schema n8n serves for `node`: `<node's folder>/__schema__/v<version>/<resource>/<operation>.json`. */
function isOutputSchemaOf(node: string, file: string): boolean {
	const folder = posix.dirname(node);
	return file.startsWith(`${folder}/__schema__/`) && /^v\d+\.\d+\.\d+\/[^/]+\/[^/]+\.json$/.test(file.slice(`${folder}/__schema__/`.length));
}

/** The icon files an entry's class points at, resolved against the entry's folder as n8n does. */
function iconFiles(entry: string): string[] {
	const loaded = createRequire(import.meta.url)(join(packageDir, entry)) as Record<string, new () => unknown>;
	const className = basename(entry).replace(/\.(node|credentials)\.js$/, '');
	const EntryClass = loaded[className];
	assert.equal(typeof EntryClass, 'function', `${entry} exports no class ${className}`);
	const instance = new EntryClass() as { description?: { icon?: Icon }; icon?: Icon };
	const icon = entry.endsWith('.node.js') ? instance.description?.icon : instance.icon;
	const references = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return references
		.filter((reference) => reference.startsWith('file:'))
		.map((reference) => posix.normalize(posix.join(posix.dirname(entry), reference.slice('file:'.length))));
}

before(async () => {
	workFolder = mkdtempSync(join(tmpdir(), 'release-gate-'));
	assert.ok(existsSync(join(repoRoot, 'dist')), 'dist/ is missing: run `npm run build` first');
	const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', workFolder], repoRoot)) as Array<{ filename: string }>;
	run('tar', ['-xzf', join(workFolder, packed[0].filename), '-C', workFolder], repoRoot);
	packageDir = join(workFolder, 'package');
	// The unpacked package resolves n8n-workflow from beside it, as it would inside n8n.
	mkdirSync(join(workFolder, 'node_modules'));
	symlinkSync(join(repoRoot, 'node_modules/n8n-workflow'), join(workFolder, 'node_modules/n8n-workflow'));
	scanner = await loadScanner(workFolder);
});

after(() => {
	rmSync(workFolder, { recursive: true, force: true });
});

test('the packed tarball passes the community package scanner', { timeout: SCAN_TIMEOUT }, async () => {
	assertPassed(await scanner.analyzePackage(packageDir), 'the packed tarball');
});

test('the source passes the community package scanner, linted as n8n verification lints it', { timeout: SCAN_TIMEOUT }, async () => {
	assertPassed(await scanner.analyzePackage(repoRoot, scanner.SOURCE_FILE_PATTERNS), 'the source');
});

test('the scanner reports a finding planted in a package', { timeout: SCAN_TIMEOUT }, async () => {
	const planted = join(workFolder, 'planted');
	mkdirSync(join(planted, 'dist/nodes'), { recursive: true });
	cpSync(join(packageDir, 'package.json'), join(planted, 'package.json'));
	writeFileSync(join(planted, 'dist/nodes/Leak.node.js'), 'const fs = require("fs");\nconsole.log(fs.readFileSync("/etc/passwd", "utf8"));\n');
	const result = await scanner.analyzePackage(planted);
	assert.equal(result.passed, false);
	assert.match(result.details ?? '', /Leak\.node\.js/);
	assert.match(result.details ?? '', /no-console/);
});

test('the tarball holds what n8n loads and nothing else', () => {
	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
	const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	const shipped = filesUnder(packageDir);
	for (const entry of entries) assert.ok(shipped.includes(entry), `${entry}, named in package.json's n8n field, is not in the tarball`);

	const modules = requiredModules(entries);
	assert.equal(manifest.dependencies, undefined, 'the package has no runtime dependencies');
	const external = [...modules.external].filter((name) => name !== 'n8n-workflow' && !name.startsWith('node:'));
	assert.deepEqual(external, [], 'modules required from outside the package besides n8n-workflow and node: built-ins');

	const codex = manifest.n8n.nodes.map((node) => node.replace(/\.js$/, '.json'));
	const built = filesUnder(join(repoRoot, 'dist')).map((file) => `dist/${file}`);
	const schemas = built.filter((file) => manifest.n8n.nodes.some((node) => isOutputSchemaOf(node, file)));
	const icons = entries.flatMap(iconFiles);
	for (const node of manifest.n8n.nodes) assert.notDeepEqual(iconFiles(node), [], `${node} has no icon file`);
	const expected = new Set(['package.json', 'README.md', 'LICENSE', ...modules.files, ...codex, ...icons, ...schemas]);
	assert.deepEqual(
		{
			missing: [...expected].filter((file) => !shipped.includes(file)).sort(),
			extra: shipped.filter((file) => !expected.has(file) && !isTypeOnlyModule(file)),
		},
		{ missing: [], extra: [] },
	);
});
