import { Router } from 'express';
import type { Database } from '../db/transaction';
import { UnavailableError } from '../shared/errors';

export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.ping();
    } catch (err) {
      throw new UnavailableError('database is not reachable', err);
    }
    res.json({ status: 'ready' });
  });
  return router;
}
