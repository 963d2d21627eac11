import { Router } from 'express';
import type { Database } from '../db/transaction';
import { UnavailableError } from '../shared/errors';

/** Whether this process still wants traffic: not from the shutdown signal on (main.ts). */
export class Readiness {
  private shuttingDown = false;

  /** From now on /readyz answers 503, while requests are still served (main.ts, on SIGTERM). */
  drain(): void {
    this.shuttingDown = true;
  }

  get draining(): boolean {
    return this.shuttingDown;
  }
}

/**
 * `/healthz`: the process is up. `/readyz`: the database takes writes now — a check that goes the
 * way a write goes (Database#checkWritable), so a locked or read-only database answers 503
 * (with Retry-After, as every 503 does) rather than ready; it answers within ~1.5 s. A process
 * that is shutting down answers 503 at once, so the load balancer stops sending it traffic.
 */
export function healthRoutes(db: Database, readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (readiness.draining) throw new UnavailableError('the process is shutting down');
    try {
      await db.checkWritable();
    } catch (err) {
      throw new UnavailableError('the database does not accept writes now', err);
    }
    res.json({ status: 'ready' });
  });
  return router;
}
