import { createHmac } from 'node:crypto';

import { constantTimeEqual } from '../shared/trigger/constantTimeEqual';

export interface SignedDelivery {
	/** The webhook's secret as Chatwoot returned it; '' when the server signs nothing, undefined when unknown. */
	secret?: string;
	/** `X-Chatwoot-Signature`: `sha256=<hex>`. */
	signature?: string;
	/** `X-Chatwoot-Timestamp`: unix seconds. */
	timestamp?: string;
	rawBody: Uint8Array;
	nowSeconds: number;
	toleranceSeconds: number;
	/** Older self-hosted servers send no signature; trust those deliveries anyway. */
	acceptUnsigned: boolean;
}

/** Chatwoot's signature: HMAC-SHA256 over `<timestamp>.<raw body>` with the webhook's secret. */
export function chatwootSignature(secret: string, timestamp: string, rawBody: Uint8Array): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** Why a delivery is refused, or undefined when it may start the workflow. */
export function signatureProblem(delivery: SignedDelivery): string | undefined {
	const { signature, secret, timestamp } = delivery;
	if (!signature) return delivery.acceptUnsigned ? undefined : 'Missing X-Chatwoot-Signature';
	if (!secret) {
		return delivery.acceptUnsigned ? undefined : 'No signing secret is known for this webhook, or the credential changed since the workflow was activated: deactivate and activate the workflow again';
	}
	if (!timestamp || !/^\d+$/.test(timestamp)) return 'Missing or invalid X-Chatwoot-Timestamp';
	if (Math.abs(delivery.nowSeconds - Number(timestamp)) > delivery.toleranceSeconds) {
		return 'X-Chatwoot-Timestamp is too old or in the future: a replayed or delayed delivery';
	}
	// The timestamp is signed as sent, so it is used as the header spelled it.
	if (!constantTimeEqual(signature.trim().toLowerCase(), chatwootSignature(secret, timestamp, delivery.rawBody))) {
		return 'X-Chatwoot-Signature does not match the body';
	}
	return undefined;
}
