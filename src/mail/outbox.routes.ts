import { Router } from 'express';
import { z } from 'zod';
import { iso } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { OutboxRecord } from './outbox.repository';
import type { OutboxService } from './outbox.service';

export const querySchema = z.object({ status: z.enum(['queued', 'sent', 'failed']).optional() });

/** The body is included: without SMTP this is the documented way to reach an invitation link. */
export function outboxToApi(m: OutboxRecord) {
  return {
    id: m.id,
    to: m.recipient,
    subject: m.subject,
    text: m.text,
    html: m.html,
    status: m.status,
    attempts: m.attempts,
    next_attempt_at: m.status === 'queued' ? iso(m.next_attempt_at) : null,
    last_error: m.last_error,
    sent_at: iso(m.sent_at),
    created_at: iso(m.created_at),
  };
}

/** `GET /t/{tenant}/api/v1/admin/outbox` (`?status=`). */
export function outboxRoutes(outbox: OutboxService): Router {
  const router = Router({ mergeParams: true });
  router.get('/outbox', async (req, res) => {
    const { status } = parse(querySchema, { status: req.query.status }, 'query');
    const page = await outbox.list(ctxOf(req).tenantId, status, parsePage(req.query));
    res.json({ data: page.data.map(outboxToApi), next_cursor: page.next_cursor });
  });
  return router;
}
