import { Router, type Request } from 'express';
import { readCookie } from '../http/csrf';
import { bearerOf, type AccessTokens } from '../oidc/access-tokens';
import { UnauthorizedError } from '../shared/errors';
import { SESSION_COOKIE } from './session-cookie';
import type { Me, SessionsService } from './sessions.service';

/** Who is signed in (contract section 5): from an OIDC access token, else the session cookie. */
export function meRoutes(sessions: SessionsService, accessTokens: AccessTokens): Router {
  const router = Router({ mergeParams: true });
  const me = async (req: Request): Promise<Me> => {
    const tenant = String(req.params.tenant);
    const token = bearerOf(req.headers.authorization);
    if (!token) return sessions.me(tenant, readCookie(req, SESSION_COOKIE));
    const verified = await accessTokens.verify(tenant, token);
    if (!verified) throw new UnauthorizedError('the access token is invalid or expired, or its user may no longer sign in');
    return sessions.meOf(verified.tenantId, verified.claims.sub, verified.claims.org_id);
  };
  router.get('/me', async (req, res) => {
    res.json(await me(req));
  });
  router.get('/me/organizations', async (req, res) => {
    res.json({ data: (await me(req)).organizations, next_cursor: null });
  });
  return router;
}
