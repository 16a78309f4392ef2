import type { ICredentialType, Icon } from 'n8n-workflow';

import { instanceUrlProperty, platformTokenProperty, platformTokenTest, tokenHeader } from '../nodes/Chatwoot/transport/chatwootCredentials';

export class ChatwootPlatformApi implements ICredentialType {
	name = 'chatwootPlatformApi';

	displayName = 'Chatwoot Platform API';

	icon: Icon = { light: 'file:../nodes/Chatwoot/chatwoot.svg', dark: 'file:../nodes/Chatwoot/chatwoot.dark.svg' };

	documentationUrl = 'https://github.com/omnichat/n8n-nodes-omnichat#chatwoot';

	properties = [instanceUrlProperty('https://app.chatwoot.com'), platformTokenProperty];

	authenticate = tokenHeader('platformToken');

	test = platformTokenTest;
}
