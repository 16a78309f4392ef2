import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

import type { IDataObject, INode } from 'n8n-workflow';

/**
 * Secrets a trigger keeps in the workflow's static data (the WTS URL secret, the Chatwoot signing secret) are
 * kept encrypted with AES-256-GCM under a key derived from the credential's API key or token and the trigger's
 * webhook id (HKDF-SHA256). n8n encrypts credentials but stores static data as plain JSON in the workflow,
 * which exports, backups and database reads show: there the secret is unreadable without the credential.
 */

const SEALED_PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type KeyPurpose = 'delivery secret' | 'forwarded delivery';

/** A 256-bit key for one trigger and purpose, from the credential's secret. */
export function triggerKey(credentialSecret: string, webhookId: string, purpose: KeyPurpose): Buffer {
	return Buffer.from(hkdfSync('sha256', credentialSecret, webhookId, `n8n-nodes-omnichat trigger ${purpose}`, 32));
}

export function seal(secret: string, key: Buffer): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url');
}

/** The sealed secret, or undefined when it was sealed under another key (the credential changed) or altered. */
export function unseal(sealed: string, key: Buffer): string | undefined {
	if (!sealed.startsWith(SEALED_PREFIX)) return undefined;
	const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
	if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
		decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
		return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

/** Where a trigger keeps one secret in its static data: sealed, and the plain field earlier versions used. */
export interface SecretFields {
	sealed: string;
	plain: string;
}

/**
 * The secret in `state`: the sealed one, else the plain one an earlier version of the trigger kept, so
 * workflows activated before the upgrade go on working. Undefined when neither can be read.
 */
export function readSecret(state: IDataObject, fields: SecretFields, key: Buffer): string | undefined {
	const sealed = state[fields.sealed];
	if (typeof sealed === 'string') return unseal(sealed, key);
	const plain = state[fields.plain];
	return typeof plain === 'string' ? plain : undefined;
}

/** Keeps `secret` sealed in `state` and drops a plain copy an earlier version kept. */
export function keepSecret(state: IDataObject, fields: SecretFields, key: Buffer, secret: string): void {
	state[fields.sealed] = seal(secret, key);
	delete state[fields.plain];
}

/** Replaces a plain secret an earlier version kept by its sealed form; true when there was one. */
export function sealPlainSecret(state: IDataObject, fields: SecretFields, key: Buffer): boolean {
	const plain = state[fields.plain];
	if (typeof plain !== 'string') return false;
	if (typeof state[fields.sealed] === 'string') delete state[fields.plain];
	else keepSecret(state, fields, key, plain);
	return true;
}

/** A trigger's key for `purpose`: from the credential's `secretField` and the node's webhook id. */
export async function credentialKey(
	ctx: { getCredentials(type: string): Promise<IDataObject>; getNode(): INode },
	credential: { type: string; secretField: string },
	purpose: KeyPurpose,
): Promise<Buffer> {
	const credentials = await ctx.getCredentials(credential.type);
	const node = ctx.getNode();
	return triggerKey(String(credentials[credential.secretField] ?? ''), node.webhookId ?? node.id, purpose);
}

export function dropSecret(state: IDataObject, fields: SecretFields): void {
	delete state[fields.sealed];
	delete state[fields.plain];
}
