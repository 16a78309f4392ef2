import type { IBinaryKeyData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { ApiClient } from '../transport/apiClient';

export interface RemoteFile {
	url: string;
	/** Falls back to the last segment of the URL. */
	fileName?: string;
}

export interface DownloadResult {
	binary: IBinaryKeyData;
	/** One entry per file that could not be downloaded; the delivery still starts its execution. */
	failures: IDataObject[];
}

/** Binary property of the n-th file of a delivery. */
export const attachmentProperty = (index: number) => `attachment_${index}`;

/** Path of a file URL below the API's base URL: such files are fetched with the credential. */
function pathBelow(baseUrl: string, url: string): string | undefined {
	return url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : undefined;
}

function fileNameOf(url: string): string {
	const last = url.split('?')[0].split('/').filter(Boolean).pop() ?? 'file';
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

/**
 * Downloads files into binary properties `attachment_0`, `attachment_1`... A failed download is reported
 * on the item instead of failing the delivery: the platform would retry it, and the retry would be
 * dropped as a duplicate.
 */
export async function downloadFiles(ctx: IWebhookFunctions, client: ApiClient, files: RemoteFile[]): Promise<DownloadResult> {
	const result: DownloadResult = { binary: {}, failures: [] };
	if (files.length === 0) return result;
	const baseUrl = client.profile.baseUrl(await client.credentialData());
	for (const [index, file] of files.entries()) {
		const path = pathBelow(baseUrl, file.url);
		try {
			// Links to other hosts (storage, CDN) are fetched without the credential.
			const response = await client.requestFull<Uint8Array>(
				path === undefined
					? { method: 'GET', path: '', publicUrl: file.url, response: 'binary', headers: { Accept: '*/*' } }
					: { method: 'GET', path, response: 'binary', headers: { Accept: '*/*' } },
			);
			const contentType = response.headers['content-type'];
			const mimeType = (Array.isArray(contentType) ? contentType[0] : contentType)?.split(';')[0].trim() || undefined;
			result.binary[attachmentProperty(index)] = await ctx.helpers.prepareBinaryData(
				Buffer.from(response.body),
				file.fileName || fileNameOf(file.url),
				mimeType,
			);
		} catch (error) {
			result.failures.push({ index, url: file.url, error: error instanceof Error ? error.message : String(error) });
		}
	}
	return result;
}
