import { AccessTokenError, verifyAccessToken, type AccessTokenClaims, type VerifyAccessTokenOptions } from './access-token';

/** The little of a request these middlewares read; an Express or node:http request fits. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Where `requireAccessToken` puts the verified claims: `req.orgbridge`. Not declared on
 * AuthRequest, so that a framework's own request type (which may use `req.auth` for something
 * else) always fits; read it with `accessClaimsOf(req)`, or declare it on Express' Request.
 */
export const CLAIMS_PROPERTY = 'orgbridge';

export interface WithAccessClaims {
  orgbridge?: AccessTokenClaims;
}

/** The little of a response they write; an Express or node:http response fits. */
export interface AuthResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type NextFunction = (err?: unknown) => void;

export type Middleware = (req: AuthRequest, res: AuthResponse, next: NextFunction) => void | Promise<void>;

/** Answers with the same error body as the orgbridge admin API. */
function refuse(res: AuthResponse, status: 401 | 403, code: 'unauthorized' | 'forbidden', message: string, challenge?: string): void {
  res.statusCode = status;
  if (challenge) res.setHeader('WWW-Authenticate', challenge);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message, details: [] } }));
}

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1). */
export function bearerToken(req: Pick<AuthRequest, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(value ?? '')?.[1];
}

/** The claims `requireAccessToken` put on the request, if it ran and succeeded. */
export function accessClaimsOf(req: object): AccessTokenClaims | undefined {
  return (req as WithAccessClaims)[CLAIMS_PROPERTY];
}

/**
 * Middleware: the request must carry a valid access token of the tenant (`Authorization: Bearer`);
 * its claims go to `req.orgbridge` (see `accessClaimsOf`). Otherwise 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
 */
export function requireAccessToken(options: VerifyAccessTokenOptions): Middleware {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) return refuse(res, 401, 'unauthorized', 'an access token is required', 'Bearer');
    try {
      (req as WithAccessClaims)[CLAIMS_PROPERTY] = await verifyAccessToken(token, options);
    } catch (err) {
      if (!(err instanceof AccessTokenError)) return next(err);
      if (err.reason === 'jwks_unavailable') return next(err); // our problem, not the caller's
      return refuse(res, 401, 'unauthorized', `invalid access token (${err.reason})`, `Bearer error="invalid_token", error_description="${err.reason}"`);
    }
    next();
  };
}

/**
 * Middleware, after `requireAccessToken`: 401 without verified claims, 403 when the token is not
 * for an organization, then 403 with the reason `refusal` gives (undefined: the request passes).
 */
function requireOrgClaims(refusal: (claims: AccessTokenClaims) => string | undefined): Middleware {
  return (req, res, next) => {
    const claims = accessClaimsOf(req);
    if (!claims) return refuse(res, 401, 'unauthorized', 'an access token is required', 'Bearer');
    if (!claims.org_id) return refuse(res, 403, 'forbidden', 'the token is not for an organization');
    const reason = refusal(claims);
    if (reason !== undefined) return refuse(res, 403, 'forbidden', reason);
    next();
  };
}

/**
 * Middleware, after `requireAccessToken`: the token must be for an organization in which the user
 * holds one of `roles` (any of the `roles` claim, which includes `org_role`). 401 without verified
 * claims, 403 otherwise. Roles are matched by key; list every role you allow (ranks are per
 * organization, so `'admin'` does not imply `'owner'`).
 */
export function requireOrgRole(...roles: [string, ...string[]]): Middleware {
  if (roles.length === 0) throw new TypeError('requireOrgRole needs at least one role');
  return requireOrgClaims((claims) => {
    const held = claims.roles.length > 0 ? claims.roles : claims.org_role ? [claims.org_role] : [];
    return held.some((role) => roles.includes(role)) ? undefined : `requires the role ${roles.join(' or ')} in the organization`;
  });
}

/**
 * Middleware, after `requireAccessToken`: the token's `permissions` (the union of the member's
 * roles' permissions, plus inherited tenant-level ones) must include every one of `permissions`.
 */
export function requireOrgPermission(...permissions: [string, ...string[]]): Middleware {
  if (permissions.length === 0) throw new TypeError('requireOrgPermission needs at least one permission');
  return requireOrgClaims((claims) => {
    const missing = permissions.filter((p) => !claims.permissions.includes(p));
    return missing.length > 0 ? `requires the permission ${missing.join(' and ')} in the organization` : undefined;
  });
}
