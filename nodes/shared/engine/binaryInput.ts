import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from './inputErrors';

export interface BinaryLimit {
	bytes: number;
	platform: string;
}

/** A binary property of an input item, checked from its metadata: present, and within the platform's limit. */
export interface BinaryInput {
	itemIndex: number;
	property: string;
	fileName: string;
	mimeType: string;
	limit: BinaryLimit;
	/** Size recorded in the metadata, when n8n recorded one. */
	size?: number;
	/** Where n8n's binary store keeps the file (filesystem, database or S3 mode); absent for in-memory data. */
	binaryId?: string;
}

/** What n8n's binary store hands out: a Node.js readable stream. */
export type BinaryStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/**
 * The bytes of a checked binary input, ready to send. `open` gives a fresh stream from n8n's binary store each
 * time (a request that is sent again reads the file again), so the file is never held whole in memory; data
 * n8n keeps in memory anyway comes as its bytes.
 */
export interface BinarySource {
	fileName: string;
	mimeType: string;
	size: number;
	open(): Promise<BinaryStream | Buffer>;
}

function tooLarge(ctx: IExecuteFunctions, itemIndex: number, fileName: string, size: number, limit: BinaryLimit) {
	return fieldError(
		ctx,
		itemIndex,
		`File "${fileName}" is too large (${Math.ceil(size / 1048576)} MB)`,
		`${limit.platform} accepts files up to ${Math.round(limit.bytes / 1048576)} MB.`,
	);
}

/**
 * Checks a binary property of an input item without reading it, in any n8n binary data mode: a missing
 * property, or a file whose recorded size is over the platform's limit, is refused naming the field and the item.
 */
export function checkBinaryInput(ctx: IExecuteFunctions, itemIndex: number, property: string, limit: BinaryLimit, label = 'Input Binary Field'): BinaryInput {
	const name = property.trim();
	if (!name) throw fieldError(ctx, itemIndex, `"${label}" is required`, 'Name the binary property that holds the file, e.g. data.');
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[name]) {
		throw fieldError(
			ctx,
			itemIndex,
			`No binary property "${name}" on item ${itemIndex}`,
			`"${label}" names a binary property of the input item; this item has: ${Object.keys(binary).join(', ') || 'none'}.`,
		);
	}
	const meta = ctx.helpers.assertBinaryData(itemIndex, name);
	const fileName = meta.fileName || `${name}.${meta.fileExtension ?? 'bin'}`;
	if (typeof meta.bytes === 'number' && meta.bytes > limit.bytes) throw tooLarge(ctx, itemIndex, fileName, meta.bytes, limit);
	return {
		itemIndex,
		property: name,
		fileName,
		mimeType: meta.mimeType || 'application/octet-stream',
		limit,
		size: typeof meta.bytes === 'number' ? meta.bytes : undefined,
		binaryId: meta.id,
	};
}

/**
 * Opens a checked binary input for sending: streamed from n8n's binary store when the file is there with a
 * recorded size; otherwise read, and a file without a recorded size is measured here against the same limit.
 */
export async function binarySource(ctx: IExecuteFunctions, input: BinaryInput): Promise<BinarySource> {
	const { binaryId, size } = input;
	const described = { fileName: input.fileName, mimeType: input.mimeType };
	if (binaryId && size !== undefined) return { ...described, size, open: async () => await ctx.helpers.getBinaryStream(binaryId) };
	const bytes = await ctx.helpers.getBinaryDataBuffer(input.itemIndex, input.property);
	if (bytes.length > input.limit.bytes) throw tooLarge(ctx, input.itemIndex, input.fileName, bytes.length, input.limit);
	return { ...described, size: bytes.length, open: async () => bytes };
}
