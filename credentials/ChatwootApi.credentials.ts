import type { ICredentialType, Icon } from 'n8n-workflow';

import {
	accessTokenProperties,
	accessTokenTest,
	instanceUrlProperty,
	processesSendingAtOnceProperty,
	requestsPerMinuteProperty,
	tokenHeader,
} from '../nodes/Chatwoot/transport/chatwootCredentials';

export class ChatwootApi implements ICredentialType {
	name = 'chatwootApi';

	displayName = 'Chatwoot API';

	icon: Icon = { light: 'file:../nodes/Chatwoot/chatwoot.svg', dark: 'file:../nodes/Chatwoot/chatwoot.dark.svg' };

	documentationUrl = 'https://github.com/omnichat/n8n-nodes-omnichat#chatwoot';

	properties = [instanceUrlProperty('https://app.chatwoot.com'), ...accessTokenProperties, requestsPerMinuteProperty, processesSendingAtOnceProperty];

	authenticate = tokenHeader('accessToken');

	test = accessTokenTest;
}
