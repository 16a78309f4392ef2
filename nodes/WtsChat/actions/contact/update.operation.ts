import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { checkEmail, fieldError, parseJsonField, pathSegmentValue } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import { pathTo, type ApiClient } from '../../../shared/transport/apiClient';

const UTM_FIELDS: Array<[string, string, string]> = [
	['utmSource', 'UTM Source', 'source'],
	['utmMedium', 'UTM Medium', 'medium'],
	['utmCampaign', 'UTM Campaign', 'campaign'],
	['utmContent', 'UTM Content', 'content'],
	['utmHeadline', 'UTM Headline', 'headline'],
	['utmTerm', 'UTM Term', 'term'],
	['utmReferralUrl', 'UTM Referral URL', 'referralUrl'],
];

/** n8n field → [wire property, field-mask name]. Only fields the user picked are sent and masked. */
const MASK: Record<string, [string, string | undefined]> = {
	name: ['name', 'Name'],
	phoneNumber: ['phoneNumber', 'PhoneNumber'],
	email: ['email', 'Email'],
	instagram: ['instagram', 'Instagram'],
	annotation: ['annotation', 'Annotation'],
	tagIds: ['tagIds', 'Tags'],
	portfolioIds: ['portfolioIds', 'Portfolio'],
	sequenceIds: ['sequenceIds', 'SequenceIds'],
	status: ['status', 'Status'],
	pictureUrl: ['pictureUrl', 'PictureUrl'],
	// Metadata is not a documented mask value: it is sent without one.
	metadata: ['metadata', undefined],
};

export const description: INodeProperties[] = [
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		description: 'ID of the contact to update',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Annotation', name: 'annotation', type: 'string', typeOptions: { rows: 3 }, default: '' },
			{
				displayName: 'Custom Fields',
				name: 'customFields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Custom Field',
				default: {},
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Field Name or ID',
								name: 'key',
								type: 'options',
								typeOptions: { loadOptionsMethod: 'getCustomFields' },
								default: '',
								description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
							},
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Instagram', name: 'instagram', type: 'string', placeholder: '@username', default: '' },
			{ displayName: 'Metadata (JSON)', name: 'metadata', type: 'json', default: '{}', description: 'Free key/value data kept with the contact' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Phone Number', name: 'phoneNumber', type: 'string', placeholder: '+55|11999999999', default: '' },
			{ displayName: 'Picture URL', name: 'pictureUrl', type: 'string', default: '' },
			{
				displayName: 'Portfolio Names or IDs',
				name: 'portfolioIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getPortfolios' },
				default: [],
				description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			},
			{
				displayName: 'Sequence Names or IDs',
				name: 'sequenceIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getSequences' },
				default: [],
				description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Active', value: 'ACTIVE' },
					{ name: 'Archived', value: 'ARCHIVED' },
					{ name: 'Blocked', value: 'BLOCKED' },
					{ name: 'Empty', value: 'EMPTY' },
				],
				default: 'ACTIVE',
			},
			{
				displayName: 'Tag Names or IDs',
				name: 'tagIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTags' },
				default: [],
				description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				hint: "Replaces the contact's tags",
			},
			...UTM_FIELDS.map(([name, displayName]): INodeProperties => ({ displayName, name, type: 'string', default: '' })),
		],
	},
];

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const contactId = pathSegmentValue(this, itemIndex, 'Contact ID', this.getNodeParameter('contactId', itemIndex, ''));
	if (!contactId) throw fieldError(this, itemIndex, 'Contact ID is empty', 'Fill in "Contact ID" with the ID of the contact to update.');
	const picked = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	const fields: string[] = [];
	for (const [name, [wire, mask]] of Object.entries(MASK)) {
		if (!(name in picked)) continue;
		let value = picked[name];
		if (name === 'email') value = checkEmail(this, itemIndex, 'Email', String(value));
		if (name === 'metadata') value = parseJsonField(this, itemIndex, 'Metadata (JSON)', value) as IDataObject;
		// "Empty" clears the status.
		if (name === 'status' && value === 'EMPTY') value = null;
		body[wire] = value;
		if (mask) fields.push(mask);
	}
	const customFields = ((picked.customFields as IDataObject | undefined)?.field ?? []) as IDataObject[];
	if (customFields.length) {
		body.customFields = Object.fromEntries(customFields.filter((f) => String(f.key ?? '').trim()).map((f) => [String(f.key), f.value ?? '']));
		fields.push('CustomFields');
	}
	const utm = Object.fromEntries(UTM_FIELDS.filter(([name]) => name in picked).map(([name, , wire]) => [wire, picked[name]]));
	if (Object.keys(utm).length) {
		body.utm = utm;
		fields.push('Utm');
	}
	if (!Object.keys(body).length) {
		throw fieldError(this, itemIndex, 'No field to update', 'Add at least one field under "Update Fields".');
	}
	body.fields = fields;
	const request = { method: 'PUT', path: pathTo('/core/v2/contact/{id}', { id: contactId }), body, itemIndex } as const;
	return { send: async () => toItems(await client.request(request)) };
}

export const updateContact: HandMadeOperation = {
	resource: 'contact',
	value: 'update',
	name: 'Update',
	action: 'Update a contact',
	replaces: ['updateContact'],
	description,
	prepare,
};
