/** Hand-written touches on the generated WTS table: which fields get a picker, which items keep their order. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PickerFor } from '../shared/engine/describeOperations';
import { isTopLevel, optionalCollectionOf } from '../shared/engine/fieldLabels';
import type { OperationSpec } from '../shared/engine/operationTable';

const PICKER_BY_KEY: Record<string, string> = {
	from: 'getChannels',
	channelId: 'getChannels',
	ChannelId: 'getChannels',
	ChannelsId: 'getChannels',
	ChannelIds: 'getChannels',
	channelIds: 'getChannels',
	botKey: 'getChatbots',
	departmentId: 'getDepartments',
	DepartmentId: 'getDepartments',
	DefaultDepartmentIds: 'getDepartments',
	departmentIds: 'getDepartments',
	userId: 'getUsers',
	UserId: 'getUsers',
	responsibleUserId: 'getUsers',
	ResponsibleUserId: 'getUsers',
	tagIds: 'getTags',
	TagsId: 'getTags',
	templateId: 'getTemplates',
	panelId: 'getPanels',
	PanelId: 'getPanels',
	stepId: 'getSteps',
	StepId: 'getSteps',
	portfolioIds: 'getPortfolios',
	sequenceIds: 'getSequences',
};

/** The `{id}` of these resources' paths is an id the account lists. */
const PICKER_FOR_PATH_ID: Record<string, string> = {
	department: 'getDepartments',
	panel: 'getPanels',
	portfolio: 'getPortfolios',
	sequence: 'getSequences',
	tag: 'getTags',
};

export const wtsPickerFor: PickerFor = (op, field) => {
	if (field.in === 'path' && field.key === 'id') return PICKER_FOR_PATH_ID[op.resource];
	return PICKER_BY_KEY[field.key];
};

function valueOf(ctx: IExecuteFunctions, op: OperationSpec, key: string, itemIndex: number): string | undefined {
	const field = op.fields.find((f) => f.key === key);
	if (!field) return undefined;
	const value = isTopLevel(field)
		? ctx.getNodeParameter(field.name, itemIndex, '', { extractValue: true })
		: (ctx.getNodeParameter(optionalCollectionOf(op).name, itemIndex, {}) as IDataObject)[field.name];
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Messages to one conversation (a session, or a channel + recipient) must arrive in input order. */
export function wtsOrderKey(ctx: IExecuteFunctions, op: OperationSpec, itemIndex: number): string | undefined {
	if (op.resource === 'session' && op.path.startsWith('/chat/v1/session/{id}')) {
		return `session:${valueOf(ctx, op, 'id', itemIndex) ?? ''}`;
	}
	const session = valueOf(ctx, op, 'sessionId', itemIndex);
	if (session) return `session:${session}`;
	const to = valueOf(ctx, op, 'to', itemIndex);
	return to ? `to:${valueOf(ctx, op, 'from', itemIndex) ?? ''}|${to}` : undefined;
}
