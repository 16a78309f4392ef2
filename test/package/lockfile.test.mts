/**
 * package-lock.json stays in step with package.json: `npm ci` (what CI services and release workflows run)
 * refuses a lock that drifted, so the check asks npm itself, in a dry run on a copy of the two files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../harness/runtime.mts';

/** `npm ci --dry-run` in a folder holding copies of the package's manifest, lock and npm settings. */
function npmCiDryRun(editManifest?: (manifest: Record<string, Record<string, string>>) => void) {
	const folder = mkdtempSync(join(tmpdir(), 'lockfile-'));
	try {
		for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(repoRoot, file), join(folder, file));
		if (editManifest) {
			const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
			editManifest(manifest);
			writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, '\t'));
		}
		return spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

test('npm ci accepts package-lock.json as committed', () => {
	const result = npmCiDryRun();
	assert.equal(result.status, 0, `npm ci refused the lock file:\n${result.stderr}`);
});

test('the check fails when package.json and the lock file drift apart', () => {
	const result = npmCiDryRun((manifest) => {
		manifest.devDependencies.prettier = '3.6.1';
	});
	assert.notEqual(result.status, 0);
	assert.match(result.stderr, /in sync/);
});
