/**
 * Memory of a large upload: a 100 MiB file read from disk into n8n's filesystem binary store, then sent with
 * WTS Message › Send File (presigned PUT), run by a webhook on a running n8n server. The figure is how much the
 * n8n server process's resident memory grew above its idle level while the file went out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startWtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nInstance, webhookNode, workflow, type NodeSpec } from '../../test/harness/n8n.mts';
import { credentialId, TARGET_NODE, wtsCredential } from '../alternatives.mts';
import { mebibytes, ratio, seconds, type ScenarioResult } from '../report.mts';
import { measureWebhookCall } from '../webhookMemory.mts';

const FILE_MIB = 100;
const WEBHOOK_PATH = 'bench-upload-memory';

interface UploadMemoryData {
	fileBytes: number;
	/** What the storage received matches the file (length and SHA-256). */
	bytesIntact: boolean;
	wallMs: number;
	idleRssMiB: number;
	/** Highest VmRSS sampled every 50 ms during the run. */
	maxRssMiB: number;
	growthMiB: number;
	peakBeforeMiB: number;
	peakAfterMiB: number;
}

/** A file of random bytes, written in 1 MiB chunks; returns its SHA-256. */
async function writeRandomFile(path: string, mebibytesCount: number): Promise<string> {
	const hash = createHash('sha256');
	const out = createWriteStream(path);
	for (let i = 0; i < mebibytesCount; i++) {
		const chunk = randomBytes(1024 * 1024);
		hash.update(chunk);
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return hash.digest('hex');
}

function uploadWorkflow(credential: { id: string; name: string }, filePath: string, channel: string, to: string) {
	const trigger: NodeSpec = webhookNode('Webhook', { path: WEBHOOK_PATH });
	trigger.parameters = { ...trigger.parameters, responseMode: 'lastNode', responseData: 'firstEntryJson' };
	return workflow({
		name: 'Bench: WTS send file, 100 MiB from disk',
		settings: { saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
		nodes: [
			trigger,
			{
				name: 'Read File',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				parameters: { operation: 'read', fileSelector: filePath, options: {} },
			},
			{
				name: TARGET_NODE,
				type: 'CUSTOM.wtsChat',
				typeVersion: 1,
				parameters: { resource: 'message', operation: 'sendFile', from: channel, to, fileSource: 'binary', binaryPropertyName: 'data', options: {} },
				credentials: { wtsChatApi: credential },
			},
		],
	});
}

export async function uploadMemory({ extension }: { extension: string }): Promise<ScenarioResult> {
	const folder = mkdtempSync(join(tmpdir(), 'bench-upload-'));
	const filePath = join(folder, 'aula.mp4');
	const sha256 = await writeRandomFile(filePath, FILE_MIB);
	const fileBytes = FILE_MIB * 1024 * 1024;
	const sandbox = await startWtsSandbox({ maxUploadBytes: fileBytes });
	let n8n: N8nInstance | undefined;
	try {
		const credential = wtsCredential(credentialId(), sandbox.url, sandbox.apiKey);
		const flow = uploadWorkflow(credential, filePath, sandbox.seed.channels[0].id, sandbox.seed.contacts[1].phoneNumber ?? '');
		n8n = await N8nInstance.create({
			extensions: [extension],
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_RESTRICT_FILE_ACCESS_TO: folder },
		});
		await n8n.importCredentials([credential]);
		const { wallMs, before, after, maxRssMiB } = await measureWebhookCall(n8n, flow, WEBHOOK_PATH);
		const upload = sandbox.recorder.requests().find((request) => request.method === 'PUT' && request.rawRoute === 'upload');
		const received = upload?.body.kind === 'raw' ? upload.body.bytes : Buffer.alloc(0);
		return report({
			fileBytes,
			bytesIntact: received.length === fileBytes && createHash('sha256').update(received).digest('hex') === sha256,
			wallMs,
			idleRssMiB: before.rssMiB,
			maxRssMiB,
			growthMiB: maxRssMiB - before.rssMiB,
			peakBeforeMiB: before.peakMiB,
			peakAfterMiB: after.peakMiB,
		});
	} finally {
		await n8n?.dispose();
		await sandbox.close();
		rmSync(folder, { recursive: true, force: true });
	}
}

function report(data: UploadMemoryData): ScenarioResult {
	const fileMiB = data.fileBytes / 1048576;
	return {
		id: 'upload-memory',
		title: `6. Memory of a ${fileMiB.toFixed(0)} MiB upload`,
		setup: [
			`A ${fileMiB.toFixed(0)} MiB file of random bytes on disk, read by n8n's Read/Write Files from Disk node into the filesystem binary store, then Message › Send File (from binary) through WTS's three-step flow.`,
			'Run by a Webhook on `n8n start` with N8N_DEFAULT_BINARY_DATA_MODE=filesystem (responds when the last node ends; execution data not saved).',
			'Memory: the n8n server process from /proc: VmRSS before the call, sampled every 50 ms during it, and VmHWM before and after. The sandbox checks the bytes it received (length and SHA-256).',
		],
		columns: ['Bytes intact', 'Wall time', 'RSS idle', 'Max RSS in run', 'Growth', 'Growth ÷ file size', 'VmHWM before → after'],
		rows: [
			[
				data.bytesIntact ? 'yes' : 'NO',
				seconds(data.wallMs),
				mebibytes(data.idleRssMiB),
				mebibytes(data.maxRssMiB),
				mebibytes(data.growthMiB),
				ratio(data.growthMiB / fileMiB),
				`${mebibytes(data.peakBeforeMiB)} → ${mebibytes(data.peakAfterMiB)}`,
			],
		],
		ratios: [{ scenario: 'Upload memory', label: 'RSS growth ÷ file size', value: data.growthMiB / fileMiB }],
		notes: ['Growth is the highest resident memory seen during the call less the idle level before it.'],
		data,
	};
}
