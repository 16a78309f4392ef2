import { NodeOperationError, WebhookPathTakenError, type IHookFunctions, type INode } from 'n8n-workflow';

import { DEFAULT_SETTINGS, type TransportSettings } from '../transport/apiClient';

/**
 * Registration runs while n8n activates or deactivates the workflow, under n8n's own deadline: a request is
 * sent once and waits at most 8 s, so an unreachable platform is reported at once with its own error.
 */
export const REGISTRATION_SETTINGS: TransportSettings = { ...DEFAULT_SETTINGS, maxRetries: 0, timeoutMs: 8_000 };

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

const asError = (error: unknown): Error & { description?: string | null } =>
	error instanceof Error ? error : new Error(String(error));

/**
 * An activation failure n8n reports at once. n8n 2.40.7 tries a failed trigger activation five times, 15 s
 * of waiting in all, unless the error is a WebhookPathTakenError (isTransientActivationError in n8n's
 * workflows/triggers/trigger-activation-retry.js). An unreachable platform or a refusal does not change
 * within seconds, so the failure travels as that class, with the platform's own message and description
 * and the transport's NodeApiError as its cause.
 */
class FinalActivationError extends WebhookPathTakenError {
	constructor(node: INode, cause: Error & { description?: string | null }) {
		super(node.name, cause);
		this.message = cause.message;
		this.description = cause.description ?? null;
		this.node = node;
	}
}

/** An activation step whose failure is final (see FinalActivationError). */
async function finalOnFailure(node: INode, step: Promise<boolean>): Promise<boolean> {
	return await step.catch(async (error: unknown) => await Promise.reject(new FinalActivationError(node, asError(error))));
}

/** The webhook methods n8n calls on activation (checkExists, then create) and deactivation (delete). */
export interface RegistrationLifecycle {
	/** Takes over a registration that already delivers here; false when there is none. */
	adopt(ctx: IHookFunctions): Promise<boolean>;
	create(ctx: IHookFunctions): Promise<boolean>;
	/** Removes every registration that delivers here. */
	remove(ctx: IHookFunctions): Promise<boolean>;
}

/**
 * The trigger's `webhookMethods`. Activation failures are final (see FinalActivationError). A removal that
 * fails is reported, and n8n logs it as "External webhook deregistration failed"; the registration left
 * behind still points at this trigger's URL, so the next activation takes it over and the next deactivation
 * removes it.
 */
export function registrationMethods(platformName: string, lifecycle: RegistrationLifecycle) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await finalOnFailure(this.getNode(), lifecycle.adopt(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await finalOnFailure(this.getNode(), lifecycle.create(this));
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				try {
					return await lifecycle.remove(this);
				} catch (error) {
					throw new NodeOperationError(
						this.getNode(),
						`Removing the webhook from ${platformName} failed: ${asError(error).message}. It stays registered on ${platformName} until this workflow is activated or deactivated again, which removes or takes it over.`,
					);
				}
			},
		},
	};
}
