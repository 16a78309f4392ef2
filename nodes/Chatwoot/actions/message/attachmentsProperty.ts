import type { INodeProperties } from 'n8n-workflow';

/** Files to send with a message, by the names of the input item's binary fields. */
export const attachmentsProperty: INodeProperties = {
	displayName: 'Attachments',
	name: 'attachments',
	type: 'string',
	default: '',
	placeholder: 'data, invoice',
	description: 'Names of the input binary fields to attach, separated by commas. Leave empty to send text only.',
};

/** Chatwoot sends audio attachments flagged so as recorded voice messages (WhatsApp voice notes). */
export const voiceMessageProperty: INodeProperties = {
	displayName: 'Send Audio as Voice Message',
	name: 'voiceMessage',
	type: 'boolean',
	default: false,
	description: 'Whether audio attachments are delivered as recorded voice messages (WhatsApp voice notes) instead of files',
};
