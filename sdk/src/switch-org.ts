import { discover } from './discovery';
import { errorFromResponse, OrgbridgeError, send } from './errors';

export interface SwitchOrgOptions {
  /** The tenant's issuer, `https://orgbridge.example.com/t/{tenant}/oidc`. */
  issuer: string;
  clientId: string;
  /** For `web` applications (client_secret_basic); leave out for `spa` and `native` ones. */
  clientSecret?: string;
  /** The current refresh token. It is rotated: use the one in the answer from now on. */
  refreshToken: string;
  fetch?: typeof fetch;
}

/** The token endpoint's answer. */
export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they go into Basic. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * Switches the signed-in user to another organization without a new sign-in: the token
 * endpoint's `refresh_token` grant with `organization` (id or slug). Answers tokens whose
 * org claims are that organization's; the new refresh token keeps it. A user who is not an
 * active member of it gets OrgbridgeError `invalid_grant` (400).
 */
export async function switchOrg(orgIdOrSlug: string, options: SwitchOrgOptions): Promise<TokenSet> {
  if (!orgIdOrSlug) throw new TypeError('switchOrg needs an organization id or slug');
  const { token_endpoint } = await discover(options.issuer.replace(/\/+$/, ''), options.fetch);
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: options.refreshToken, organization: orgIdOrSlug });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (options.clientSecret === undefined) form.set('client_id', options.clientId);
  else headers.authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;

  const res = await send(options.fetch ?? fetch, token_endpoint, { method: 'POST', headers, body: form.toString() });
  if (!res.ok) throw await errorFromResponse(res);
  const tokens = (await res.json()) as Partial<TokenSet>;
  if (typeof tokens.access_token !== 'string') throw new OrgbridgeError(res.status, 'invalid_response', 'the token endpoint answered without an access_token');
  return tokens as TokenSet;
}
