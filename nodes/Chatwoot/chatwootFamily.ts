import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { describeOperations } from '../shared/engine/describeOperations';
import type { NodeDefinition } from '../shared/engine/executeNode';
import { tableOfApis, type FieldSpec, type OperationSpec, type OperationTable } from '../shared/engine/operationTable';
import { requestOptionsProperty } from '../shared/engine/requestOptions';
import { operationSubtitle } from '../shared/engine/subtitle';
import type { ApiClient } from '../shared/transport/apiClient';
import { handMadeOperations } from './actions/handMadeOperations';
import { conversationKey } from './actions/message/messageRequest';
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

/**
 * The Chatwoot node offers the Application and Client (Public) APIs, which share one credential, behind a
 * visible API selector; the Platform API, which needs the platform token, is a node of its own. A credential
 * that depends on a parameter makes n8n hide that parameter and switch it with the credential, so the API
 * could neither be seen nor kept when a picked action or a saved credential said otherwise.
 */
const APPLICATION_APIS = ['application', 'client'];
const PLATFORM_APIS = ['platform'];

const handMadeOf = (table: OperationTable) => handMadeOperations.filter((op) => table.resources.some((r) => r.value === op.resource));

function propertiesOf(table: OperationTable): INodeProperties[] {
	const handMade = handMadeOf(table);
	return [
		...describeOperations({
			table,
			handMade,
			replaced: new Set(handMade.flatMap((op) => op.replaces)),
			pickerFor: chatwootPickerFor,
			filledByNode: isAccountOfApplication,
		}),
		...(table.apis ? [accountProperty] : []),
		requestOptionsProperty,
	];
}

const applicationTable = tableOfApis(operationTable, APPLICATION_APIS);
const platformTable = tableOfApis(operationTable, PLATFORM_APIS);
const applicationProperties = propertiesOf(applicationTable);
const platformProperties = propertiesOf(platformTable);

function definitionOf(brand: ChatwootBrand, table: OperationTable): NodeDefinition {
	const application = chatwootProfile(brand.platformName, brand.credentialType, 'accessToken');
	const platform = chatwootProfile(brand.platformName, brand.platformCredentialType, 'platformToken');
	return {
		profile: table.apis ? application : platform,
		profileOfApi: { application, client: application, platform },
		table,
		handMade: handMadeOf(table),
		presetsOf: accountPreset,
		orderKeyOf: (op, values) => {
			const field = op.fields.find((f) => f.in === 'path' && f.key === 'conversation_id');
			return field ? conversationKey(String(values[field.name] ?? '')) : undefined;
		},
	};
}

/** One engine, several brands: each brand only brings its names, credentials and icon. */
export const chatwootDefinition = (brand: ChatwootBrand): NodeDefinition => definitionOf(brand, applicationTable);
export const chatwootPlatformDefinition = (brand: ChatwootBrand): NodeDefinition => definitionOf(brand, platformTable);

type DescriptionBase = Omit<INodeTypeDescription, 'displayName' | 'name' | 'icon' | 'description' | 'defaults' | 'subtitle'>;

const descriptionBase = (credentialType: string, properties: INodeProperties[]): DescriptionBase => ({
	group: ['output'],
	version: 1,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: credentialType, required: true }],
	properties,
});

/** What both brands' Application/Client nodes share; each class states its own name, icon and summary. */
export const chatwootDescriptionBase = (brand: ChatwootBrand): DescriptionBase => descriptionBase(brand.credentialType, applicationProperties);

/** What both brands' Platform nodes share. */
export const chatwootPlatformDescriptionBase = (brand: ChatwootBrand): DescriptionBase =>
	descriptionBase(brand.platformCredentialType, platformProperties);

/** "Create: Contact" on the canvas, for the Application/Client nodes and the Platform nodes. */
export const chatwootSubtitle = operationSubtitle(applicationProperties);
export const chatwootPlatformSubtitle = operationSubtitle(platformProperties);
