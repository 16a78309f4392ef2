import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

/** The production or test URL n8n serves for this trigger. */
export function ownWebhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL');
	return url;
}

/** Name shown in the platform's webhook list, so people can tell which workflow a webhook feeds. */
export function registrationName(ctx: IHookFunctions, maxLength: number): string {
	return `n8n: ${ctx.getWorkflow().name ?? ctx.getWorkflow().id ?? ''} / ${ctx.getNode().name}`.slice(0, maxLength);
}

/** Scope of the delivery log: one per workflow and trigger node. */
export function deliveryScope(ctx: { getWorkflow(): { id?: string }; getNode(): { id: string } }): string {
	return `${ctx.getWorkflow().id ?? ''}|${ctx.getNode().id}`;
}
