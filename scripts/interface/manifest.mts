/**
 * The interface saved workflows depend on: for every node, each parameter (by the resource and operation it
 * belongs to), its type and the option values it accepts. interface.json at the repository root records it;
 * the build fails when a change removes or renames anything recorded there without raising the node's
 * version (saved workflows keep the version they were made with, so the old version must keep working).
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

/** `key → "type"` or `"type: value|value"` for parameters with options. */
export type NodeInterface = Record<string, string>;

export interface InterfaceManifest {
	[node: string]: { version: number; parameters: NodeInterface };
}

const scope = (property: INodeProperties): string => {
	const show = property.displayOptions?.show ?? {};
	const part = (key: string) => (show[key] as unknown[] | undefined)?.map(String).sort().join('|') ?? '*';
	return `${part('resource')}/${part('operation')}`;
};

function describe(out: NodeInterface, key: string, property: INodeProperties): void {
	const options = (property.options ?? []) as Array<INodePropertyOptions | INodeProperties | INodePropertyCollection>;
	if (property.type === 'options' || property.type === 'multiOptions') {
		const values = (options as INodePropertyOptions[]).map((option) => String(option.value)).sort();
		out[key] = values.length ? `${property.type}: ${values.join('|')}` : property.type;
		return;
	}
	out[key] = property.type;
	if (property.type === 'collection') for (const child of options as INodeProperties[]) describe(out, `${key}.${child.name}`, child);
	if (property.type === 'fixedCollection') {
		for (const group of options as INodePropertyCollection[]) for (const child of group.values) describe(out, `${key}.${group.name}.${child.name}`, child);
	}
}

export function interfaceOf(description: INodeTypeDescription): NodeInterface {
	const out: NodeInterface = {};
	for (const property of description.properties) {
		if (property.type === 'notice') continue;
		const key = `${scope(property)} ${property.name}`;
		// One name can carry several selectors (one per resource): keep every value any of them accepts.
		const before = out[key];
		describe(out, key, property);
		if (before?.includes(': ') && out[key].includes(': ')) {
			const [type, values] = out[key].split(': ');
			out[key] = `${type}: ${[...new Set([...before.split(': ')[1].split('|'), ...values.split('|')])].sort().join('|')}`;
		}
	}
	return out;
}

export const latestVersion = (description: INodeTypeDescription): number =>
	Array.isArray(description.version) ? Math.max(...description.version) : description.version;

/** What a node lost against its recorded interface: removed keys, changed types, dropped option values. */
export function breakingChanges(recorded: NodeInterface, current: NodeInterface): string[] {
	const changes: string[] = [];
	for (const [key, was] of Object.entries(recorded)) {
		const now = current[key];
		if (now === undefined) {
			changes.push(`${key} was removed or renamed`);
			continue;
		}
		const [wasType, wasValues = ''] = was.split(': ');
		const [nowType, nowValues = ''] = now.split(': ');
		if (wasType !== nowType) changes.push(`${key} changed type from ${wasType} to ${nowType}`);
		const kept = new Set(nowValues.split('|'));
		const dropped = wasValues.split('|').filter((value) => value && !kept.has(value));
		if (dropped.length) changes.push(`${key} no longer offers ${dropped.join(', ')}`);
	}
	return changes;
}

/** Every breaking change of `current` against `recorded`, except in nodes whose version went up. */
export function problemsOf(recorded: InterfaceManifest, current: InterfaceManifest): string[] {
	const problems: string[] = [];
	for (const [node, was] of Object.entries(recorded)) {
		const now = current[node];
		if (!now) problems.push(`node ${node} was removed`);
		else if (now.version <= was.version) problems.push(...breakingChanges(was.parameters, now.parameters).map((change) => `${node} v${String(now.version)}: ${change}`));
	}
	return problems;
}
