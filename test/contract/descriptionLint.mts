/**
 * What a person reads under a field, checked on a built node description: every parameter's description,
 * inside collections and fixed collections too, and the descriptions of options. It finds what nobody
 * curated: text cut short by the generator, raw paths, wire keys used as words, markup other than n8n's own
 * link to the expressions docs, stray whitespace, a lower-case start, "id" for ID, a sentence said twice, a
 * description that only repeats its label, and the final period n8n's own nodes leave off a single sentence.
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { contentWords, sentencesOf } from '../../scripts/generate/naming.mts';

export interface DescriptionFinding {
	node: string;
	/** Where the description is shown: "Contact › Create › Additional Fields › Email". */
	where: string;
	text: string;
	problem: string;
}

/** Words written with inner capitals on purpose: product names. */
const PROPER = new Set(['WhatsApp', 'OpenAI', 'LeadSquared', 'JavaScript', 'TikTok', 'CloudAPI', 'iOS', 'iPhone', 'YouTube', 'LinkedIn', 'GitHub', 'IdP', 'WebRTC']);
/** Words in capitals on purpose: acronyms. */
const ACRONYMS = new Set([
	'API', 'APIs', 'CRM', 'CSAT', 'CSV', 'DNS', 'FAQ', 'HMAC', 'HTML', 'HTTP', 'HTTPS', 'ID', 'IDs', 'JSON', 'MFA', 'OTP', 'SAML', 'SLA', 'SLAs',
	'SMS', 'SSL', 'SSO', 'URL', 'URLs', 'UTM', 'AI', 'IMAP', 'SMTP', 'UTC', 'ISO', 'PDF', 'TLS', 'MIME', 'UUID', 'DDI', 'SID', 'GIF', 'PNG', 'JPEG',
	'MP3', 'MP4', 'OGG', 'WTS', 'IANA', 'ASCII', 'UTF', 'HSM', 'LGPD', 'CPF', 'CNPJ', 'IETF', 'BCP', 'URI', 'SDK', 'LLM', 'MD5', 'PEM', 'SDP', 'DDI', 'FLW',
]);

/** n8n's own sentence under a picker: the one link and markup a description may hold. */
const EXPRESSIONS_LINK = '<a href="https://docs.n8n.io/code/expressions/">expression</a>';

/** Text in single or double quotes is a value the user types as shown: "'first_response'". */
const withoutQuoted = (text: string) => text.replace(/(?<![A-Za-z])'[^']*'(?![A-Za-z])|"[^"]*"|“[^”]*”/g, ' ');

/** The problems of one description under a field labelled `label`. */
export function descriptionProblems(text: string, label: string, type?: string): string[] {
	const problems: string[] = [];
	if (text.trim() === '') return ['empty'];
	if (text !== text.trim()) problems.push('leading or trailing whitespace');
	if (/\s{2,}/.test(text)) problems.push('inner whitespace');
	if (/…$|\.\.\.$/.test(text)) problems.push('cut short');
	if (text.includes('\\')) problems.push('a backslash');
	if (/\bRails\b|\bDTO\b|community node|legacy node|\bsnake_case\b/.test(text)) problems.push("a developer's note");
	const plain = text.replace(EXPRESSIONS_LINK, 'expression');
	if (/<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;/i.test(plain)) problems.push('HTML');
	if (/\*\*|__|`|\[[^\]]+\]\([^)]*\)|^#+\s|^\s*[-*]\s/m.test(plain)) problems.push('Markdown');
	const unquoted = withoutQuoted(plain);
	if (/(^|[\s(])\/[a-z{*]|\{[a-z_]+\}|\/v\d\//i.test(unquoted)) problems.push('a path');
	const words = unquoted.split(/[\s()/,;:!?=+|[\]]+/).map((word) => word.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''));
	for (const word of words.filter(Boolean)) {
		if (/^[a-z0-9]+_[a-z0-9_]+$/i.test(word)) problems.push(`wire key "${word}"`);
		else if (/^[a-z]+[A-Z]\w*$/.test(word) && !PROPER.has(word)) problems.push(`wire key "${word}"`);
		else if (/^[A-Z][a-z]+[A-Z]\w*$/.test(word) && !PROPER.has(word)) problems.push(`wire key "${word}"`);
		else if (/^[A-Z][A-Z0-9]{2,}$/.test(word) && !ACRONYMS.has(word)) problems.push(`raw value "${word}"`);
		else if (/^(id|Id|ids|Ids)$/.test(word)) problems.push(`"${word}" instead of ID`);
		else if (/^(url|Url|urls)$/.test(word)) problems.push(`"${word}" instead of URL`);
		else if (/^(json|Json)$/.test(word)) problems.push(`"${word}" instead of JSON`);
	}
	if (/^[a-z]/.test(text) && !/^(e\.g\.|i\.e\.)/.test(text)) problems.push('starts in lower case');
	const sentences = sentencesOf(text);
	const seen = new Set<string>();
	for (const sentence of sentences) {
		const key = sentence.toLowerCase().replace(/[.!?]$/, '');
		if (seen.has(key)) problems.push(`says "${sentence}" twice`);
		seen.add(key);
	}
	// n8n's own nodes: one sentence without a final period, several with one.
	if (sentences.length === 1 && /[^.]\.$/.test(text) && !/\b(e\.g|i\.e|etc)\.$/.test(text)) problems.push('a single sentence ending with a period');
	if (sentences.length > 1 && !/[.!?]$/.test(text)) problems.push('several sentences without a final period');
	const described = contentWords(text);
	const labelWords = contentWords(label);
	const named = new Set([...labelWords, ...labelWords.slice(1).map((word, index) => `${labelWords[index]}${word}`)]);
	if (described.every((word) => named.has(word))) problems.push('repeats the label');
	if (type === 'boolean' && !/^Whether\b/.test(text)) problems.push('a boolean not starting with "Whether"');
	return problems;
}

/** Every description of a node, by where it is shown. */
export function lintDescriptions(description: INodeTypeDescription): DescriptionFinding[] {
	const findings: DescriptionFinding[] = [];
	const node = description.displayName;
	const check = (where: string, text: string | undefined, label: string, type?: string) => {
		if (text === undefined) return;
		for (const problem of descriptionProblems(text, label, type)) findings.push({ node, where, text, problem });
	};
	const visit = (property: INodeProperties, path: string) => {
		const where = `${path}${property.displayName}`;
		check(where, property.description, property.displayName, property.type);
		const options = (property.options ?? []) as Array<INodePropertyOptions | INodeProperties | INodePropertyCollection>;
		if (property.type === 'options' || property.type === 'multiOptions') {
			for (const option of options as INodePropertyOptions[]) check(`${where} › ${option.name}`, option.description, option.name);
		}
		if (property.type === 'collection') for (const child of options as INodeProperties[]) visit(child, `${where} › `);
		if (property.type === 'fixedCollection') {
			for (const group of options as INodePropertyCollection[]) for (const child of group.values) visit(child, `${where} › ${group.displayName} › `);
		}
	};
	for (const property of description.properties) {
		const show = property.displayOptions?.show;
		const scope = show?.resource && show.operation ? `${String(show.resource[0])}/${String(show.operation[0])} › ` : '';
		visit(property, scope);
	}
	return findings;
}
