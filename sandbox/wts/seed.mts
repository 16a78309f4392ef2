// Deterministic seed: the same ids, names and counts on every start. Timestamps are offsets from the
// start time so that "open 24 h WhatsApp window" sessions really are open when tests run.
import type {
	CustomFieldRecord,
	MessageRecord,
	SessionRecord,
	SessionStatus,
	TemplateRecord,
} from './records.mts';
import { iso, type WtsState } from './state.mts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export interface SeedChannel {
	id: string;
	type: string;
	number: string | null;
	humanId: string | null;
}
export interface SeedNamed {
	id: string;
	name: string;
}
export interface SeedTemplate extends SeedNamed {
	status: string;
	channelId: string;
	/** Numbered variables in the text ({{1}}, {{2}}...). */
	variables: string[];
	fileType: string;
}
export interface SeedContact extends SeedNamed {
	phoneNumber: string | null;
	instagram: string | null;
}
export interface SeedPanel {
	id: string;
	title: string;
	type: string;
	stepIds: string[];
	lostReasonIds: string[];
	tagIds: string[];
}

/** Ids of seeded things, exposed as `sandbox.seed`. */
export interface WtsSeed {
	/** [0] WhatsApp Cloud API, [1] WhatsApp Z-API, [2] Instagram. */
	channels: SeedChannel[];
	chatbots: Array<SeedNamed & { key: string; publishStatus: string }>;
	departments: SeedNamed[];
	agents: Array<SeedNamed & { email: string }>;
	tags: SeedNamed[];
	portfolios: SeedNamed[];
	sequences: SeedNamed[];
	/** [0] approved {{1}} {{2}}, [1] approved with an IMAGE header, [2] in revision, [3] approved OTP, [4] approved without variables, [5] approved on the Z-API channel, [6] disapproved. */
	templates: SeedTemplate[];
	customFields: Array<SeedNamed & { key: string; entityType: string }>;
	/** [0] SALES funnel, [1] MANAGEMENT board. */
	panels: SeedPanel[];
	/** 40 contacts; [0]..[9] have an open WhatsApp window on channel [0]; [36],[37] ARCHIVED; [38],[39] BLOCKED; [34],[35] Instagram-only. */
	contacts: SeedContact[];
	/** 60 sessions; [i] for i < 40 belongs to contacts[i]; [40..59] are older COMPLETED sessions of contacts[0..19]. */
	sessions: Array<{ id: string; contactId: string; status: SessionStatus }>;
	messages: string[];
	sessionNotes: string[];
	cards: Array<{ id: string; panelId: string; stepId: string }>;
	cardNotes: Array<{ id: string; cardId: string }>;
	scheduledMessages: string[];
	files: SeedNamed[];
	webhookSubscriptions: string[];
}

const FIRST_NAMES = [
	'Ana',
	'Bruno',
	'Carla',
	'Diego',
	'Elisa',
	'Fábio',
	'Gabriela',
	'Heitor',
	'Isabela',
	'João',
	'Karina',
	'Lucas',
	'Mariana',
	'Nicolas',
	'Olívia',
	'Paulo',
	'Quitéria',
	'Rafael',
	'Sofia',
	'Tiago',
];
const LAST_NAMES = ['Silva', 'Souza', 'Oliveira', 'Santos'];
/** A 1x1 PNG, so the seeded file has real bytes. */
const PIXEL_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
	'base64',
);

export function seedWts(state: WtsState, startMs: number): WtsSeed {
	const id = () => state.nextId();
	const at = (msAgo: number) => iso(startMs - msAgo);
	const stamps = (msAgo: number) => ({ id: id(), createdAt: at(msAgo), updatedAt: at(msAgo) });

	// Channels
	const channelSpecs = [
		{
			type: 'CloudAPI_WhatsApp',
			number: '+55|1130040000',
			formatted: '+55 11 3004-0000',
			humanId: '551130040000',
			platform: 'WhatsApp',
			provider: 'CloudAPI',
			name: 'Loja Sandbox',
		},
		{
			type: 'ZAPI_WhatsApp',
			number: '+55|1130050000',
			formatted: '+55 11 3005-0000',
			humanId: '551130050000',
			platform: 'WhatsApp',
			provider: 'ZAPI',
			name: 'Loja Sandbox (Z-API)',
		},
		{
			type: 'Instagram',
			number: null,
			formatted: null,
			humanId: '@lojasandbox',
			platform: 'Instagram',
			provider: 'Meta',
			name: 'lojasandbox',
		},
	] as const;
	const channels = channelSpecs.map((spec) => {
		const record = {
			...stamps(400 * DAY),
			active: true,
			type: spec.type,
			number: spec.number,
			numberFormatted: spec.formatted,
			identity: {
				humanId: spec.humanId,
				platform: spec.platform,
				provider: spec.provider,
				providerVariable: null,
				pictureUrl: null,
				displayName: spec.name,
			},
		};
		state.channels.set(record.id, record);
		return record;
	});
	const [whatsapp, zapi, instagram] = channels;

	// Departments and agents
	const departments = ['Atendimento', 'Vendas', 'Financeiro'].map((name, index) => {
		const record = {
			...stamps(380 * DAY),
			name,
			description: null,
			isDefault: index === 0,
			distributionEnabled: index !== 2,
			restrictionType: 'NONE' as const,
			distributionConfig: {
				expirationIsEnabled: false,
				maximumDurationInMinutes: 0,
				inactivityTimeInMinutes: 30,
			},
			channelsConfig:
				index === 2
					? { scope: 'SELECTED' as const, channels: [whatsapp.id] }
					: { scope: 'ALL' as const, channels: [] },
			isPrivate: false,
		};
		state.departments.set(record.id, record);
		return record;
	});
	const [support, sales, finance] = departments;
	const agentSpecs = [
		{ name: 'Ana Gerente', profile: 'Admin', owner: true, deps: [[support.id, true]] },
		{ name: 'Bruno Atendente', profile: 'Agent', owner: false, deps: [[support.id, false]] },
		{ name: 'Carla Vendas', profile: 'Agent', owner: false, deps: [[sales.id, false]] },
		{
			name: 'Diego Vendas',
			profile: 'Agent',
			owner: false,
			deps: [
				[sales.id, true],
				[finance.id, false],
			],
		},
		{
			name: 'Elisa Financeiro',
			profile: 'RestrictedAgent',
			owner: false,
			deps: [[finance.id, false]],
		},
	] as const;
	const agents = agentSpecs.map((spec, index) => {
		const first = spec.name.split(' ')[0].toLowerCase();
		const record = {
			...stamps(370 * DAY),
			name: spec.name,
			shortName: spec.name.split(' ')[0],
			email: `${first}@lojasandbox.example`,
			phoneNumber: `+55|11970000${String(index).padStart(3, '0')}`,
			profile: spec.profile,
			isOwner: spec.owner,
			availability: index === 4 ? ('UNAVAILABLE' as const) : ('AVAILABLE' as const),
			departments: spec.deps.map(([departmentId, supervisor]) => ({
				departmentId,
				isAgent: true,
				isSupervisor: supervisor,
			})),
			status: 'Active' as const,
		};
		state.agents.set(record.id, record);
		return record;
	});

	// Tags and custom fields
	const tags = [
		['VIP', 'PURPLE_500'],
		['Lead', 'BROWN_300'],
		['Cliente', 'GREEN_400'],
		['Inadimplente', 'RED_600'],
		['Newsletter', 'BLUE_200'],
	].map(([name, color]) => {
		const record = { ...stamps(360 * DAY), name, color };
		state.tags.set(record.id, record);
		return record;
	});

	const fields: CustomFieldRecord[] = [];
	const addField = (
		spec: Pick<CustomFieldRecord, 'name' | 'key' | 'type' | 'entityType'> &
			Partial<CustomFieldRecord>,
	) => {
		const record: CustomFieldRecord = {
			...stamps(350 * DAY),
			parentId: null,
			scopeId: null,
			position: fields.length,
			required: false,
			options: [],
			...spec,
		};
		state.customFields.set(record.id, record);
		fields.push(record);
		return record;
	};
	const personal = addField({
		name: 'Dados pessoais',
		key: 'dados_pessoais',
		type: 'GROUP',
		entityType: 'CONTACT',
	});
	addField({
		name: 'CPF',
		key: 'cpf',
		type: 'STRING',
		entityType: 'CONTACT',
		parentId: personal.id,
	});
	addField({
		name: 'Data de nascimento',
		key: 'data_nascimento',
		type: 'DATE',
		entityType: 'CONTACT',
		parentId: personal.id,
	});
	addField({
		name: 'Plano',
		key: 'plano',
		type: 'SINGLESELECT',
		entityType: 'CONTACT',
		options: ['Básico', 'Pro', 'Enterprise'].map((name) => ({ id: id(), name })),
	});
	addField({
		name: 'Limite de crédito',
		key: 'limite_credito',
		type: 'FLOAT',
		entityType: 'CONTACT',
	});

	// Portfolios, sequences, chatbots
	const portfolios = [
		{ name: 'Carteira Sul', type: 'MULTIPLE' as const },
		{ name: 'Carteira Norte', type: 'SINGLE' as const },
	].map((spec, index) => {
		const record = {
			...stamps(300 * DAY),
			active: true,
			name: spec.name,
			automaticAttribution: index === 0,
			expirationDurationInMonths: index === 0 ? 6 : null,
			type: spec.type,
			departments: [{ departmentId: sales.id, userIds: [agents[2].id, agents[3].id] }],
		};
		state.portfolios.set(record.id, record);
		return record;
	});
	const sequences = ['Boas-vindas', 'Reativação', 'Pós-venda'].map((name, index) => {
		const record = { ...stamps(290 * DAY), active: true, name, enabled: index !== 2 };
		state.sequences.set(record.id, record);
		return record;
	});
	const chatbots = [
		{
			name: 'Triagem',
			type: 'Reactive' as const,
			publish: 'Ready' as const,
			usage: ['Manual' as const],
			channelIds: [whatsapp.id, instagram.id],
		},
		{
			name: 'Pesquisa NPS',
			type: 'Automation' as const,
			publish: 'Ready' as const,
			usage: ['Api' as const, 'Campaign' as const],
			channelIds: [whatsapp.id],
		},
		{
			name: 'Rascunho',
			type: 'Automation' as const,
			publish: 'Not_Published' as const,
			usage: ['Api' as const],
			channelIds: [whatsapp.id],
		},
	].map((spec) => {
		const record = {
			...stamps(280 * DAY),
			key: id(),
			name: spec.name,
			type: spec.type,
			channelIds: spec.channelIds,
			defaultDepartmentId: support.id,
			publishStatus: spec.publish,
			automationUsage: spec.usage,
			archived: false,
		};
		state.chatbots.set(record.id, record);
		return record;
	});

	// Templates
	const templateSpecs: Array<
		Pick<TemplateRecord, 'name' | 'text' | 'status' | 'type' | 'fileType'> & {
			channelId: string;
			rejected?: string;
		}
	> = [
		{
			name: 'boas_vindas',
			text: 'Olá {{1}}, bem-vindo(a) à {{2}}!',
			status: 'Approved',
			type: ['CAMPAIGN', 'ATTENDANCE'],
			fileType: 'UNDEFINED',
			channelId: whatsapp.id,
		},
		{
			name: 'promo_imagem',
			text: 'Confira a oferta {{1}} na loja.',
			status: 'Approved',
			type: ['CAMPAIGN'],
			fileType: 'IMAGE',
			channelId: whatsapp.id,
		},
		{
			name: 'lembrete_pagamento',
			text: 'Seu boleto vence em {{1}}.',
			status: 'InRevision',
			type: ['ATTENDANCE'],
			fileType: 'UNDEFINED',
			channelId: whatsapp.id,
		},
		{
			name: 'codigo_otp',
			text: 'Seu código de verificação é {{1}}.',
			status: 'Approved',
			type: ['AUTHENTICATION'],
			fileType: 'UNDEFINED',
			channelId: whatsapp.id,
		},
		{
			name: 'atendimento_encerrado',
			text: 'Seu atendimento foi encerrado. Obrigado!',
			status: 'Approved',
			type: ['ATTENDANCE', 'SCHEDULEDMESSAGE'],
			fileType: 'UNDEFINED',
			channelId: whatsapp.id,
		},
		{
			name: 'zapi_boas_vindas',
			text: 'Olá {{1}}!',
			status: 'Approved',
			type: ['CAMPAIGN'],
			fileType: 'UNDEFINED',
			channelId: zapi.id,
		},
		{
			name: 'promo_reprovada',
			text: 'GANHE DINHEIRO FÁCIL {{1}}',
			status: 'Disapproved',
			type: ['CAMPAIGN'],
			fileType: 'UNDEFINED',
			channelId: whatsapp.id,
			rejected: 'Conteúdo promocional enganoso',
		},
	];
	const templates = templateSpecs.map((spec) => {
		const record: TemplateRecord = {
			...stamps(200 * DAY),
			active: true,
			archived: false,
			channelId: spec.channelId,
			name: spec.name,
			internalName: spec.name.replace(/_/g, ' '),
			text: spec.text,
			footerText: spec.fileType === 'IMAGE' ? 'Loja Sandbox' : null,
			status: spec.status,
			type: spec.type,
			fileType: spec.fileType,
			categoryName: spec.type.includes('AUTHENTICATION') ? 'AUTHENTICATION' : 'MARKETING',
			rejectedDescription: spec.rejected ?? null,
		};
		state.templates.set(record.id, record);
		return record;
	});

	// Contacts: 40, deterministic names and phones.
	const contacts = Array.from({ length: 40 }, (_, index) => {
		const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]}`;
		const instagramOnly = index === 34 || index === 35;
		const tagIds = [tags[index % 5].id, ...(index % 7 === 0 ? [tags[0].id] : [])].filter(
			(tagId, i, all) => all.indexOf(tagId) === i,
		);
		return state.newContact(
			{
				name,
				phoneNumber: instagramOnly ? null : `+55|119900${String(index).padStart(5, '0')}`,
				email:
					index % 3 === 0
						? `${name
								.split(' ')[0]
								.toLowerCase()
								.normalize('NFD')
								.replace(/[^a-z]/g, '')}${index}@cliente.example`
						: null,
				instagram:
					instagramOnly || index % 10 === 0
						? `@${name
								.split(' ')[0]
								.toLowerCase()
								.normalize('NFD')
								.replace(/[^a-z]/g, '')}.${index}`
						: null,
				annotation: index % 4 === 0 ? 'Prefere contato à tarde.' : null,
				tagIds,
				portfolioIds: index < 10 ? [portfolios[0].id] : index < 15 ? [portfolios[1].id] : [],
				status: index >= 38 ? 'BLOCKED' : index >= 36 ? 'ARCHIVED' : 'ACTIVE',
				origin:
					index % 5 === 4 ? 'IMPORTED' : index % 2 === 0 ? 'CREATED_FROM_HUB' : 'CREATED_BY_USER',
				customFields:
					index % 2 === 0
						? {
								cpf: `000.000.0${String(index).padStart(2, '0')}-00`,
								plano: ['Básico', 'Pro', 'Enterprise'][index % 3],
							}
						: {},
				metadata: index % 6 === 0 ? { crmId: `CRM-${1000 + index}` } : {},
			},
			at((60 - index) * DAY),
		);
	});
	for (const contact of contacts.slice(0, 15)) {
		const record = {
			...stamps(100 * DAY),
			groupId: contact.portfolioIds[0],
			contactId: contact.id,
			origin: 'USER_SINGLE' as const,
		};
		state.portfolioContacts.set(record.id, record);
	}
	contacts.slice(0, 8).forEach((contact, index) => {
		const record = {
			...stamps(20 * DAY),
			groupId: sequences[index % 2].id,
			contactId: contact.id,
			origin: 'API' as const,
		};
		state.sequenceContacts.set(record.id, record);
	});

	// Sessions: one current session per contact, plus 20 older completed ones.
	const statuses: SessionStatus[] = [
		'IN_PROGRESS',
		'PENDING',
		'STARTED',
		'COMPLETED',
		'IN_PROGRESS',
		'HIDDEN',
	];
	const sessions: SessionRecord[] = [];
	for (let index = 0; index < 60; index++) {
		const older = index >= 40;
		const contact = contacts[older ? index - 40 : index];
		const openWindow = index < 10;
		const status: SessionStatus = older
			? 'COMPLETED'
			: openWindow
				? index % 2 === 0
					? 'IN_PROGRESS'
					: 'PENDING'
				: statuses[index % statuses.length];
		const createdAgo = older
			? (90 + index) * DAY
			: openWindow
				? (index + 1) * HOUR
				: (index + 2) * DAY;
		const lastInAgo = openWindow ? (index + 1) * 10 * 60 * 1000 : createdAgo - HOUR;
		const department = departments[index % 3];
		const assigned = status === 'IN_PROGRESS' || status === 'COMPLETED';
		const agent =
			agents.find((a) => a.departments.some((d) => d.departmentId === department.id)) ?? agents[0];
		const record: SessionRecord = {
			...stamps(createdAgo),
			updatedAt: at(lastInAgo),
			startAt: at(createdAgo),
			endAt: status === 'COMPLETED' ? at(Math.max(lastInAgo - HOUR, 0)) : null,
			status,
			contactId: contact.id,
			channelId: contact.phoneNumber === null ? instagram.id : whatsapp.id,
			departmentId: status === 'STARTED' ? null : department.id,
			userId: assigned ? agent.id : null,
			number: String(1000 + index),
			utm:
				index % 9 === 0
					? { source: 'instagram_ads', medium: 'cpc', campaign: 'black-friday' }
					: null,
			origin: index % 3 === 0 ? 'CONTACT' : 'HUB',
			classification:
				status === 'COMPLETED' && index % 2 === 0
					? { category: 'WON', categoryName: 'Venda', amount: 150 + index }
					: null,
			botId: null,
			lastMessageText: 'Olá, gostaria de saber o preço.',
			lastInteractionDate: at(lastInAgo),
			lastMessageOut: at(lastInAgo + 60_000),
			lastMessageIn: at(lastInAgo),
			metadata: index % 5 === 0 ? { pedido: `PED-${2000 + index}` } : null,
			type: 'INDIVIDUAL',
			reactivateOnNewMessage: false,
		};
		state.sessions.set(record.id, record);
		sessions.push(record);
	}

	// A short conversation in the first five sessions, and two internal notes on the first one.
	const messages: MessageRecord[] = [];
	const addMessage = (session: SessionRecord, msAgo: number, fields: Partial<MessageRecord>) => {
		const record: MessageRecord = {
			...stamps(msAgo),
			sessionId: session.id,
			type: 'TEXT',
			direction: 'TO_HUB',
			origin: 'DEFAULT',
			text: null,
			fileId: null,
			templateId: null,
			userId: null,
			senderId: null,
			refId: null,
			initialStatus: 'PROCESSING',
			settledStatus: 'READ',
			acceptedAtMs: startMs - msAgo,
			failedReason: null,
			deletedAt: null,
			callbackUrl: null,
			isNote: false,
			filesIds: null,
			...fields,
		};
		state.messages.set(record.id, record);
		return record;
	};
	for (const session of sessions.slice(0, 5)) {
		const lastIn = startMs - Date.parse(session.lastMessageIn ?? iso(startMs));
		messages.push(
			addMessage(session, lastIn + 5 * 60_000, {
				direction: 'FROM_HUB',
				origin: 'API',
				text: 'Olá! Como podemos ajudar?',
				templateId: templates[0].id,
				type: 'TEMPLATE',
				settledStatus: 'READ',
			}),
			addMessage(session, lastIn, {
				text: 'Olá, gostaria de saber o preço.',
				settledStatus: 'READ',
			}),
			addMessage(session, lastIn - 60_000, {
				direction: 'FROM_HUB',
				origin: 'DEFAULT',
				text: 'Claro! O plano Pro custa R$ 99.',
				userId: session.userId,
				settledStatus: 'DELIVERED',
			}),
		);
	}
	const notes = ['Cliente pediu desconto.', 'Retornar na segunda.'].map((text, index) =>
		addMessage(sessions[0], (index + 1) * 30 * 60_000, {
			type: 'NOTE',
			direction: 'FROM_HUB',
			origin: 'API',
			text,
			userId: agents[0].id,
			isNote: true,
			settledStatus: 'SAVED',
		}),
	);

	// CRM: a SALES funnel and a MANAGEMENT board.
	const panelSpecs = [
		{
			title: 'Funil de Vendas',
			type: 'SALES' as const,
			steps: ['Prospecção', 'Proposta', 'Negociação', 'Fechado'],
			lost: ['Preço', 'Concorrência', 'Sem resposta'],
			tags: [
				['Quente', '#FFFFFF', '#D32F2F'],
				['Frio', '#FFFFFF', '#1976D2'],
			],
		},
		{
			title: 'Projetos',
			type: 'MANAGEMENT' as const,
			steps: ['A fazer', 'Fazendo', 'Feito'],
			lost: ['Cancelado'],
			tags: [['Urgente', '#000000', '#FFC107']],
		},
	];
	const panels = panelSpecs.map((spec, panelIndex) => {
		const panel = {
			...stamps(150 * DAY),
			title: spec.title,
			description: panelIndex === 0 ? 'Oportunidades de venda' : null,
			archived: false,
			scope: 'COMPANY' as const,
			departmentIds: null,
			userId: null,
			key: panelIndex === 0 ? 'VND' : 'PRJ',
			type: spec.type,
			autoLossDays: panelIndex === 0 ? 30 : null,
		};
		state.panels.set(panel.id, panel);
		const stepIds = spec.steps.map((title, position) => {
			const step = {
				...stamps(150 * DAY),
				panelId: panel.id,
				title,
				position,
				isInitial: position === 0,
				isFinal: position === spec.steps.length - 1,
				archived: false,
			};
			state.steps.set(step.id, step);
			return step.id;
		});
		const lostReasonIds = spec.lost.map((name) => {
			const reason = { ...stamps(150 * DAY), panelId: panel.id, name, description: null };
			state.lostReasons.set(reason.id, reason);
			return reason.id;
		});
		const tagIds = spec.tags.map(([name, nameColor, bgColor]) => {
			const tag = { ...stamps(150 * DAY), panelId: panel.id, name, nameColor, bgColor };
			state.panelTags.set(tag.id, tag);
			return tag.id;
		});
		return { panel, stepIds, lostReasonIds, tagIds };
	});
	addField({
		name: 'Origem do lead',
		key: 'origem_lead',
		type: 'STRING',
		entityType: 'PANEL',
		scopeId: panels[0].panel.id,
	});
	addField({
		name: 'Valor estimado',
		key: 'valor_estimado',
		type: 'FLOAT',
		entityType: 'PANEL',
		scopeId: panels[0].panel.id,
	});

	const cards = Array.from({ length: 6 }, (_, index) => {
		const { panel, stepIds, tagIds } = panels[index < 4 ? 0 : 1];
		const number = index + 1;
		const card = {
			...stamps((30 - index) * DAY),
			panelId: panel.id,
			stepId: stepIds[index % stepIds.length],
			title: index < 4 ? `Oportunidade ${contacts[index].name}` : `Projeto ${number}`,
			description: index === 0 ? 'Cliente interessado no plano Pro.' : null,
			position: index,
			number,
			key: `${panel.key}-${number}`,
			dueDate: at(-(index + 3) * DAY),
			tagIds: index % 2 === 0 ? [tagIds[0]] : [],
			sessionId: index < 4 ? sessions[index].id : null,
			monetaryAmount: index < 4 ? 500 * (index + 1) : null,
			responsibleUserId: agents[2 + (index % 2)].id,
			contactIds: index < 4 ? [contacts[index].id] : [],
			customFields: index < 4 ? { origem_lead: 'Instagram' } : {},
			metadata: {},
			status: 'OPEN' as const,
			lostReasonId: null,
			archived: false,
		};
		state.cards.set(card.id, card);
		return card;
	});
	const cardNotes = ['Enviar proposta revisada.', 'Cliente aprovou orçamento.'].map(
		(text, index) => {
			const note = {
				...stamps((5 - index) * DAY),
				panelId: cards[0].panelId,
				cardId: cards[0].id,
				userId: agents[2].id,
				text,
				fileUrls: [],
				isFromPublicApi: false,
			};
			state.cardNotes.set(note.id, note);
			return note;
		},
	);

	// Scheduled messages: one pending, one cancelled.
	const scheduled = [0, 1].map((index) => {
		const record = {
			...stamps(2 * DAY),
			sessionId: null,
			contactId: contacts[20 + index].id,
			userId: agents[1].id,
			channelId: whatsapp.id,
			departmentId: support.id,
			status: index === 0 ? ('SCHEDULED' as const) : ('CANCELED' as const),
			type: 'TEMPLATE' as const,
			templateId: templates[4].id,
			botId: null,
			scheduling: at(-(index + 1) * DAY),
			hiddenSession: false,
			templateParams: null,
		};
		state.scheduledMessages.set(record.id, record);
		return record;
	});

	const file = {
		...stamps(10 * DAY),
		userId: null,
		name: 'pixel.png',
		extension: 'png',
		mimeType: 'image/png',
		type: 'IMAGE' as const,
		size: PIXEL_PNG.length,
		key: 'seed/pixel.png',
		bytes: PIXEL_PNG,
	};
	state.files.set(file.id, file);

	const subscription = {
		...stamps(5 * DAY),
		name: 'Integração desativada',
		url: 'http://127.0.0.1:9/disabled',
		enabled: false,
		events: ['CONTACT_NEW' as const],
	};
	state.webhookSubscriptions.set(subscription.id, subscription);

	return {
		channels: channels.map((c) => ({
			id: c.id,
			type: c.type,
			number: c.number,
			humanId: c.identity.humanId,
		})),
		chatbots: chatbots.map((c) => ({
			id: c.id,
			key: c.key,
			name: c.name,
			publishStatus: c.publishStatus,
		})),
		departments: departments.map((d) => ({ id: d.id, name: d.name })),
		agents: agents.map((a) => ({ id: a.id, name: a.name, email: a.email })),
		tags: tags.map((t) => ({ id: t.id, name: t.name })),
		portfolios: portfolios.map((p) => ({ id: p.id, name: p.name })),
		sequences: sequences.map((s) => ({ id: s.id, name: s.name })),
		templates: templates.map((t) => ({
			id: t.id,
			name: t.name,
			status: t.status,
			channelId: t.channelId,
			variables: [...new Set((t.text ?? '').match(/\{\{\w+\}\}/g) ?? [])],
			fileType: t.fileType,
		})),
		customFields: fields.map((f) => ({
			id: f.id,
			name: f.name,
			key: f.key,
			entityType: f.entityType,
		})),
		panels: panels.map(({ panel, stepIds, lostReasonIds, tagIds }) => ({
			id: panel.id,
			title: panel.title,
			type: panel.type,
			stepIds,
			lostReasonIds,
			tagIds,
		})),
		contacts: contacts.map((c) => ({
			id: c.id,
			name: c.name ?? '',
			phoneNumber: c.phoneNumber,
			instagram: c.instagram,
		})),
		sessions: sessions.map((s) => ({ id: s.id, contactId: s.contactId, status: s.status })),
		messages: messages.map((m) => m.id),
		sessionNotes: notes.map((n) => n.id),
		cards: cards.map((c) => ({ id: c.id, panelId: c.panelId, stepId: c.stepId })),
		cardNotes: cardNotes.map((n) => ({ id: n.id, cardId: n.cardId })),
		scheduledMessages: scheduled.map((s) => s.id),
		files: [{ id: file.id, name: file.name }],
		webhookSubscriptions: [subscription.id],
	};
}
