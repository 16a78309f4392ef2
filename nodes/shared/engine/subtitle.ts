import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Display names by value, from every selector of the given parameter (one per resource or API). */
function namesOf(properties: INodeProperties[], parameter: string): Record<string, string> {
	const names: Record<string, string> = {};
	for (const property of properties.filter((p) => p.name === parameter)) {
		for (const option of (property.options ?? []) as INodePropertyOptions[]) names[String(option.value)] ??= option.name;
	}
	return names;
}

/**
 * The canvas subtitle of an action node: "Create: Contact", the names the panel shows, not the stored values.
 * An operation value has one name within a node (the naming lint checks it), so one lookup per parameter does.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const operations = JSON.stringify(namesOf(properties, 'operation'));
	const resources = JSON.stringify(namesOf(properties, 'resource'));
	return `={{ (${operations}[$parameter["operation"]] || $parameter["operation"]) + ": " + (${resources}[$parameter["resource"]] || $parameter["resource"]) }}`;
}

/** An expression (without its `={{ }}`) joining the names of the values chosen in a multi-option parameter. */
export function chosenNames(properties: INodeProperties[], parameter: string): string {
	const names = JSON.stringify(namesOf(properties, parameter));
	return `$parameter["${parameter}"].map((value) => (${names})[value] || value).join(", ")`;
}

/** The canvas subtitle of a trigger: the names of its chosen events. */
export function eventsSubtitle(properties: INodeProperties[]): string {
	return `={{ ${chosenNames(properties, 'events')} }}`;
}
