/**
 * Sandboxes, credentials and node builders for the reliability suite. Each scenario gets a sandbox of its
 * own, with its own key: what a sandbox recorded is exactly what that scenario sent, fault rules of one
 * scenario never fire for another, and the secret scan has one distinct key per sandbox to look for.
 */
import { randomBytes } from 'node:crypto';

import type { FaultInjector } from '../../sandbox/core/faults.mts';
import type { RequestRecorder } from '../../sandbox/core/recorder.mts';
import type { ChatwootSeed } from '../../sandbox/chatwoot/seed.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import type { WtsSeed } from '../../sandbox/wts/seed.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import {
	codeNode,
	customNodeType,
	manualTrigger,
	workflow,
	workflowId,
	type Credential,
	type NodeSpec,
	type Workflow,
} from '../harness/n8n.mts';

export type Platform = 'wts' | 'chatwoot' | 'konverte';

export const PLATFORM_NAME: Record<Platform, string> = {
	wts: 'WTS Chat',
	chatwoot: 'Chatwoot',
	konverte: 'Konverte Digital',
};

const NODE_TYPE: Record<Platform, string> = {
	wts: customNodeType('wtsChat'),
	chatwoot: customNodeType('chatwoot'),
	konverte: customNodeType('konverteDigital'),
};

const CREDENTIAL_TYPE: Record<Platform, string> = {
	wts: 'wtsChatApi',
	chatwoot: 'chatwootApi',
	konverte: 'konverteDigitalApi',
};

/** What every platform's sandbox offers the suite. */
interface SandboxCommon {
	url: string;
	/** The key (WTS) or access token (Chatwoot family) the credential carries. */
	secret: string;
	recorder: RequestRecorder;
	faults: FaultInjector;
	credential: Credential;
	close(): Promise<void>;
}

export type PlatformSandbox =
	| (SandboxCommon & { platform: 'wts'; wts: WtsSandbox })
	| (SandboxCommon & { platform: 'chatwoot' | 'konverte'; chatwoot: ChatwootSandbox });

export function wtsSeedOf(sandbox: PlatformSandbox): WtsSeed {
	if (sandbox.platform !== 'wts')
		throw new Error(`${sandbox.credential.name} is not a WTS sandbox`);
	return sandbox.wts.seed;
}

export function chatwootSeedOf(sandbox: PlatformSandbox): ChatwootSeed {
	if (sandbox.platform === 'wts')
		throw new Error(`${sandbox.credential.name} is not a Chatwoot sandbox`);
	return sandbox.chatwoot.seed;
}

/** A random secret, so that finding it anywhere in n8n's output can only mean it leaked from this suite. */
function newSecret(prefix: string): string {
	return `${prefix}${randomBytes(12).toString('hex')}`;
}

export interface SandboxOptions {
	/** WTS only: the presigned upload's size limit. */
	maxUploadBytes?: number;
	faultSeed?: number;
}

export async function startPlatformSandbox(
	platform: Platform,
	label: string,
	options: SandboxOptions = {},
): Promise<PlatformSandbox> {
	const credentialId = workflowId();
	const credentialName = `${PLATFORM_NAME[platform]} (${label})`;
	if (platform === 'wts') {
		const secret = newSecret('pn_rel_');
		const wts = await startWtsSandbox({
			apiKeys: [secret],
			maxUploadBytes: options.maxUploadBytes,
			faultSeed: options.faultSeed,
		});
		return {
			platform,
			wts,
			url: wts.url,
			secret,
			recorder: wts.recorder,
			faults: wts.faults,
			credential: {
				id: credentialId,
				name: credentialName,
				type: CREDENTIAL_TYPE.wts,
				data: { apiKey: secret, baseUrl: wts.url },
			},
			close: wts.close,
		};
	}
	const secret = newSecret('cw_rel_');
	const chatwoot = await startChatwootSandbox({ userToken: secret, faultSeed: options.faultSeed });
	return {
		platform,
		chatwoot,
		url: chatwoot.url,
		secret,
		recorder: chatwoot.recorder,
		faults: chatwoot.faults,
		credential: {
			id: credentialId,
			name: credentialName,
			type: CREDENTIAL_TYPE[platform],
			data: { url: chatwoot.url, accessToken: secret, accountId: String(chatwoot.accountId) },
		},
		close: chatwoot.close,
	};
}

/** The platform's node, using the sandbox's credential, keeping every item under Continue On Fail. */
export function platformNode(
	sandbox: PlatformSandbox,
	name: string,
	parameters: Record<string, unknown>,
	{ continueOnFail = true }: { continueOnFail?: boolean } = {},
): NodeSpec {
	return {
		name,
		type: NODE_TYPE[sandbox.platform],
		typeVersion: 1,
		parameters,
		credentials: {
			[sandbox.credential.type]: { id: sandbox.credential.id, name: sandbox.credential.name },
		},
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
}

export const INPUT_NODE = 'Input Items';

/** Start → a Code node emitting `inputs` as items → `node`. */
export function itemsWorkflow(
	name: string,
	inputs: Array<Record<string, unknown>>,
	node: NodeSpec,
): Workflow {
	const input = codeNode(INPUT_NODE, `return ${JSON.stringify(inputs)}.map((json) => ({ json }));`);
	return workflow({ name, nodes: [manualTrigger(), input, node] });
}

/** A Chatwoot resource locator given by ID (an expression is allowed). */
export function locatorById(value: string): Record<string, unknown> {
	return { __rl: true, mode: 'id', value };
}
