import { Router } from 'express';
import type { Database } from '../db/transaction';
import { UnavailableError } from '../shared/errors';

/**
 * `/healthz`: the process is up. `/readyz`: the database takes writes now — a check that goes the
 * way a write goes (Database#checkWritable), so a locked or read-only database answers 503
 * (with Retry-After, as every 503 does) rather than ready; it answers within ~1.5 s.
 */
export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.checkWritable();
    } catch (err) {
      throw new UnavailableError('the database does not accept writes now', err);
    }
    res.json({ status: 'ready' });
  });
  return router;
}
