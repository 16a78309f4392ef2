/** Hand-written touches on the generated Chatwoot table: which fields get a picker. */
import type { LocatorPicker, PickerFor } from '../shared/engine/describeOperations';

/** Searchable pickers; the URL pattern takes the ID out of a dashboard link. */
const LOCATORS = {
	conversations: {
		searchListMethod: 'searchConversations',
		urlRegex: '/conversations/(\\d+)',
		urlPlaceholder: 'https://…/conversations/42',
	},
	contacts: {
		searchListMethod: 'searchContacts',
		urlRegex: '/contacts/(\\d+)',
		urlPlaceholder: 'https://…/contacts/42',
	},
	inboxes: {
		searchListMethod: 'searchInboxes',
		urlRegex: '/inboxes/(\\d+)',
		urlPlaceholder: 'https://…/inboxes/3',
	},
	teams: { searchListMethod: 'searchTeams', urlRegex: '/teams/(\\d+)', urlPlaceholder: 'https://…/teams/2/edit' },
	agents: { searchListMethod: 'searchAgents' },
	labels: { searchListMethod: 'searchLabels' },
	customAttributes: { searchListMethod: 'searchCustomAttributes' },
} satisfies Record<string, LocatorPicker>;

const LOCATOR_BY_KEY: Record<string, LocatorPicker> = {
	conversation_id: LOCATORS.conversations,
	contact_id: LOCATORS.contacts,
	inbox_id: LOCATORS.inboxes,
	team_id: LOCATORS.teams,
	assignee_id: LOCATORS.agents,
};

/** The `{id}` of these resources' paths. */
const LOCATOR_FOR_PATH_ID: Record<string, LocatorPicker> = {
	conversation: LOCATORS.conversations,
	contact: LOCATORS.contacts,
	inbox: LOCATORS.inboxes,
	team: LOCATORS.teams,
	agent: LOCATORS.agents,
	label: LOCATORS.labels,
	customAttribute: LOCATORS.customAttributes,
};

/** Dropdowns inside collections, where a locator cannot be used. */
const OPTIONS_BY_KEY: Record<string, string> = {
	inbox_id: 'getInboxes',
	assignee_id: 'getAgents',
	team_id: 'getTeams',
	labels: 'getLabels',
};

export const chatwootPickerFor: PickerFor = (op, field) => {
	if (op.api !== 'application') return undefined;
	if (field.in === 'path' && field.key === 'id') return LOCATOR_FOR_PATH_ID[op.resource];
	if (field.required || field.in === 'path') return LOCATOR_BY_KEY[field.key] ?? OPTIONS_BY_KEY[field.key];
	return OPTIONS_BY_KEY[field.key];
};
