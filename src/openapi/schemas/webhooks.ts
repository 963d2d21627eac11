import { z } from 'zod';
import { deliveryToApi, webhookToApi } from '../../webhooks/webhooks.routes';
import { documents, nullableTimestamp, response, timestamp } from '../registry';

export const Webhook = response(
  'Webhook',
  'A webhook endpoint (Standard Webhooks): events matching `events` ("*", a type, or a prefix such as "membership.") are POSTed to `url`, signed.',
  z.object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    previous_secret_expires_at: nullableTimestamp,
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(Webhook, webhookToApi);

export const WebhookWithSecret = response(
  'WebhookWithSecret',
  'A webhook with its signing secret (`whsec_…`), shown only in this answer (creation, rotation).',
  Webhook.extend({ secret: z.string() }),
);

export const DeliveryAttempt = response(
  'DeliveryAttempt',
  'One try of a delivery.',
  z.object({ attempted_at: timestamp, status_code: z.number().int().nullable(), duration_ms: z.number().int(), error: z.string().nullable() }),
);

export const Delivery = response(
  'Delivery',
  'The delivery of one event to one webhook, with its attempts where the answer lists them.',
  z.object({
    id: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    seq: z.number().int().nullable(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempt_count: z.number().int(),
    next_attempt_at: nullableTimestamp,
    last_status_code: z.number().int().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    attempts: z.array(DeliveryAttempt).optional(),
  }),
);
documents(Delivery, deliveryToApi);
