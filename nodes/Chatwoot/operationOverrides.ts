/** Hand-written touches on the generated Chatwoot table: which fields get a picker. */
import type { PickerFor } from '../shared/engine/describeOperations';

const PICKER_BY_KEY: Record<string, string> = {
	inbox_id: 'getInboxes',
	assignee_id: 'getAgents',
	team_id: 'getTeams',
	labels: 'getLabels',
};

export const chatwootPickerFor: PickerFor = (op, field) => (op.api === 'application' ? PICKER_BY_KEY[field.key] : undefined);
