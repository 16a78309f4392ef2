import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** One answer as output items: a list becomes one item per record; an empty answer says it succeeded. */
export function toItems(body: unknown): INodeExecutionData[] {
	if (Array.isArray(body)) return body.map((entry) => ({ json: (typeof entry === 'object' && entry !== null ? entry : { value: entry }) as IDataObject }));
	if (body === null || body === undefined || (typeof body === 'object' && Object.keys(body).length === 0)) {
		return [{ json: { success: true } }];
	}
	if (typeof body !== 'object') return [{ json: { value: body as string } }];
	return [{ json: body as IDataObject }];
}

/**
 * The output item of an item that failed under Continue On Fail, paired with its input item: `error` (the
 * message) and `details` (the description). n8n's "Continue (using error output)" sends an item to the error
 * output when its json holds nothing but `error`, `message` and `details`, so no other key may be added.
 */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const message = error instanceof Error ? error.message : String(error);
	const description = (error as { description?: unknown } | undefined)?.description;
	return {
		json: { error: message, ...(typeof description === 'string' && description ? { details: description } : {}) },
		pairedItem: { item: itemIndex },
	};
}
