import type { ChatwootBrand } from './transport/chatwootProfile';

export const chatwootBrand: ChatwootBrand = {
	platformName: 'Chatwoot',
	nodeName: 'chatwoot',
	credentialType: 'chatwootApi',
	platformCredentialType: 'chatwootPlatformApi',
};
