/**
 * The README's pictures of the editor show the nodes and examples as they are: each PNG in docs/images/ was
 * taken (`npm run screenshots`) from the current example workflows and built nodes.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { builtDescriptions, FINGERPRINTS_FILE, pictureFingerprints } from '../../scripts/screenshotInputs.mts';
import { repoRoot } from '../harness/runtime.mts';

test('every picture in docs/images was taken from the current examples and nodes', () => {
	assert.ok(existsSync(FINGERPRINTS_FILE), 'docs/images/screenshots.json is missing: run npm run screenshots');
	const recorded = JSON.parse(readFileSync(FINGERPRINTS_FILE, 'utf8')) as Record<string, string>;
	const current = pictureFingerprints();
	const pictures = readdirSync(join(repoRoot, 'docs/images')).filter((file) => file.endsWith('.png'));
	assert.deepEqual(pictures.sort(), Object.keys(current).sort(), 'docs/images holds pictures nobody takes, or lacks some');
	const stale = Object.keys(current).filter((picture) => recorded[picture] !== current[picture]);
	assert.deepEqual(stale, [], `taken before the example or the nodes they show changed: run npm run screenshots`);
});

test('a changed field label changes the fingerprint of the pictures that show it, and only of those', () => {
	const descriptions = builtDescriptions();
	const before = pictureFingerprints(descriptions);
	const wts = structuredClone(descriptions.get('wtsChat'));
	assert.ok(wts, 'the package builds WTS Chat');
	const field = wts.properties.find((p) => p.name === 'contactId' && p.displayOptions?.show?.operation?.includes('setTags'));
	assert.ok(field, 'Contact › Set Tags has a Contact ID field');
	field.displayName = 'Contact Renamed';
	const after = pictureFingerprints(new Map([...descriptions, ['wtsChat', wts]]));
	assert.notEqual(after['ai-agent-wts-tool.png'], before['ai-agent-wts-tool.png']);
	assert.equal(after['ai-agent-chatwoot-tool.png'], before['ai-agent-chatwoot-tool.png']);
});
