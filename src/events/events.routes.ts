import { Router } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage, requireDecimalQuery } from '../http/validate';
import type { EventsService } from './events.service';

export const querySchema = z.object({
  after: z.coerce.number().int().min(0, 'after must be a sequence number').optional(),
  type: z.string().regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'type must be a dotted event type, optionally ending in .*').optional(),
  organization_id: z.string().min(1).max(40).optional(),
});

export function eventsRoutes(events: EventsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/events', async (req, res) => {
    requireDecimalQuery(req.query, 'after');
    const q = parse(querySchema, req.query, 'query');
    const page = await events.list(ctxOf(req).tenantId, { after: q.after, type: q.type, organizationId: q.organization_id }, parsePage(req.query));
    res.json(page);
  });
  return router;
}
