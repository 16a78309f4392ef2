import type { INodeProperties } from 'n8n-workflow';

import { describeOperations } from '../shared/engine/describeOperations';
import { requestOptionsProperty } from '../shared/engine/requestOptions';
import { handMadeOperations } from './actions/handMadeOperations';
import { operationTable } from './generated/operationTable';
import { wtsPickerFor } from './operationOverrides';

export const wtsChatProperties: INodeProperties[] = [
	...describeOperations({
		table: operationTable,
		handMade: handMadeOperations,
		replaced: new Set(handMadeOperations.flatMap((op) => op.replaces)),
		pickerFor: wtsPickerFor,
	}),
	requestOptionsProperty,
];
