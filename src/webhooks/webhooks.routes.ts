import { isIP } from 'node:net';
import { Router } from 'express';
import { z } from 'zod';
import type { AddressPolicy } from '../domains/verifiers/address-policy';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import { iso } from '../shared/schemas';
import type { WebhookDeliveryRecord, WebhookRecord } from './webhooks.repository';
import type { DeliveryWithAttempts, WebhooksService } from './webhooks.service';

const EVENT_FILTER = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.|\.\*)?)$/;

function urlSchema(opts: { httpsOnly: boolean; policy: AddressPolicy }) {
  return z
    .string({ error: 'url must be a string' })
    .max(2048, 'url is at most 2048 characters')
    .pipe(z.url({ protocol: opts.httpsOnly ? /^https$/ : /^https?$/, error: opts.httpsOnly ? 'url must be an https URL' : 'url must be an http(s) URL' }))
    .refine((u) => {
      const url = URL.parse(u);
      return !url || (!url.username && !url.password);
    }, 'url must not carry credentials')
    .refine((u) => {
      const host = URL.parse(u)?.hostname.replace(/^\[(.*)\]$/, '$1') ?? '';
      return !isIP(host) || opts.policy.allows(host);
    }, 'url points at a non-public address');
}

const eventsSchema = z
  .array(z.string().regex(EVENT_FILTER, 'each event must be "*", an event type, or a prefix such as "membership."'), { error: 'events must be an array' })
  .min(1, 'events needs at least one entry')
  .max(100, 'events has at most 100 entries')
  // `membership.*` and `membership.` mean the same prefix.
  .transform((list) => [...new Set(list.map((e) => (e.endsWith('.*') ? e.slice(0, -1) : e)))]);

const description = z.string({ error: 'description must be a string' }).max(500, 'description is at most 500 characters').nullable();
export const statusSchema = z.object({ status: z.enum(['pending', 'succeeded', 'failed'], { error: 'status must be pending, succeeded or failed' }).optional() });

export function webhookToApi(w: WebhookRecord) {
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    enabled: w.enabled,
    disabled_reason: w.disabled_reason,
    previous_secret_expires_at: w.previous_secret_expires_at && new Date(w.previous_secret_expires_at) > new Date() ? iso(w.previous_secret_expires_at) : null,
    created_at: iso(w.created_at),
    updated_at: iso(w.updated_at),
  };
}

export function deliveryToApi(d: WebhookDeliveryRecord, attempts?: DeliveryWithAttempts['attempt_list']) {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    seq: d.seq === null ? null : Number(d.seq),
    status: d.status,
    attempt_count: Number(d.attempts),
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    last_status_code: d.last_status_code,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
    ...(attempts
      ? { attempts: attempts.map((a) => ({ attempted_at: iso(a.attempted_at), status_code: a.status_code, duration_ms: a.duration_ms, error: a.error })) }
      : {}),
  };
}

/** The request bodies: the URL rule depends on the deployment (https in production, the address policy). */
export function webhookBodySchemas(opts: { httpsOnly: boolean; policy: AddressPolicy }) {
  const createSchema = z.strictObject({ url: urlSchema(opts), events: eventsSchema, description: description.optional(), enabled: z.boolean({ error: 'enabled must be a boolean' }).optional() });
  return { createSchema, patchSchema: createSchema.partial() };
}

export function webhooksRoutes(webhooks: WebhooksService, opts: { httpsOnly: boolean; policy: AddressPolicy }): Router {
  const { createSchema, patchSchema } = webhookBodySchemas(opts);

  const router = Router({ mergeParams: true });
  router.post('/webhooks', async (req, res) => {
    const { webhook, secret } = await webhooks.create(ctxOf(req), parse(createSchema, req.body));
    res.status(201).json({ ...webhookToApi(webhook), secret });
  });
  router.get('/webhooks', async (req, res) => {
    const page = await webhooks.list(ctxOf(req).tenantId, parsePage(req.query));
    res.json({ data: page.data.map(webhookToApi), next_cursor: page.next_cursor });
  });
  router.get('/webhooks/:webhookId', async (req, res) => {
    res.json(webhookToApi(await webhooks.get(ctxOf(req).tenantId, req.params.webhookId)));
  });
  router.patch('/webhooks/:webhookId', async (req, res) => {
    res.json(webhookToApi(await webhooks.update(ctxOf(req), req.params.webhookId, parse(patchSchema, req.body))));
  });
  router.delete('/webhooks/:webhookId', async (req, res) => {
    await webhooks.delete(ctxOf(req), req.params.webhookId);
    res.status(204).end();
  });
  router.post('/webhooks/:webhookId/rotate-secret', async (req, res) => {
    const { webhook, secret } = await webhooks.rotateSecret(ctxOf(req), req.params.webhookId);
    res.json({ ...webhookToApi(webhook), secret });
  });
  router.post('/webhooks/:webhookId/test', async (req, res) => {
    res.status(202).json(deliveryToApi(await webhooks.sendTest(ctxOf(req), req.params.webhookId), []));
  });
  router.get('/webhooks/:webhookId/deliveries', async (req, res) => {
    const { status } = parse(statusSchema, { status: req.query.status }, 'query');
    const page = await webhooks.deliveries(ctxOf(req).tenantId, req.params.webhookId, status, parsePage(req.query));
    res.json({ data: page.data.map((d) => deliveryToApi(d, d.attempt_list)), next_cursor: page.next_cursor });
  });
  router.post('/webhooks/:webhookId/deliveries/:deliveryId/retry', async (req, res) => {
    res.status(202).json(deliveryToApi(await webhooks.retry(ctxOf(req), req.params.webhookId, req.params.deliveryId)));
  });
  return router;
}
