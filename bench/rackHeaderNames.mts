/**
 * Chatwoot runs on Rack, which passes a header to Rails as `HTTP_<NAME>` with dashes turned into
 * underscores, and Chatwoot reads the token from `HTTP_API_ACCESS_TOKEN`: `Api-Access-Token` (what the
 * devlikeapro node sends) and `api_access_token` (Chatwoot's documented spelling) are the same header to
 * it. The sandbox reads only the underscore spelling, so the benchmark maps the dashed one for the
 * servers it runs in this process.
 */
import { Server, type IncomingMessage } from 'node:http';

let installed = false;

export function acceptDashedAccessTokenHeader(): void {
	if (installed) return;
	installed = true;
	const emit = Server.prototype.emit as (this: Server, event: string, ...args: unknown[]) => boolean;
	Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
		if (event === 'request') {
			const { headers } = args[0] as IncomingMessage;
			const dashed = headers['api-access-token'];
			if (dashed !== undefined && headers.api_access_token === undefined) headers.api_access_token = dashed;
		}
		return emit.call(this, event, ...args);
	} as typeof Server.prototype.emit;
}
