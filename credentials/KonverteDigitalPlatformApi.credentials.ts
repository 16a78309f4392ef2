import type { ICredentialType, Icon } from 'n8n-workflow';

import { instanceUrlProperty, platformTokenProperty, platformTokenTest, tokenHeader } from '../nodes/Chatwoot/transport/chatwootCredentials';

export class KonverteDigitalPlatformApi implements ICredentialType {
	name = 'konverteDigitalPlatformApi';

	displayName = 'Konverte Digital Platform API';

	icon: Icon = { light: 'file:../nodes/KonverteDigital/konverteDigital.svg', dark: 'file:../nodes/KonverteDigital/konverteDigital.dark.svg' };

	documentationUrl = 'https://github.com/omnichat/n8n-nodes-omnichat#konverte-digital';

	properties = [instanceUrlProperty(''), platformTokenProperty];

	authenticate = tokenHeader('platformToken');

	test = platformTokenTest;
}
