import { errorFromResponse, OrgbridgeError, send } from './errors';

/** What the SDK reads from a tenant's OpenID Provider metadata. */
export interface ProviderMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  [key: string]: unknown;
}

const cache = new Map<string, Promise<ProviderMetadata>>();

/**
 * The provider metadata at `{issuer}/.well-known/openid-configuration`, fetched once per issuer
 * (a failed fetch is not kept, so the next call tries again). Its `issuer` must be the one asked
 * for (OpenID Connect Discovery §4.3), or tokens could be checked against another tenant's keys.
 */
export function discover(issuer: string, fetchImpl: typeof fetch = fetch): Promise<ProviderMetadata> {
  const key = issuer.replace(/\/+$/, '');
  let pending = cache.get(key);
  if (!pending) {
    pending = fetchMetadata(key, fetchImpl);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function fetchMetadata(issuer: string, fetchImpl: typeof fetch): Promise<ProviderMetadata> {
  const res = await send(fetchImpl, `${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await errorFromResponse(res);
  const metadata = (await res.json()) as Partial<ProviderMetadata>;
  if (metadata.issuer !== issuer) {
    throw new OrgbridgeError(res.status, 'invalid_issuer', `discovery at ${issuer} names another issuer (${String(metadata.issuer)})`);
  }
  if (typeof metadata.jwks_uri !== 'string' || typeof metadata.token_endpoint !== 'string') {
    throw new OrgbridgeError(res.status, 'invalid_metadata', `discovery at ${issuer} has no jwks_uri or token_endpoint`);
  }
  return metadata as ProviderMetadata;
}
