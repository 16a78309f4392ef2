// Request body reading and parsing: JSON and multipart/form-data (parsed here with Buffer
// operations only), anything else kept as raw bytes.
import type { IncomingMessage } from 'node:http';

export interface MultipartPart {
	name: string;
	filename: string | null;
	contentType: string | null;
	data: Buffer;
}

export type ParsedBody =
	| { kind: 'none' }
	| { kind: 'json'; value: unknown }
	| { kind: 'multipart'; parts: MultipartPart[] }
	| { kind: 'raw'; contentType: string | null; bytes: Buffer };

export class BodyTooLargeError extends Error {
	constructor(readonly limit: number) {
		super(`Request body exceeds ${limit} bytes`);
	}
}

export class BodySyntaxError extends Error {}

/**
 * Reads the whole body, failing with BodyTooLargeError as soon as it passes `limit`
 * (the rest is drained so the response can still be written on the same socket).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(request.headers['content-length']);
		if (Number.isFinite(declared) && declared > limit) {
			request.resume();
			request.once('end', () => reject(new BodyTooLargeError(limit)));
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) tooLarge = true;
			if (!tooLarge) chunks.push(chunk);
		});
		request.once('end', () =>
			tooLarge ? reject(new BodyTooLargeError(limit)) : resolve(Buffer.concat(chunks)),
		);
		request.once('error', reject);
	});
}

/** `type/subtype` in lower case, without parameters. */
export function mediaType(contentType: string | undefined | null): string | null {
	if (!contentType) return null;
	return contentType.split(';')[0].trim().toLowerCase();
}

export function isJsonMediaType(type: string | null): boolean {
	return (
		type !== null && (type === 'application/json' || type === 'text/json' || type.endsWith('+json'))
	);
}

function headerParameter(header: string, name: string): string | null {
	// Handles `name="quoted; value"`, `name=token` and RFC 5987 `name*=UTF-8''percent%20encoded`.
	const extended = new RegExp(`(?:^|;)\\s*${name}\\*\\s*=\\s*([^']*)'[^']*'([^;]*)`, 'i').exec(
		header,
	);
	if (extended) return decodeURIComponent(extended[2].trim());
	const plain = new RegExp(
		`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`,
		'i',
	).exec(header);
	if (!plain) return null;
	return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
}

/** Parses a multipart/form-data body (RFC 7578). */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
	const boundary = headerParameter(contentType, 'boundary');
	if (!boundary) throw new BodySyntaxError('multipart body without boundary parameter');
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(delimiter);
	if (position < 0) throw new BodySyntaxError('multipart boundary not found');
	for (;;) {
		position += delimiter.length;
		// `--` right after a delimiter closes the body.
		if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
		if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
		const headerEnd = body.indexOf('\r\n\r\n', position);
		if (headerEnd < 0) throw new BodySyntaxError('multipart part without header terminator');
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) throw new BodySyntaxError('multipart body is not terminated');
		const headers = new Map<string, string>();
		for (const line of body.subarray(position, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
		}
		const disposition = headers.get('content-disposition') ?? '';
		const name = headerParameter(disposition, 'name');
		if (name === null) throw new BodySyntaxError('multipart part without a name');
		parts.push({
			name,
			filename: headerParameter(disposition, 'filename'),
			contentType: headers.get('content-type') ?? null,
			data: body.subarray(headerEnd + 4, next),
		});
		position = next + 2;
	}
}

/** Parses bytes according to the Content-Type header. Empty bodies are `none`. */
export function parseBody(bytes: Buffer, contentType: string | undefined): ParsedBody {
	if (bytes.length === 0) return { kind: 'none' };
	const type = mediaType(contentType);
	if (isJsonMediaType(type)) {
		try {
			return { kind: 'json', value: JSON.parse(bytes.toString('utf8')) };
		} catch (error) {
			throw new BodySyntaxError(`body is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (type === 'multipart/form-data')
		return { kind: 'multipart', parts: parseMultipart(bytes, contentType ?? '') };
	return { kind: 'raw', contentType: type, bytes };
}
