import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { discover } from './discovery';

/** The claims of an orgbridge access token for a signed-in user (contract section 8). */
export interface AccessTokenClaims {
  /** The user's id (`usr_…`). */
  sub: string;
  email: string;
  tenant_id: string;
  /** The organization the token is for; null for a user who is a member of none. */
  org_id: string | null;
  org_slug: string | null;
  /** The highest-rank role the user holds in the organization. */
  org_role: string | null;
  /** Every role key held in the organization, highest first. */
  roles: string[];
  permissions: string[];
  /** The parent organization when `org_id` is a workspace. */
  parent_org_id: string | null;
  /** The provider session the token belongs to. */
  sid?: string;
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
  client_id?: string;
  scope?: string;
  email_verified?: boolean;
  name?: string | null;
}

export interface VerifyAccessTokenOptions {
  /** The tenant's issuer, `https://orgbridge.example.com/t/{tenant}/oidc`. */
  issuer: string;
  /** Your application's client_id (or the `resource` the token was asked for). */
  audience: string | string[];
  /** Seconds of clock skew tolerated on exp/iat/nbf (default 0). */
  clockTolerance?: number;
  /** The time to check `exp` against (default now). */
  currentDate?: Date;
  fetch?: typeof fetch;
}

export type AccessTokenErrorReason = 'malformed' | 'expired' | 'invalid_signature' | 'invalid_claims' | 'not_a_user_token' | 'jwks_unavailable';

/** An access token that must not be trusted; `reason` says why. */
export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';

  constructor(
    readonly reason: AccessTokenErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;
/** How soon after one fetch of the key set a token naming an unknown key makes another. */
export const JWKS_COOLDOWN_MS = 5_000;
const jwksByUri = new Map<string, RemoteJwks>();
const jwksByFetch = new WeakMap<typeof fetch, Map<string, RemoteJwks>>();

/** One cached key set per JWKS URI (and per custom fetch, when one is given). */
function jwksOf(uri: string, fetchImpl?: typeof fetch): RemoteJwks {
  let byUri = jwksByUri;
  if (fetchImpl) {
    byUri = jwksByFetch.get(fetchImpl) ?? new Map();
    jwksByFetch.set(fetchImpl, byUri);
  }
  let jwks = byUri.get(uri);
  if (!jwks) {
    // An unknown kid refetches the set, at most once per cooldown: a key orgbridge has just
    // rotated in signs tokens at once, so it must be found within seconds (jose's default is 30).
    jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: JWKS_COOLDOWN_MS, ...(fetchImpl ? { [customFetch]: fetchImpl } : {}) });
    byUri.set(uri, jwks);
  }
  return jwks;
}

function reasonOf(err: unknown): AccessTokenErrorReason {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return 'invalid_claims';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JOSEAlgNotAllowed) return 'invalid_signature';
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err instanceof joseErrors.JWKSMultipleMatchingKeys) return 'jwks_unavailable';
  if (err instanceof joseErrors.JOSEError) return 'malformed';
  return 'jwks_unavailable'; // a network failure fetching the key set
}

const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

function userClaims(payload: JWTPayload): AccessTokenClaims {
  const p = payload as Record<string, unknown>;
  if (typeof p.sub !== 'string' || p.sub === p.client_id || typeof p.email !== 'string') {
    throw new AccessTokenError('not_a_user_token', 'the token is not for a signed-in user (a client-credentials token?)');
  }
  const valid =
    typeof p.tenant_id === 'string' &&
    isStringOrNull(p.org_id) &&
    isStringOrNull(p.org_slug) &&
    isStringOrNull(p.org_role) &&
    isStringOrNull(p.parent_org_id ?? null) &&
    Array.isArray(p.roles) &&
    p.roles.every((r) => typeof r === 'string') &&
    Array.isArray(p.permissions) &&
    p.permissions.every((r) => typeof r === 'string');
  if (!valid) throw new AccessTokenError('invalid_claims', 'the token lacks the organization claims of an orgbridge access token');
  return { ...(p as unknown as AccessTokenClaims), parent_org_id: (p.parent_org_id as string | null | undefined) ?? null };
}

/**
 * Verifies an orgbridge access token (an ES256 JWT, `typ: at+jwt`) against the tenant's published
 * keys: signature, `iss`, `aud`, `exp`. Throws AccessTokenError when it must not be trusted.
 *
 * This proves the token is genuine and unexpired; it does not see a membership removed after the
 * token was issued (tokens live 10 minutes). Ask `GET /t/{tenant}/api/v1/me` with the token when
 * that matters.
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  if (typeof token !== 'string' || token.split('.').length !== 3) throw new AccessTokenError('malformed', 'not a JWT');
  const issuer = options.issuer.replace(/\/+$/, '');
  let metadata;
  try {
    metadata = await discover(issuer, options.fetch);
  } catch (err) {
    throw new AccessTokenError('jwks_unavailable', `the issuer's metadata could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    const { payload } = await jwtVerify(token, jwksOf(metadata.jwks_uri, options.fetch), {
      issuer,
      audience: options.audience,
      algorithms: ['ES256'],
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: options.clockTolerance,
      currentDate: options.currentDate,
    });
    return userClaims(payload);
  } catch (err) {
    if (err instanceof AccessTokenError) throw err;
    throw new AccessTokenError(reasonOf(err), err instanceof Error ? err.message : String(err), { cause: err });
  }
}
