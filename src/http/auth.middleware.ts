import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { Actor } from '../shared/context';
import { safeEqual } from '../shared/crypto';
import { NotFoundError, UnauthorizedError } from '../shared/errors';
import type { TenantRecord } from '../db/models';
import type { TenantsService } from '../tenants/tenants.service';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the auth middleware: who calls, and for tenant routes, in which tenant. */
    auth?: { actor: Actor; tenant?: TenantRecord };
  }
}

export interface AuthDeps {
  rootKey: string;
  apiKeys: ApiKeysService;
  tenants: TenantsService;
}

export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** `/api/v1/**`: the root management key only. */
export function requireRootKey(deps: AuthDeps): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token || !safeEqual(token, deps.rootKey)) throw new UnauthorizedError();
    req.auth = { actor: { type: 'root_key', id: null } };
    next();
  };
}

/**
 * A tenant's admin API: the root key, or one of that tenant's API keys. A key of another
 * tenant gets the same 404 as a tenant that does not exist, so nothing about it leaks.
 */
export function requireTenantAdmin(deps: AuthDeps): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) throw new UnauthorizedError();
    const tenantKey = String(req.params.tenant);
    if (safeEqual(token, deps.rootKey)) {
      req.auth = { actor: { type: 'root_key', id: null }, tenant: await deps.tenants.get(tenantKey) };
      return next();
    }
    const key = await deps.apiKeys.authenticate(token);
    if (!key) throw new UnauthorizedError();
    const tenant = await deps.tenants.find(tenantKey);
    if (!tenant || tenant.id !== key.tenantId) throw new NotFoundError('tenant', tenantKey);
    req.auth = { actor: { type: 'api_key', id: key.id }, tenant };
    next();
  };
}

/** The tenant context of an authenticated tenant route. */
export function ctxOf(req: Request): { tenantId: string; actor: Actor; tenant: TenantRecord } {
  const auth = req.auth;
  if (!auth?.tenant) throw new Error('ctxOf called on a route without tenant authentication');
  return { tenantId: auth.tenant.id, actor: auth.actor, tenant: auth.tenant };
}
