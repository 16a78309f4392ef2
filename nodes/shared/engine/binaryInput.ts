import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from './inputErrors';

export interface BinaryFile {
	fileName: string;
	mimeType: string;
	bytes: Buffer;
}

/**
 * Reads a binary property of an input item, in any n8n binary data mode, refusing a missing property or
 * a file over the platform's limit with a message that names the field and the item.
 */
export async function readBinaryInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	limit: { bytes: number; platform: string },
	label = 'Input Binary Field',
): Promise<BinaryFile> {
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
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (bytes.length > limit.bytes) {
		throw fieldError(
			ctx,
			itemIndex,
			`File "${meta.fileName ?? name}" is too large (${Math.ceil(bytes.length / 1048576)} MB)`,
			`${limit.platform} accepts files up to ${Math.round(limit.bytes / 1048576)} MB.`,
		);
	}
	return {
		fileName: meta.fileName || `${name}.${meta.fileExtension ?? 'bin'}`,
		mimeType: meta.mimeType || 'application/octet-stream',
		bytes,
	};
}
