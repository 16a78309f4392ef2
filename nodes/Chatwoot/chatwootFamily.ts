import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { describeOperations } from '../shared/engine/describeOperations';
import type { NodeDefinition } from '../shared/engine/executeNode';
import type { FieldSpec, OperationSpec } from '../shared/engine/operationTable';
import { requestOptionsProperty } from '../shared/engine/requestOptions';
import type { ApiClient } from '../shared/transport/apiClient';
import { handMadeOperations } from './actions/handMadeOperations';
import { accountOf } from './account';
import { operationTable } from './generated/operationTable';
import { chatwootPickerFor } from './operationOverrides';
import { chatwootProfile, type ChatwootBrand } from './transport/chatwootProfile';

/** The account of `/api/v1/accounts/{account_id}/...` comes from the node's Account field or the credential. */
const isAccountOfApplication = (op: OperationSpec, field: FieldSpec) =>
	field.in === 'path' && field.key === 'account_id' && op.api === 'application';

const accountProperty: INodeProperties = {
	displayName: 'Account',
	name: 'accountId',
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	description: "Account to work in. Leave the ID empty to use the credential's default account.",
	displayOptions: { show: { api: ['application'] } },
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchAccounts', searchable: true } },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'From the credential' },
	],
};

async function accountPreset(ctx: IExecuteFunctions, op: OperationSpec, itemIndex: number, client: ApiClient): Promise<IDataObject> {
	const field = op.fields.find((f) => isAccountOfApplication(op, f));
	return field ? { [field.name]: await accountOf(ctx, itemIndex, client) } : {};
}

export const chatwootProperties: INodeProperties[] = [
	...describeOperations({
		table: operationTable,
		handMade: handMadeOperations,
		replaced: new Set(handMadeOperations.flatMap((op) => op.replaces)),
		pickerFor: chatwootPickerFor,
		filledByNode: isAccountOfApplication,
	}),
	accountProperty,
	requestOptionsProperty,
];

/** One engine, several brands: each brand only brings its names, credentials and icon. */
export function chatwootDefinition(brand: ChatwootBrand): NodeDefinition {
	const application = chatwootProfile(brand.platformName, brand.credentialType, 'accessToken');
	return {
		profile: application,
		profileOfApi: {
			application,
			client: application,
			platform: chatwootProfile(brand.platformName, brand.platformCredentialType, 'platformToken'),
		},
		table: operationTable,
		handMade: handMadeOperations,
		presetsOf: accountPreset,
		orderKeyOf: (ctx, op, itemIndex) => {
			const field = op.fields.find((f) => f.in === 'path' && f.key === 'conversation_id');
			return field ? `conversation:${String(ctx.getNodeParameter(field.name, itemIndex, '', { extractValue: true }))}` : undefined;
		},
	};
}

/** What both brands' node descriptions share; each class states its own name, icon and summary. */
export function chatwootDescriptionBase(brand: ChatwootBrand): Omit<INodeTypeDescription, 'displayName' | 'name' | 'icon' | 'description' | 'defaults' | 'subtitle'> {
	return {
		group: ['output'],
		version: 1,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: brand.credentialType, required: true, displayOptions: { show: { api: ['application', 'client'] } } },
			{ name: brand.platformCredentialType, required: true, displayOptions: { show: { api: ['platform'] } } },
		],
		properties: chatwootProperties,
	};
}
