import { Router, type Request } from 'express';
import { readCookie } from '../http/csrf';
import { SESSION_COOKIE } from './session-cookie';
import type { SessionsService } from './sessions.service';

/** Who is signed in (contract section 5), from the session cookie. */
export function meRoutes(sessions: SessionsService): Router {
  const router = Router({ mergeParams: true });
  const me = (req: Request) => sessions.me(String(req.params.tenant), readCookie(req, SESSION_COOKIE));
  router.get('/me', async (req, res) => {
    res.json(await me(req));
  });
  router.get('/me/organizations', async (req, res) => {
    res.json({ data: (await me(req)).organizations, next_cursor: null });
  });
  return router;
}
