import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';

/** Konverte Digital runs on Chatwoot: the same engine and operations under its own name and credentials. */
export const konverteDigitalBrand: ChatwootBrand = {
	platformName: 'Konverte Digital',
	nodeName: 'konverteDigital',
	credentialType: 'konverteDigitalApi',
	platformCredentialType: 'konverteDigitalPlatformApi',
};
