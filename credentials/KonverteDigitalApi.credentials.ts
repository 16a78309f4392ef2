import type { ICredentialType, Icon } from 'n8n-workflow';

import {
	accessTokenProperties,
	accessTokenTest,
	instanceUrlProperty,
	processesSendingAtOnceProperty,
	requestsPerMinuteProperty,
	tokenHeader,
} from '../nodes/Chatwoot/transport/chatwootCredentials';

export class KonverteDigitalApi implements ICredentialType {
	name = 'konverteDigitalApi';

	displayName = 'Konverte Digital API';

	icon: Icon = { light: 'file:../nodes/KonverteDigital/konverteDigital.svg', dark: 'file:../nodes/KonverteDigital/konverteDigital.dark.svg' };

	documentationUrl = 'https://github.com/omnichat/n8n-nodes-omnichat#konverte-digital';

	properties = [instanceUrlProperty(''), ...accessTokenProperties, requestsPerMinuteProperty, processesSendingAtOnceProperty];

	authenticate = tokenHeader('accessToken');

	test = accessTokenTest;
}
