/** Hand-written touches on the generated WTS table: which fields get a picker, which items keep their order. */
import type { IDataObject } from 'n8n-workflow';

import type { PickerFor } from '../shared/engine/describeOperations';
import type { OperationSpec } from '../shared/engine/operationTable';
import { recipientKey } from './actions/message/sendFields';

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

/** Messages to one conversation (a session, or a channel + recipient) must arrive in input order. */
export function wtsOrderKey(op: OperationSpec, values: IDataObject): string | undefined {
	const valueOf = (key: string): string | undefined => {
		const value = values[op.fields.find((f) => f.key === key)?.name ?? ''];
		return typeof value === 'string' && value.trim() ? value.trim() : undefined;
	};
	if (op.resource === 'session' && op.path.startsWith('/chat/v1/session/{id}')) return `session:${valueOf('id') ?? ''}`;
	const session = valueOf('sessionId');
	if (session) return `session:${session}`;
	const to = valueOf('to');
	return to ? recipientKey({ from: valueOf('from') ?? '', to }) : undefined;
}
