// The n8n runtimes (a per-user cache keyed by version, installed by scripts/install-n8n-runtime.sh) and the
// folders that make packages loadable into them: our own build as a custom extension, npm packages as
// community packages. Everything runs on the pinned version unless a version is asked for.
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { onProcessExit, runCommand, tail } from './processes.mts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const versions = JSON.parse(readFileSync(join(repoRoot, 'scripts/n8n-versions.json'), 'utf8')) as {
	pinned: string;
	smoke: string[];
};

/** The n8n version every test runs on (scripts/n8n-versions.json). */
export const N8N_VERSION = versions.pinned;

/** The versions of the compatibility matrix: each runs the smoke suite (test/compat/). */
export const SMOKE_VERSIONS: readonly string[] = versions.smoke;

export interface RuntimePaths {
	/** The n8n version, e.g. "2.40.7". */
	version: string;
	/** The n8n version's folder in the runtime cache (see scripts/install-n8n-runtime.sh). */
	root: string;
	/** The Node that version runs on: 24 for n8n 2.x, 22 for 1.x (the system Node is 20). */
	nodeBinary: string;
	/** The script to run with `nodeBinary`: `<n8n>/bin/n8n`. */
	n8nEntry: string;
	/** n8n's own n8n-workflow; packages loaded into n8n must share it (instanceof checks on errors). */
	n8nWorkflowDir: string;
}

const runtimes = new Map<string, Promise<RuntimePaths>>();

/**
 * Installs an n8n version's runtime on first use (several minutes, once per machine and version); afterwards it
 * only checks a stamp.
 */
export async function ensureRuntime(version: string = N8N_VERSION): Promise<RuntimePaths> {
	let runtime = runtimes.get(version);
	if (runtime === undefined) {
		runtime = installRuntime(version).catch((error: unknown) => {
			runtimes.delete(version); // let a later call try again
			throw error;
		});
		runtimes.set(version, runtime);
	}
	return await runtime;
}

async function installRuntime(version: string): Promise<RuntimePaths> {
	const script = join(repoRoot, 'scripts/install-n8n-runtime.sh');
	const result = await runCommand('bash', [script, version], {
		env: process.env,
		timeoutMs: 30 * 60_000,
		echo: true,
	});
	if (result.exitCode !== 0) {
		throw new Error(`${script} failed (exit ${String(result.exitCode)}):\n${tail(result.stderr)}`);
	}
	const { root, nodeBinary } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as {
		root: string;
		nodeBinary: string;
	};
	const modules = join(root, 'node_modules');
	return {
		version,
		root,
		nodeBinary,
		n8nEntry: join(modules, 'n8n/bin/n8n'),
		n8nWorkflowDir: join(modules, 'n8n-workflow'),
	};
}

interface PackageManifest {
	name: string;
	version: string;
	n8n: unknown;
}

function readManifest(packageRoot: string): PackageManifest {
	const manifest = JSON.parse(
		readFileSync(join(packageRoot, 'package.json'), 'utf8'),
	) as Partial<PackageManifest>;
	if (
		typeof manifest.name !== 'string' ||
		typeof manifest.version !== 'string' ||
		manifest.n8n === undefined
	) {
		throw new Error(`${packageRoot}/package.json needs "name", "version" and an "n8n" field`);
	}
	return { name: manifest.name, version: manifest.version, n8n: manifest.n8n };
}

/**
 * A folder for N8N_CUSTOM_EXTENSIONS that loads the built package at `packageRoot` (its `dist/`).
 *
 * `dist` is copied, not symlinked: Node resolves `require('n8n-workflow')` from a module's real path, so a
 * symlinked dist would pick up the package's own dev copy of n8n-workflow instead of n8n's. The copy sits
 * next to `node_modules/n8n-workflow` -> n8n's copy, whose real path is the one n8n itself loaded.
 * n8n 2.40.7 loads every `*.node.js` / `*.credentials.js` under the folder (the `n8n` field is kept for
 * reference only); node types are named `CUSTOM.<description.name>`. Call again after a rebuild. The folder
 * belongs to one n8n version (`n8nVersion`, the pinned one by default): it links that version's n8n-workflow.
 */
export async function prepareExtensions(
	packageRoot: string,
	n8nVersion: string = N8N_VERSION,
): Promise<string> {
	const { n8nWorkflowDir } = await ensureRuntime(n8nVersion);
	const manifest = readManifest(packageRoot);
	const dist = join(packageRoot, 'dist');
	if (!existsSync(dist)) throw new Error(`${dist} is missing: build the package first`);
	const folder = mkdtempSync(join(tmpdir(), 'n8n-extension-'));
	onProcessExit(() => rmSync(folder, { recursive: true, force: true }));
	writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
	cpSync(dist, join(folder, 'dist'), { recursive: true });
	mkdirSync(join(folder, 'node_modules'));
	symlinkSync(n8nWorkflowDir, join(folder, 'node_modules/n8n-workflow'));
	return folder;
}

export interface CommunityPackage {
	name: string;
	version: string;
	/** The installed package folder (its dependencies are in the enclosing node_modules). */
	directory: string;
}

/**
 * Installs an npm package of n8n nodes into the runtime's `community/` folder once (install scripts off, peer
 * dependencies not installed; n8n-workflow is linked to n8n's copy). Pass the result to
 * `N8nInstance.create({ communityPackages })`: it is loaded the way n8n loads packages installed from its
 * UI, with node types named `<package name>.<node name>`.
 */
export async function installCommunityPackage(
	name: string,
	version: string,
): Promise<CommunityPackage> {
	const { root, n8nWorkflowDir } = await ensureRuntime();
	const folder = join(root, 'community', `${name.replace('/', '+')}@${version}`);
	const directory = join(folder, 'node_modules', name);
	if (!existsSync(join(folder, '.ready'))) {
		// Install beside the final folder and rename it into place, so concurrent runs never see half an install.
		mkdirSync(dirname(folder), { recursive: true });
		const staging = mkdtempSync(`${folder}.staging-`);
		try {
			writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');
			const result = await runCommand(
				'npm',
				[
					'install',
					'--no-audit',
					'--no-fund',
					'--loglevel=error',
					'--ignore-scripts',
					'--legacy-peer-deps',
					`${name}@${version}`,
				],
				{ cwd: staging, env: process.env, timeoutMs: 10 * 60_000 },
			);
			if (result.exitCode !== 0) {
				throw new Error(`npm install ${name}@${version} failed:\n${tail(result.stderr)}`);
			}
			symlinkSync(n8nWorkflowDir, join(staging, 'node_modules/n8n-workflow'));
			writeFileSync(join(staging, '.ready'), '');
			try {
				renameSync(staging, folder);
			} catch (error) {
				// Another run finished first; keep its install.
				if (!existsSync(join(folder, '.ready'))) throw error;
			}
		} finally {
			rmSync(staging, { recursive: true, force: true });
		}
	}
	return { name, version, directory };
}
