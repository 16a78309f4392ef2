/** A multipart/form-data body built as bytes, so it passes through n8n's request helper untouched. */

export interface MultipartPart {
	name: string;
	value: string | Buffer;
	fileName?: string;
	contentType?: string;
}

export interface MultipartBody {
	body: Buffer;
	contentType: string;
}

const quote = (text: string) => text.replace(/["\r\n]/g, (c) => encodeURIComponent(c));

export function encodeMultipart(parts: MultipartPart[], boundary = `----omnichat${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`): MultipartBody {
	const chunks: Buffer[] = [];
	for (const part of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"`;
		if (part.fileName !== undefined) head += `; filename="${quote(part.fileName)}"`;
		head += '\r\n';
		if (part.fileName !== undefined || part.contentType) head += `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n`;
		chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
