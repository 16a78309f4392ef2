/**
 * multipart/form-data bodies. Text parts are bytes; file parts stream from n8n's binary store when it keeps the
 * file, so a large attachment is never held whole in memory. The length is known before sending.
 */
import type { BinarySource, BinaryStream } from '../engine/binaryInput';

export type MultipartPart = { name: string; value: string } | { name: string; file: BinarySource };

export interface MultipartBody {
	contentType: string;
	/** Bytes of the whole body, sent as Content-Length. */
	length: number;
	/** The body, opened afresh for each attempt: bytes when every part is in memory, else a stream. */
	open(): Promise<BinaryStream | Buffer>;
}

const quote = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
const CRLF = Buffer.from('\r\n');

function partHead(boundary: string, part: MultipartPart): Buffer {
	let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"`;
	if ('file' in part) head += `; filename="${quote(part.file.fileName)}"\r\nContent-Type: ${part.file.mimeType}`;
	return Buffer.from(`${head}\r\n\r\n`);
}

/**
 * A readable stream of `chunks`. Community nodes cannot import node:stream, so the stream is made with
 * `Readable.from`, reached through the class of a stream n8n's binary store handed over.
 */
function streamLike(model: BinaryStream, chunks: AsyncIterable<Buffer>): BinaryStream {
	const readable = model.constructor as unknown as { from: (source: AsyncIterable<Buffer>, options: { objectMode: boolean }) => BinaryStream };
	return readable.from(chunks, { objectMode: false });
}

export function encodeMultipart(parts: MultipartPart[], boundary = `----omnichat${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`): MultipartBody {
	const heads = parts.map((part) => partHead(boundary, part));
	const closing = Buffer.from(`--${boundary}--\r\n`);
	const valueOf = (part: MultipartPart) => ('file' in part ? undefined : Buffer.from(part.value));
	const length =
		parts.reduce((sum, part, i) => sum + heads[i].length + ('file' in part ? part.file.size : (valueOf(part)?.length ?? 0)) + CRLF.length, 0) + closing.length;
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length,
		async open() {
			const bodies = await Promise.all(parts.map(async (part) => ('file' in part ? await part.file.open() : (valueOf(part) as Buffer))));
			const model = bodies.find((body): body is BinaryStream => !Buffer.isBuffer(body));
			if (!model) return Buffer.concat([...bodies.flatMap((body, i) => [heads[i], body as Buffer, CRLF]), closing]);
			async function* chunks(): AsyncGenerator<Buffer> {
				for (const [i, body] of bodies.entries()) {
					yield heads[i];
					if (Buffer.isBuffer(body)) yield body;
					else for await (const chunk of body) yield chunk as Buffer;
					yield CRLF;
				}
				yield closing;
			}
			return streamLike(model, chunks());
		},
	};
}
