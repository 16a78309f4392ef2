// File uploads. v2: GET /core/v2/file -> presigned URL on this server -> raw PUT -> POST /core/v2/file.
// v1 (legacy): POST /core/v1/file/upload -> PUT -> PUT /core/v1/file. The presigned PUT behaves like
// S3: no Authorization header allowed, signature checked, XML errors.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { RawResponse, RawRoute } from '../../core/http-server.mts';
import { toFile } from '../dto.mts';
import { bodyOf, ok, queryString, type WtsHandlers } from '../handler-kit.mts';
import type { FileRecord, FileType, UploadSlot } from '../records.mts';
import { badRequest, type WtsState } from '../state.mts';

export const UPLOAD_PREFIX = '/__upload/';
export const FILES_PREFIX = '/__files/';
const SECRET = randomBytes(16);

function sign(slotId: string): string {
	return createHmac('sha256', SECRET).update(slotId).digest('hex');
}

function presignedUrl(baseUrl: string, slot: UploadSlot): string {
	const query = new URLSearchParams({
		'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
		'X-Amz-Credential': 'SANDBOX/20250101/us-east-1/s3/aws4_request',
		'X-Amz-Date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
		'X-Amz-Expires': '900',
		'X-Amz-SignedHeaders': slot.mimeType ? 'content-type;host' : 'host',
		'X-Amz-Signature': slot.signature,
	});
	return `${baseUrl}${UPLOAD_PREFIX}${slot.id}?${query.toString()}`;
}

function newSlot(
	state: WtsState,
	name: string,
	mimeType: string | null,
	type: FileType,
): UploadSlot {
	const id = state.nextId();
	const slot: UploadSlot = {
		id,
		name,
		mimeType,
		type,
		signature: sign(id),
		bytes: null,
		contentType: null,
		savedFileId: null,
	};
	state.uploads.set(id, slot);
	return slot;
}

function detectType(mimeType: string, name: string): FileType {
	if (mimeType.startsWith('image/')) return 'IMAGE';
	if (mimeType.startsWith('audio/')) return 'AUDIO';
	if (mimeType.startsWith('video/')) return 'VIDEO';
	if (mimeType === 'application/pdf' || name.toLowerCase().endsWith('.pdf')) return 'PDF';
	if (/spreadsheet|excel|csv/.test(mimeType)) return 'EXCEL';
	if (/word/.test(mimeType)) return 'WORD';
	return 'DOCUMENT';
}

/** Turns an uploaded slot into a reusable file (saving the same slot twice returns the same file). */
function saveSlot(
	state: WtsState,
	slot: UploadSlot,
	overrides: { name?: string; mimeType?: string; extension?: string; type?: string },
): FileRecord {
	if (slot.savedFileId !== null) return state.file(slot.savedFileId);
	if (slot.bytes === null)
		throw badRequest(
			'FILE_NOT_UPLOADED',
			`Nothing was uploaded for ${slot.id}; PUT the bytes to urlUpload first`,
		);
	const name = overrides.name ?? slot.name;
	const mimeType =
		overrides.mimeType ?? slot.mimeType ?? slot.contentType ?? 'application/octet-stream';
	const given = overrides.type?.toUpperCase() as FileType | undefined;
	const type =
		given && given !== 'UNDEFINED'
			? given
			: slot.type !== 'UNDEFINED'
				? slot.type
				: detectType(mimeType, name);
	const now = state.nowIso();
	const file: FileRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		userId: null,
		name,
		extension:
			overrides.extension ?? (name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : ''),
		mimeType,
		type,
		size: slot.bytes.length,
		key: `files/${slot.id}/${name}`,
		bytes: slot.bytes,
	};
	state.files.set(file.id, file);
	slot.savedFileId = file.id;
	return file;
}

function s3Error(status: number, code: string, message: string): RawResponse {
	return {
		status,
		headers: { 'content-type': 'application/xml' },
		body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>SANDBOX</RequestId></Error>`,
		processed: false,
	};
}

const LEGACY_KEY = /^tmp\/([0-9a-f-]{36})\//;

export const fileHandlers: WtsHandlers = {
	getFileUploadUrl: (request, { state }) => {
		const slot = newSlot(
			state,
			queryString(request, 'Name') ?? 'file',
			queryString(request, 'MimeType') ?? null,
			(queryString(request, 'Type') ?? 'UNDEFINED') as FileType,
		);
		return ok({ tempFileId: slot.id, urlUpload: presignedUrl(request.baseUrl, slot) });
	},

	saveFile: (request, { state }) => {
		const { tempFileId } = bodyOf<{ tempFileId: string }>(request);
		const slot = state.uploads.get(tempFileId);
		if (slot === undefined)
			throw badRequest(
				'TEMP_FILE_NOT_FOUND',
				`tempFileId ${tempFileId} is unknown; get one from GET /core/v2/file`,
			);
		return ok(toFile(state, saveSlot(state, slot, {})));
	},

	getFileUploadUrlV1: (request, { state }) => {
		const body = bodyOf<{ mimeType: string; name: string }>(request);
		const slot = newSlot(state, body.name, body.mimeType, 'UNDEFINED');
		return ok({
			urlUpload: presignedUrl(request.baseUrl, slot),
			keyS3: `tmp/${slot.id}/${body.name}`,
		});
	},

	saveFileV1: (request, { state }) => {
		const body = bodyOf<{
			type?: string;
			name: string;
			extension?: string;
			keyS3: string;
			mimeType: string;
		}>(request);
		const slot = state.uploads.get(LEGACY_KEY.exec(body.keyS3)?.[1] ?? '');
		if (slot === undefined)
			throw badRequest(
				'TEMP_FILE_NOT_FOUND',
				`keyS3 ${body.keyS3} is unknown; get one from POST /core/v1/file/upload`,
			);
		return ok(
			toFile(
				state,
				saveSlot(state, slot, {
					name: body.name,
					mimeType: body.mimeType,
					extension: body.extension,
					type: body.type,
				}),
			),
		);
	},
};

/** The presigned PUT target. */
export function uploadRoute(state: WtsState, maxUploadBytes: number): RawRoute {
	return {
		name: 'upload',
		pathPrefix: UPLOAD_PREFIX,
		maxBodyBytes: maxUploadBytes,
		tooLarge: (limit) =>
			s3Error(
				400,
				'EntityTooLarge',
				`Your proposed upload exceeds the maximum allowed size (${limit} bytes)`,
			),
		handle: (request) => {
			if (request.method !== 'PUT')
				return s3Error(
					405,
					'MethodNotAllowed',
					'The specified method is not allowed against this resource.',
				);
			const slot = state.uploads.get(decodeURIComponent(request.path.slice(UPLOAD_PREFIX.length)));
			if (slot === undefined)
				return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
			if (request.headers.authorization !== undefined) {
				return s3Error(
					400,
					'InvalidArgument',
					'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
				);
			}
			if (new URLSearchParams(request.rawQuery).get('X-Amz-Signature') !== slot.signature) {
				return s3Error(
					403,
					'SignatureDoesNotMatch',
					'The request signature we calculated does not match the signature you provided.',
				);
			}
			const contentType = request.headers['content-type'];
			if (contentType === undefined)
				return s3Error(
					400,
					'MissingContentType',
					'Send the file with a Content-Type header (its MIME type).',
				);
			if (
				slot.mimeType !== null &&
				contentType.split(';')[0].trim().toLowerCase() !== slot.mimeType.toLowerCase()
			) {
				return s3Error(
					403,
					'SignatureDoesNotMatch',
					`The URL was signed for Content-Type ${slot.mimeType}, the request sent ${contentType}.`,
				);
			}
			slot.bytes = request.body;
			slot.contentType = contentType;
			return {
				status: 200,
				headers: { etag: `"${createHash('md5').update(request.body).digest('hex')}"` },
				processed: true,
			};
		},
	};
}

/** Public download of saved files (the `publicUrl` of a File). */
export function filesRoute(state: WtsState): RawRoute {
	return {
		name: 'files',
		pathPrefix: FILES_PREFIX,
		maxBodyBytes: 0,
		tooLarge: () => ({ status: 400, processed: false }),
		handle: (request) => {
			const file = state.files.get(request.path.slice(FILES_PREFIX.length).split('/')[0]);
			if (request.method !== 'GET' || file === undefined)
				return {
					status: 404,
					headers: { 'content-type': 'text/plain' },
					body: 'Not found',
					processed: false,
				};
			return {
				status: 200,
				headers: { 'content-type': file.mimeType },
				body: file.bytes,
				processed: true,
			};
		},
	};
}
