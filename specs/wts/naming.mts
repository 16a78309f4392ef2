/**
 * WTS Chat: the names a person reads in the editor, decided here; the contract (openapi.json) only proposes.
 * Rules in scripts/generate/naming.mts cover the rest: "Create a card" is Create (create), "List tags" is
 * Get Many (getAll), other operations are named by their action without the resource ("Add a note to a card"
 * is Add Note, addNote). Values are what saved workflows store: change them only with a new node version.
 */
import type { NamingTable } from '../../scripts/generate/naming.mts';

/** The send family under /chat/v1/send/* queues each kind of content on its own endpoint. */
const QUEUED = 'Newer send endpoint for this kind of content: queued; check it with Get Queued Message Status';

export const wtsNaming: NamingTable = {
	properWords: ['WhatsApp', 'Instagram', 'WTS', 'Chat', 'CRM', 'CloudAPI'],
	resources: {
		agent: { value: 'user', name: 'User' },
		card: { value: 'card', name: 'Card' },
		channel: { value: 'channel', name: 'Channel' },
		chatbot: { value: 'chatbot', name: 'Chatbot' },
		contact: { value: 'contact', name: 'Contact' },
		customField: { value: 'customField', name: 'Custom Field' },
		department: { value: 'department', name: 'Department' },
		file: { value: 'file', name: 'File' },
		message: { value: 'message', name: 'Message' },
		officeHours: { value: 'officeHours', name: 'Office Hours', plural: 'Office Hours' },
		panel: { value: 'panel', name: 'Panel' },
		portfolio: { value: 'portfolio', name: 'Portfolio' },
		scheduledMessage: { value: 'scheduledMessage', name: 'Scheduled Message' },
		sequence: { value: 'sequence', name: 'Sequence' },
		session: { value: 'session', name: 'Session' },
		tag: { value: 'tag', name: 'Tag' },
		template: { value: 'template', name: 'Template' },
		webhook: { value: 'webhook', name: 'Webhook Subscription' },
	},
	operations: {
		// Users (the contract's "agents": WTS calls them users in its app).
		changeAgentStatus: { value: 'setStatus', name: 'Set Status', action: 'Activate or block a user' },
		logoutAgent: { value: 'logOut', name: 'Log Out', action: 'Log a user out' },
		getAgent: { action: 'Get a user' },
		listAgents: { action: 'List users' },
		updateAgentDepartments: { value: 'setDepartments', name: 'Set Departments', action: 'Add, replace or remove the departments of a user' },
		// Cards.
		createCardNote: { value: 'addNote', name: 'Add Note' },
		deleteCardNote: { value: 'deleteNote', name: 'Delete Note', action: 'Delete a note of a card' },
		listCards: { value: 'getAll', name: 'Get Many', action: 'Get many cards of a panel' },
		listCardNotes: { value: 'getNotes', name: 'Get Notes' },
		listChannels: { action: 'List channels' },
		sendChatbot: { value: 'start', name: 'Start', action: 'Start a chatbot for a contact', description: 'Classic chatbot endpoint; answers once the chatbot has started' },
		// Contacts.
		updateContactTags: { value: 'setTags', name: 'Set Tags', action: 'Add, remove or replace the tags of a contact' },
		updateContactTagsByPhone: { value: 'setTagsByPhone', name: 'Set Tags by Phone', action: 'Add, remove or replace the tags of a contact found by phone' },
		saveContactsBatch: { value: 'upsertMany', name: 'Create or Update Many', action: 'Create or update up to 100 contacts' },
		getContact: { action: 'Get a contact' },
		getContactByPhone: { value: 'getByPhone', name: 'Get by Phone', action: 'Get a contact by phone number' },
		filterContacts: { value: 'search', name: 'Search', action: 'Search contacts with a JSON filter' },
		updateContactByPhone: { value: 'updateByPhone', name: 'Update by Phone', action: 'Update a contact found by phone number' },
		// Custom fields.
		listContactCustomFields: { value: 'getAllOfContacts', name: 'Get Many of Contacts', action: 'Get many custom fields of contacts' },
		listPanelCustomFields: { value: 'getAllOfPanel', name: 'Get Many of Panel', action: 'Get many custom fields of a CRM panel' },
		listCustomFields: { action: 'Get many custom fields' },
		// Departments.
		listDepartmentChannels: { value: 'getChannels', name: 'Get Channels', action: 'Get the channels a department may use' },
		updateDepartmentAgents: { value: 'setUsers', name: 'Set Users', action: 'Add, replace or remove the users of a department' },
		// Files: the three steps of an upload; Upload (hand-made) does all three.
		getFileUploadUrl: { value: 'getUploadUrl', name: 'Get Upload URL', action: 'Get a presigned upload URL (first step of an upload)' },
		saveFile: { value: 'confirmUpload', name: 'Confirm Upload', action: 'Confirm an upload and get a reusable file ID (last step)' },
		// Messages: the classic endpoint (Send Text, Send File, Send Template, hand-made) beside the newer,
		// queued send family, one endpoint per kind of content.
		getMessageStatus: { value: 'getStatus', name: 'Get Status', action: 'Get the delivery status of a message' },
		listMessages: { action: 'Get many messages' },
		sendChatbotQueued: { value: 'queueChatbot', name: 'Queue Chatbot', action: 'Queue a chatbot for a contact or session', description: 'Newer send endpoint: queued; check it with Get Queued Chatbot Status' },
		sendChatbotBatch: { value: 'queueChatbotBatch', name: 'Queue Chatbot for Many', action: 'Queue a chatbot for many recipients' },
		sendDocument: { value: 'queueDocument', name: 'Queue Document', action: 'Queue a document with an optional caption', description: QUEUED },
		sendOtp: { value: 'sendOtp', name: 'Send One-Time Password', action: 'Send a one-time password via WhatsApp' },
		sendTemplate: { value: 'queueTemplate', name: 'Queue Template', action: 'Queue a template for one recipient', description: QUEUED },
		sendTemplateBatch: { value: 'queueTemplateBatch', name: 'Queue Template for Many', action: 'Queue a template for up to 100 recipients' },
		sendText: { value: 'queueText', name: 'Queue Text', action: 'Queue a text message', description: QUEUED },
		sendVideo: { value: 'queueVideo', name: 'Queue Video', action: 'Queue a video with an optional caption', description: QUEUED },
		sendAudio: { value: 'queueAudio', name: 'Queue Audio', action: 'Queue an audio file', description: QUEUED },
		sendImage: { value: 'queueImage', name: 'Queue Image', action: 'Queue an image with an optional caption', description: QUEUED },
		sendTyping: { value: 'showTyping', name: 'Show Typing', action: 'Show the typing indicator in a session' },
		getSendMessageStatus: { value: 'getQueuedStatus', name: 'Get Queued Message Status', action: 'Get the status of a queued message' },
		getChatbotSendStatus: { value: 'getQueuedChatbotStatus', name: 'Get Queued Chatbot Status', action: 'Get the status of a queued chatbot' },
		getOtpStatus: { value: 'getOtpStatus', name: 'Get One-Time Password Status', action: 'Get the status of a one-time password' },
		getOfficeHours: { value: 'get', name: 'Get', action: 'Get the office hours of the account' },
		// Panels.
		getPanel: { action: 'Get a panel' },
		listPanels: { action: 'List panels' },
		listPanelLostReasons: { value: 'getLostReasons', name: 'Get Lost Reasons', action: 'Get the lost reasons of a sales panel' },
		// Portfolios and sequences.
		addContactToPortfolio: { value: 'addContact', name: 'Add Contact', action: 'Add a contact to a portfolio' },
		addContactsToPortfolio: { value: 'addContacts', name: 'Add Contacts', action: 'Add several contacts to a portfolio' },
		listPortfolioContacts: { value: 'getContacts', name: 'Get Contacts' },
		removeContactFromPortfolio: { value: 'removeContact', name: 'Remove Contact', action: 'Remove a contact from a portfolio' },
		removeContactsFromPortfolio: { value: 'removeContacts', name: 'Remove Contacts' },
		addContactToSequence: { value: 'addContact', name: 'Add Contact', action: 'Add a contact to a sequence' },
		addContactsToSequence: { value: 'addContacts', name: 'Add Contacts' },
		listSequenceContacts: { value: 'getContacts', name: 'Get Contacts', action: 'List contacts of a sequence' },
		removeContactFromSequence: { value: 'removeContact', name: 'Remove Contact', action: 'Remove a contact from a sequence' },
		removeContactsFromSequence: { value: 'removeContacts', name: 'Remove Contacts' },
		// Scheduled messages.
		cancelScheduledMessage: { value: 'cancel', name: 'Cancel' },
		cancelScheduledMessagesBatch: { value: 'cancelMany', name: 'Cancel Many' },
		createScheduledMessage: { value: 'create', name: 'Create', action: 'Schedule a template or chatbot message' },
		// Sessions.
		createSessionNote: { value: 'addNote', name: 'Add Note', action: 'Add an internal note to a session' },
		assignSession: { value: 'assign', name: 'Assign', action: 'Assign a session to a user' },
		updateSessionStatus: { value: 'setStatus', name: 'Set Status', action: 'Change the status of a session' },
		completeSession: { value: 'complete', name: 'Complete' },
		deleteSessionNote: { value: 'deleteNote', name: 'Delete Note', action: 'Delete an internal note of a session' },
		getSessionNote: { value: 'getNote', name: 'Get Note', action: 'Get an internal note of a session' },
		listSessionNotes: { value: 'getNotes', name: 'Get Notes', action: 'List internal notes of a session' },
		listSessionMessages: { value: 'getMessages', name: 'Get Messages', action: 'Get the messages of a session' },
		listSessions: { action: 'List sessions' },
		updateSession: { value: 'update', name: 'Update', action: 'Update a session' },
		sendSessionMessage: { value: 'sendMessage', name: 'Send Message', action: 'Send a message in a session' },
		sendSessionMessageSync: { value: 'sendMessageAndWait', name: 'Send Message and Wait', action: 'Send a message in a session and wait for its status' },
		transferSession: { value: 'transfer', name: 'Transfer', action: 'Transfer a session to a department or user' },
		// Tags and the rest.
		listTagColors: { value: 'getColors', name: 'Get Colours', action: 'Get the available tag colours' },
		updateTag: { action: 'Update a tag' },
		listTemplates: { action: 'List templates' },
		listWebhookEvents: { value: 'getEvents', name: 'Get Events', action: 'Get the events a webhook can subscribe to' },
	},
	dropFields: { phonenumber: 'lower-case spelling of phoneNumber, which the server binds case-insensitively' },
	// WTS's /agent/{id} paths name users.
	idNouns: { agent: 'User' },
	optionNames: {
		INSERTIFNOTEXISTS: 'Insert If Not Exists',
		DELETEIFEXISTS: 'Delete If Exists',
		REPLACEALL: 'Replace All',
		QUICKREPLY: 'Quick Reply',
		SCHEDULEDMESSAGE: 'Scheduled Message',
		CloudAPI: 'Cloud API',
	},
};
