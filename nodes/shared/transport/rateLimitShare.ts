import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

import type { ApiProfile } from './apiProfile';
import type { RateLimitRule } from './rateLimiter';

/**
 * Pacing lives in each n8n process. A credential used by several processes at once (queue-mode workers)
 * declares how many, and each process paces to its part of every limit, so together they stay within it.
 * Every platform's credential offers the same field; `limits` says which limits are shared, in the
 * platform's words, and `sendsWith` what the processes share ("with this API key").
 */
export function rateLimitShareProperty(sendsWith: string, limits: string): INodeProperties {
	return {
		displayName: 'Processes Sending at Once',
		name: 'rateLimitShare',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: `How many n8n processes may send ${sendsWith} at the same time: in queue mode, the number of workers. Each paces to its part of ${limits}, so together they stay within them.`,
	};
}

/**
 * The rules for one of `share` n8n processes that send for the same account at once (queue-mode workers):
 * each paces to its part of every limit, so together they stay within it. A share below 1 or not a whole
 * number counts as 1.
 */
export function rulesForShare(rules: RateLimitRule[], share: unknown): RateLimitRule[] {
	const processes = typeof share === 'number' && Number.isInteger(share) && share > 1 ? share : 1;
	if (processes === 1) return rules;
	return rules.map((rule) => ({ ...rule, requests: Math.max(1, Math.floor(rule.requests / processes)) }));
}

/** What this process paces a credential's requests to: the platform's limits, divided by the credential's share. */
export function pacedRules(profile: ApiProfile, credentials: ICredentialDataDecryptedObject): RateLimitRule[] {
	return rulesForShare(profile.rateLimits(credentials), credentials.rateLimitShare);
}
