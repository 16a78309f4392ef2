/**
 * The names a person reads, decided after the contract proposed them. Each platform has one reviewed table
 * (specs/<platform>/naming.mts) beside its contract: resource names, per-operation decisions, field labels and
 * option names. Everything the table leaves open follows the rules below; the build stops when two operations
 * of a resource would share a value or a name, when two actions of a node would share a text, or when the
 * table names an operation, resource or option the contract no longer has, or describes a field it lacks.
 */
import { fieldLabel } from '../../nodes/shared/engine/fieldLabels.ts';
import type { FieldSpec, OperationSpec, OperationTable } from '../../nodes/shared/engine/operationTable.ts';

export interface ResourceNaming {
	/** n8n value of the resource (camelCase, singular). */
	value: string;
	/** Singular display name: "Contact". */
	name: string;
	/** Plural for list actions when adding "s" is wrong: "Companies". */
	plural?: string;
}

export interface OperationNaming {
	/** Key in `resources` of the resource the operation belongs to, when its contract tag holds several things
	 * ("Help Center" holds portals, categories and articles). */
	resource?: string;
	/** n8n value, short and unique within the resource: create, get, getAll, update, delete, addLabels. */
	value?: string;
	/** Title Case name shown in the operation list: "Add Labels". */
	name?: string;
	/** Sentence-case action shown in the node search: "Add labels to a conversation". */
	action?: string;
	/** What sets the operation apart from one that looks alike. */
	description?: string;
}

export interface NamingTable {
	/** By the generator's resource key (from the contract's tag), or by a key operations choose with `resource`. */
	resources: Record<string, ResourceNaming>;
	/** By the contract's operationId. */
	operations: Record<string, OperationNaming>;
	/** Field labels by wire key, wherever the key appears. */
	fieldLabels?: Record<string, string>;
	/** Field labels of one operation: `operationId.key`. */
	operationFieldLabels?: Record<string, string>;
	/**
	 * Field descriptions by wire key, wherever the key appears, where the contract's text is not what a person
	 * should read; '' leaves the field without one. Every other description follows `curateDescription`.
	 */
	fieldDescriptions?: Record<string, string>;
	/** Field descriptions of one operation: `operationId.key`. */
	operationFieldDescriptions?: Record<string, string>;
	/** Fields left out of the node, by wire key, with the reason: duplicate spellings of another field. */
	dropFields?: Record<string, string>;
	/** The noun of a path segment when the path's bare {id} names something else than the segment says. */
	idNouns?: Record<string, string>;
	/**
	 * What the identifier after a path segment is, by segment: "portals": "Portal Slug". The label and the
	 * parameter name (portalSlug) of that identifier in every operation, whether the path calls it {id}
	 * ("/portals/{id}/articles") or {portal_id} ("/portals/{portal_id}/articles/{id}"), so one thing has one name.
	 */
	pathIds?: Record<string, string>;
	/** Option names by raw value, where the rule cannot split the words ("INSERTIFNOTEXISTS"). */
	optionNames?: Record<string, string>;
	/** Words written as they are inside sentences (product names, acronyms): "WhatsApp", "CSAT". */
	properWords: string[];
	/** Suffix of the actions of one API, so that its actions differ from the other APIs' in one node. */
	apiActionSuffix?: Record<string, string>;
}

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'from', 'in', 'into', 'of', 'on', 'or', 'per', 'the', 'to', 'via', 'with']);

/** "an" before a vowel sound, "a" before a consonant sound; acronyms by their first letter's name. */
export function fixArticles(text: string): string {
	return text.replace(/\b(a|an|A|An)(\s+)([A-Za-z][\w-]*)/g, (_match, article: string, space: string, next: string) => {
		let vowel: boolean;
		if (/^[A-Z]{2,}s?$/.test(next)) vowel = 'AEFHILMNORSX'.includes(next[0]);
		else if (/^(u[bcdfgklmnprstvz][aeiou]|uni|use|usu|ur[aeio]|one|once|eu)/i.test(next)) vowel = false;
		else if (/^(hour|honest|honou?r)/i.test(next)) vowel = true;
		else vowel = /^[aeiou]/i.test(next);
		const capital = article[0] === 'A';
		const wanted = vowel ? 'an' : 'a';
		return `${capital ? wanted[0].toUpperCase() + wanted.slice(1) : wanted}${space}${next}`;
	});
}

/** Words of a raw key or value: "PanelCardOverdueCount", "IN_PROGRESS", "account_id", "bot-key". */
function splitWords(raw: string): string[] {
	return raw
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean);
}

const ACRONYMS = new Set(['id', 'ids', 'url', 'urls', 'utm', 'otp', 'sla', 'csat', 'api', 'sso', 'mfa', 'hmac', 'csv', 'crm', 'faq', 'json', 'ssl', 'dns', 'sms', 'saml', 'ai', 'html', 'http', 'ip', 'cc', 'bcc', 'vip', 'utc', 'pdf', 'imap', 'smtp']);

function acronym(word: string): string | undefined {
	const lower = word.toLowerCase();
	if (lower === 'ids') return 'IDs';
	if (lower === 'urls') return 'URLs';
	return ACRONYMS.has(lower) ? word.toUpperCase() : undefined;
}

/** Title Case of raw words: "IN_PROGRESS" → "In Progress", "DepartmentId" → "Department ID". */
export function titleOfRaw(raw: string): string {
	return splitWords(raw)
		.map((word, index) => {
			const known = acronym(word);
			if (known) return known;
			const lower = word.toLowerCase();
			if (index > 0 && SMALL_WORDS.has(lower)) return lower;
			return lower.charAt(0).toUpperCase() + lower.slice(1);
		})
		.join(' ');
}

/** The path segment before a path field: "portals" for {id} in "/portals/{id}/articles". */
const segmentBefore = (op: OperationSpec, field: FieldSpec) => new RegExp(`/([^/{}]+)/\\{${escape(field.key)}\\}`).exec(op.path)?.[1];

function singular(word: string): string {
	if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
	if (/(x|ch|sh|ss)es$/.test(word)) return word.slice(0, -2);
	return word.replace(/s$/, '');
}

export class Namer {
	private readonly proper: Map<string, string>;

	constructor(private readonly naming: NamingTable) {
		this.proper = new Map(naming.properWords.map((word) => [word.toLowerCase(), word]));
	}

	/** A word as it stands inside a sentence: proper words and acronyms keep their form, others go lower case. */
	private inSentence(word: string): string {
		const proper = this.proper.get(word.toLowerCase()) ?? acronym(word);
		if (proper) return proper;
		if (/^[A-Z0-9]{2,}$/.test(word)) return word;
		return word.toLowerCase();
	}

	/** "Get an User Details" → "Get a user details"; keeps acronyms and product names. */
	sentence(text: string): string {
		const cased = text
			.split(/(\s+|[/-])/)
			.map((part, index) => (/^\s+$|^[/-]$/.test(part) ? part : index === 0 ? this.first(part) : this.inSentence(part)))
			.join('');
		return fixArticles(cased);
	}

	private first(word: string): string {
		const proper = this.proper.get(word.toLowerCase()) ?? acronym(word);
		return proper ?? word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
	}

	/** Title Case of a sentence: every word capitalised except short joining words inside. */
	title(text: string): string {
		return text
			.split(/(\s+)/)
			.map((part, index) => {
				if (/^\s+$/.test(part)) return part;
				const proper = this.proper.get(part.toLowerCase()) ?? acronym(part);
				if (proper) return proper;
				if (index > 0 && SMALL_WORDS.has(part.toLowerCase())) return part.toLowerCase();
				return part
					.split('-')
					.map((piece) => piece.charAt(0).toUpperCase() + piece.slice(1))
					.join('-');
			})
			.join('');
	}

	/** The label of a field: the table's word, or the key's words in Title Case. */
	label(op: OperationSpec, field: FieldSpec, resource: ResourceNaming): string | undefined {
		const own = this.naming.operationFieldLabels?.[`${op.id}.${field.key}`] ?? this.naming.fieldLabels?.[field.key] ?? this.pathId(op, field);
		if (own) return own;
		// A path's bare {id} is the ID of what the segment before it names ("/articles/{id}": Article ID), as
		// every other field naming that ID is labelled.
		if (field.in === 'path' && field.key === 'id') {
			const segment = segmentBefore(op, field);
			const noun = segment ? (this.naming.idNouns?.[segment] ?? titleOfRaw(singular(segment))) : resource.name;
			return `${noun} ID`;
		}
		return undefined;
	}

	/** The table's name of a path identifier, by the segment before it. */
	private pathId(op: OperationSpec, field: FieldSpec): string | undefined {
		const segment = field.in === 'path' ? segmentBefore(op, field) : undefined;
		return segment ? this.naming.pathIds?.[segment] : undefined;
	}

	/**
	 * The parameter name of a field. A path identifier is named after its label ("Contact ID": contactId),
	 * whether the path calls it {id} or {contact_id}: n8n carries a parameter's value over when the user switches
	 * to an operation with a parameter of the same name, so one thing keeps one name in every operation of a
	 * resource, and two things never share one.
	 */
	name(op: OperationSpec, field: FieldSpec, resource: ResourceNaming): string {
		const label = field.in === 'path' ? this.label(op, field, resource) : undefined;
		return label ? camelOf(label) : field.name;
	}

	private readonly usedDescriptions = new Set<string>();

	/** The description of a field labelled `label`: the table's text, or the contract's curated by the rules. */
	description(op: OperationSpec, field: FieldSpec, label: string): string | undefined {
		const ownKey = `${op.id}.${field.key}`;
		let own = this.naming.operationFieldDescriptions?.[ownKey];
		if (own !== undefined) this.usedDescriptions.add(`operationFieldDescriptions ${ownKey}`);
		else {
			own = this.naming.fieldDescriptions?.[field.key];
			if (own !== undefined) this.usedDescriptions.add(`fieldDescriptions ${field.key}`);
		}
		if (own !== undefined) return own || undefined;
		return field.description === undefined ? undefined : curateDescription(field.description, label);
	}

	/** Table entries no field used: the contract lost what they describe. */
	unusedDescriptions(): string[] {
		return [
			...Object.keys(this.naming.fieldDescriptions ?? {}).map((key) => `fieldDescriptions ${key}`),
			...Object.keys(this.naming.operationFieldDescriptions ?? {}).map((key) => `operationFieldDescriptions ${key}`),
		].filter((entry) => !this.usedDescriptions.has(entry));
	}

	dropped(field: FieldSpec): boolean {
		return this.naming.dropFields?.[field.key] !== undefined;
	}

	optionName(value: string): string {
		return this.naming.optionNames?.[value] ?? titleOfRaw(value);
	}
}

/** Parts of a text outside quotes, where words are prose; quoted text is a value typed as shown. */
function outsideQuotes(text: string, change: (prose: string) => string): string {
	return text
		.split(/((?<![A-Za-z])'[^']*'(?![A-Za-z])|"[^"]*")/)
		.map((part, index) => (index % 2 === 1 ? part : change(part)))
		.join('');
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'to', 'be', 'this', 'that', 'for', 'its', 'id', 'ids', 'identifier', 'unique', 'numeric', 'number']);
/** The words that carry meaning, singular, for telling whether a description only repeats its label. */
export const contentWords = (text: string) =>
	text
		.toLowerCase()
		.replace(/\bto be (updated|deleted|fetched|retrieved)\b/g, ' ')
		.replace(/[^a-z0-9 ]/g, ' ')
		.split(/\s+/)
		.filter((word) => word && !STOP_WORDS.has(word))
		.map((word) => word.replace(/(?<=[a-z]{3})s$/, ''));

/** Sentences of a text; "e.g." and "i.e." end none. */
export function sentencesOf(text: string): string[] {
	return text
		.replace(/\b(e\.g|i\.e)\./g, (abbreviation) => abbreviation.replace(/\./g, '\u0000'))
		.split(/(?<=[^.][.!?])\s+/)
		.map((sentence) => sentence.replace(/\u0000/g, '.').trim())
		.filter(Boolean);
}

/**
 * A contract's field description as n8n's own nodes write one: trimmed, ID, URL and JSON in capitals, values in
 * single quotes rather than backticks, a capital first letter, no final period after a single sentence and one
 * after several; nothing when it only says what the label says ("ID of the contact" under Contact ID).
 */
export function curateDescription(text: string, label: string): string | undefined {
	let curated = outsideQuotes(text.replace(/`([^`]*)`/g, "'$1'").replace(/\s+/g, ' ').trim(), (prose) =>
		prose
			.replace(/\b(id|Id)\b/g, 'ID')
			.replace(/^The ID of /, 'ID of ')
			.replace(/\be\.g\s/g, 'e.g. ')
			.replace(/\b(ids|Ids|IDS)\b/g, 'IDs')
			.replace(/\b(url|Url)\b/g, 'URL')
			.replace(/\b(urls|Urls)\b/g, 'URLs')
			.replace(/\b(json|Json)\b/g, 'JSON'),
	);
	if (/^[a-z]/.test(curated) && !/^(e\.g\.|i\.e\.)/.test(curated)) curated = curated.charAt(0).toUpperCase() + curated.slice(1);
	const sentences = sentencesOf(curated);
	if (sentences.length === 1) curated = curated.replace(/(?<!\b(?:e\.g|i\.e|etc))\.$/, '');
	else if (!/[.!?…]$/.test(curated)) curated = `${curated}.`;
	// "agentbot" under Agent Bot ID says no more than "agent bot".
	const labelWords = contentWords(label);
	const named = new Set([...labelWords, ...labelWords.slice(1).map((word, index) => `${labelWords[index]}${word}`)]);
	return contentWords(curated).every((word) => named.has(word)) ? undefined : curated;
}

/** Curated summary: "(paged)" notes, "List all", "Get … details", "… in Account" go. */
export function cleanSummary(summary: string): string {
	return summary
		.replace(/\s*\([^)]*\)/g, '')
		.replace(/^List all (the )?/i, 'List ')
		.replace(/^Get (the )?details of /i, 'Get ')
		.replace(/^(Get (a|an) .+?) Details$/i, '$1')
		.replace(/^Show /i, 'Get ')
		.replace(/^Fetch /i, 'Get ')
		.replace(/\s+(in|from|to) (an |the )?Account$/i, '')
		.replace(/\s+/g, ' ')
		.trim();
}

const pluralOf = (resource: ResourceNaming) =>
	resource.plural ?? (/(s|x|ch|sh)$/i.test(resource.name) ? `${resource.name}es` : /[^aeiou]y$/i.test(resource.name) ? `${resource.name.slice(0, -1)}ies` : `${resource.name}s`);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "Agent Capacity Policy" → the names a sentence may use for it: the whole name and its shorter endings. */
function nounsOf(resource: ResourceNaming): { one: string; many: string } {
	const words = resource.name.toLowerCase().split(' ');
	const pluralWords = pluralOf(resource).toLowerCase().split(' ');
	const endings = (list: string[]) => list.map((_, index) => escape(list.slice(index).join(' ')));
	return { one: `(?:${endings(words).join('|')})`, many: `(?:${endings(pluralWords).join('|')})` };
}

const camelOf = (name: string) =>
	splitWords(name)
		.map((word, index) => (index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
		.join('');

/** Value, name and action of an operation the table does not decide whole. */
function proposeOperation(namer: Namer, op: OperationSpec, resource: ResourceNaming, decided: OperationNaming): Required<Pick<OperationNaming, 'value' | 'name' | 'action'>> {
	const { one, many } = nounsOf(resource);
	const action = namer.sentence(decided.action ?? cleanSummary(op.action));
	const article = '(?:(?:a|an|the|one|a single|a new|an new) )?';
	// "SAML Settings" is one thing with a plural name: no article before it.
	const a = resource.plural === resource.name ? '' : 'a ';
	const standard: Array<[RegExp, string, string, string]> = [
		[new RegExp(`^(create|add) ${article}${one}$`, 'i'), 'create', 'Create', `Create ${a}${resource.name}`],
		[new RegExp(`^get ${article}${one}$`, 'i'), 'get', 'Get', action],
		[new RegExp(`^(update|edit) ${article}${one}$`, 'i'), 'update', 'Update', `Update ${a}${resource.name}`],
		[new RegExp(`^(delete|remove) ${article}${one}$`, 'i'), 'delete', 'Delete', `Delete ${a}${resource.name}`],
		[new RegExp(`^(list|get|get many) ${many}$`, 'i'), 'getAll', 'Get Many', `Get many ${pluralOf(resource)}`],
	];
	for (const [pattern, value, name, standardAction] of standard) {
		if (pattern.test(action)) return { value: decided.value ?? value, name: decided.name ?? name, action: decided.action ? action : namer.sentence(standardAction) };
	}
	// "Duplicate a card" in Card → Duplicate; "Remove an agent from a team" in Team → Remove Agent;
	// "List notes of a card" in Card → Get Notes.
	const name =
		decided.name ??
		namer.title(
			action
				.replace(new RegExp(`\\s+(of|to|from|in|for|on|into|with|by|using) ${article}(${one}|${many})$`, 'i'), '')
				.replace(new RegExp(`^([a-z-]+) ${article}(${one})$`, 'i'), '$1')
				.replace(/^List /i, 'Get ')
				.replace(/\b(a|an|the)\s+/gi, ''),
		);
	return { value: decided.value ?? camelOf(name.replace(/^Get Many\b/, 'Get All')), name, action };
}

/** Applies the table and the rules to a generated table; throws on anything stale or ambiguous. */
export function applyNaming(table: OperationTable, naming: NamingTable, contract: string): OperationTable {
	const namer = new Namer(naming);
	const problems: string[] = [];
	const known = new Set(table.operations.map((op) => op.id));
	for (const id of Object.keys(naming.operations)) if (!known.has(id)) problems.push(`${contract}: naming names operation ${id}, which the contract lacks`);
	const resourceKeyOf = (op: OperationSpec) => naming.operations[op.id]?.resource ?? op.resource;
	const used = new Set(table.operations.map(resourceKeyOf));
	for (const key of Object.keys(naming.resources)) if (!used.has(key)) problems.push(`${contract}: naming names resource ${key}, which no operation belongs to`);
	const resourceOf = (key: string): ResourceNaming => {
		const entry = naming.resources[key];
		if (!entry) problems.push(`${contract}: resource ${key} has no entry in the naming table`);
		return entry ?? { value: key, name: key };
	};
	// The resources are those the operations end up in, each with its contract tag's API.
	const apiOfTag = new Map(table.resources.map((r) => [r.value, r.api]));
	const resources = new Map<string, OperationTable['resources'][number]>();
	for (const op of table.operations) {
		const named = resourceOf(resourceKeyOf(op));
		const api = apiOfTag.get(op.resource);
		const other = resources.get(named.value);
		if (other && other.api !== api) problems.push(`${contract}: resource ${named.value} would hold operations of the ${String(other.api)} and ${String(api)} APIs`);
		resources.set(named.value, { value: named.value, name: named.name, ...(api ? { api } : {}) });
	}
	const operations = table.operations.map((op) => {
		const decided = naming.operations[op.id] ?? {};
		const resource = resourceOf(resourceKeyOf(op));
		const proposed = proposeOperation(namer, op, resource, decided);
		const suffix = op.api ? naming.apiActionSuffix?.[op.api] : undefined;
		const fields = op.fields.filter((field) => !namer.dropped(field)).map((field) => nameField(namer, op, field, resource));
		const names = fields.map((field) => field.name);
		for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) problems.push(`${contract}: ${op.id} has two fields named ${name}`);
		return {
			...op,
			value: proposed.value,
			resource: resource.value,
			name: proposed.name,
			action: suffix ? `${proposed.action} ${suffix}` : proposed.action,
			...(decided.description ? { description: decided.description } : {}),
			fields,
		};
	});
	const values = new Map<string, string>();
	const names = new Map<string, string>();
	const actions = new Map<string, string>();
	for (const op of operations) {
		for (const [seen, key, what] of [
			[values, `${op.resource}/${op.value}`, 'value'],
			[names, `${op.resource}/${op.name}`, 'name'],
			[actions, `${op.api ?? ''}/${op.action}`, 'action'],
		] as const) {
			const other = seen.get(key);
			if (other) problems.push(`${contract}: ${op.id} and ${other} share the ${what} ${key}`);
			seen.set(key, op.id);
		}
	}
	for (const entry of namer.unusedDescriptions()) problems.push(`${contract}: naming's ${entry} describes no field of the contract`);
	if (problems.length) throw new Error(`Naming table:\n${[...new Set(problems)].join('\n')}`);
	return {
		...table,
		resources: [...resources.values()].sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value)),
		operations,
	};
}

function nameField(namer: Namer, op: OperationSpec, field: FieldSpec, resource: ResourceNaming): FieldSpec {
	const named: FieldSpec = { ...field, name: namer.name(op, field, resource) };
	const label = namer.label(op, field, resource);
	if (label) named.label = label;
	const description = namer.description(op, field, fieldLabel(named));
	if (description) named.description = description;
	else delete named.description;
	if (field.options) {
		// One option per value regardless of case: "INSERTIFNOTEXISTS" beside "InsertIfNotExists" is one choice.
		const seen = new Set<string>();
		named.options = field.options.filter((value) => {
			const key = value.toLowerCase();
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
		named.optionNames = named.options.map((value) => namer.optionName(value));
	}
	if (field.fields) named.fields = field.fields.filter((child) => !namer.dropped(child)).map((child) => nameField(namer, op, child, resource));
	return named;
}
