/**
 * The operation table: plain data generated at build time from an API contract (scripts/generate-operations.mts).
 * Nodes read it to describe their fields and to build requests; nothing parses a contract at n8n start-up.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type FieldType =
	| 'string'
	| 'number'
	| 'boolean'
	| 'dateTime'
	/** A free-form JSON value (object or array) the contract does not describe field by field. */
	| 'json'
	/** An array of scalars, entered as a comma-separated list. */
	| 'list'
	/** An object whose properties the contract describes: `fields` holds them. */
	| 'object'
	/** An array of described objects: `fields` holds the properties of one entry. */
	| 'objectList';

export interface FieldSpec {
	/** Parameter name in n8n (camelCase, unique within its operation level). */
	name: string;
	/** Name on the wire. For body fields, the property name within its parent object. */
	key: string;
	in: 'path' | 'query' | 'body';
	/** Display name when the one derived from `key` would be ambiguous. */
	label?: string;
	type: FieldType;
	required?: boolean;
	/** Allowed values; with type `list`, several may be chosen. */
	options?: string[];
	/** What the editor shows for each of `options`, in the same order (from the naming table). */
	optionNames?: string[];
	/** For type `list`: what each entry is. */
	itemType?: 'string' | 'number';
	/** For objects: at least one of these keys must be given (the contract's `anyOf` of `required`). */
	oneOfKeys?: string[];
	/** The contract's string format (`uuid`, `email`), of the value or of each list entry: checked before sending.
	 * `binary`: a file part of a multipart body, given as the name of an n8n binary property. */
	format?: string;
	/** For type `json`: the contract expects an array. */
	isArray?: boolean;
	description?: string;
	fields?: FieldSpec[];
}

export type PaginationSpec =
	/** Numbered pages with a "more pages" flag or a total page count (WTS). */
	| {
			style: 'pageNumber';
			in: 'query' | 'body';
			pageParam: string;
			sizeParam?: string;
			pageSize?: number;
			itemsPath: string;
			hasMorePath?: string;
	  }
	/**
	 * Numbered pages that end with a short page, an empty page, once `totalPath` records are in, or when the
	 * flag at `hasMorePath` is not true (Chatwoot).
	 */
	| { style: 'page'; pageParam: string; pageSize?: number; itemsPath: string; totalPath?: string; hasMorePath?: string; keyed?: boolean }
	/** Older records are fetched by passing the oldest id seen (Chatwoot messages). */
	/* `keyed`: the items path holds an object of arrays (one per record type, as in combined search). */
	| { style: 'cursorBefore'; param: string; idField: string; itemsPath: string }
	/** One answer holds the whole list. */
	| { style: 'none'; itemsPath: string; keyed?: boolean };

export interface OperationSpec {
	/** The contract's operationId. */
	id: string;
	/** The `operation` value in n8n: short and unique within its resource ("create", "getAll"). */
	value: string;
	/** n8n resource value. */
	resource: string;
	/** Display name of the operation ("Create", "Add Labels"). */
	name: string;
	/** Sentence shown in the node search and under the operation (n8n's `action`): "Create a contact". */
	action: string;
	/** What sets the operation apart from one that looks alike, shown under it in the operation list. */
	description?: string;
	method: HttpMethod;
	path: string;
	fields: FieldSpec[];
	/** `root` bodies are a JSON array or value passed whole (field `body`). */
	body?: 'json' | 'multipart' | 'root';
	/** The contract requires a body even though none of its fields is required on its own. */
	bodyRequired?: boolean;
	/** At least one of these body keys must be given. */
	bodyOneOfKeys?: string[];
	pagination?: PaginationSpec;
	/** The API family, for contracts that mix several (Chatwoot application / client / platform). */
	api?: string;
}

export interface ResourceSpec {
	value: string;
	name: string;
	/** The API the resource belongs to, when the table has several. */
	api?: string;
}

export interface OperationTable {
	/** Set when the contract spans several APIs: the node then asks for the API first. */
	apis?: ResourceSpec[];
	resources: ResourceSpec[];
	operations: OperationSpec[];
}

/** The part of a table that one node offers: the operations and resources of the given APIs. */
export function tableOfApis(table: OperationTable, apis: string[]): OperationTable {
	const offered = new Set(apis);
	const kept = table.apis?.filter((api) => offered.has(api.value)) ?? [];
	return {
		// One API needs no selector: the node then shows the resources directly.
		...(kept.length > 1 ? { apis: kept } : {}),
		resources: table.resources.filter((r) => r.api === undefined || offered.has(r.api)),
		operations: table.operations.filter((op) => op.api === undefined || offered.has(op.api)),
	};
}

/** The generated operation a node's Resource and Operation parameters select. */
export function operationOf(table: OperationTable, resource: string, operation: string): OperationSpec | undefined {
	return table.operations.find((entry) => entry.resource === resource && entry.value === operation);
}
