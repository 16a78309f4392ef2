import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import type { ApiErrorDetails } from './apiProfile';
import { redactText } from './redact';

const STATUS_HINTS: Record<number, string> = {
	400: 'The request was refused as invalid. Check the fields named above.',
	401: 'The API key was refused. Check the credential.',
	403: 'The key has no permission for this action.',
	404: 'Nothing exists under this ID. Check the ID or pick it from the list.',
	409: 'The request conflicts with the current state of the record.',
	413: 'The file or body is larger than the API accepts.',
	422: 'The API could not process the values sent. Check the fields named above.',
	429: 'The API rate limit was still exceeded after retrying. Lower the concurrency or retry later.',
};

export interface HttpFailure {
	platformName: string;
	method: string;
	path: string;
	status?: number;
	details?: ApiErrorDetails;
	/** Set when no usable HTTP answer arrived (reset, timeout, malformed body...). */
	transportProblem?: string;
	itemIndex?: number;
	secrets: string[];
}

/**
 * Builds the error shown to the user. It is created from plain, redacted strings only: wrapping the
 * underlying HTTP client error would carry its request config (and the API key header) into the output.
 */
export function toNodeApiError(node: INode, failure: HttpFailure): NodeApiError {
	const { platformName, status, details = {}, transportProblem, secrets } = failure;
	const where = `${failure.method} ${failure.path}`;
	let message: string;
	if (status !== undefined) {
		const said = details.text ?? details.key ?? 'no error text';
		message = `${platformName} answered ${status}: ${said}`;
	} else {
		message = `${platformName} request failed: ${transportProblem ?? 'no answer'}`;
	}
	const lines: string[] = [];
	if (details.fieldErrors?.length) lines.push(`Fields: ${details.fieldErrors.join('; ')}`);
	if (details.key) lines.push(`Error key: ${details.key}`);
	if (details.reference) lines.push(`Support reference: ${details.reference}`);
	if (status !== undefined && STATUS_HINTS[status]) lines.push(STATUS_HINTS[status]);
	lines.push(`Request: ${where}`);
	const response: JsonObject = {
		httpCode: status ?? null,
		key: details.key ?? null,
		text: details.text ?? null,
		reference: details.reference ?? null,
		request: where,
	};
	const error = new NodeApiError(
		node,
		JSON.parse(redactText(JSON.stringify(response), secrets)) as JsonObject,
		{
			message: redactText(message, secrets),
			description: redactText(lines.join('\n'), secrets),
			httpCode: status === undefined ? undefined : String(status),
			itemIndex: failure.itemIndex,
		},
	);
	return error;
}
