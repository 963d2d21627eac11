import { z } from 'zod';
import type { EventView } from '../../events/events.service';
import { documents, response, timestamp } from '../registry';

export const Actor = response(
  'Actor',
  'Who made a change.',
  z.object({ type: z.enum(['root_key', 'api_key', 'directory', 'user', 'system']), id: z.string().nullable() }),
);

export const Event = response(
  'Event',
  'A change, recorded in the transaction that made it; `seq` grows strictly per tenant in commit order (resume with `?after=<seq>`). Webhook deliveries carry the same object.',
  z.object({
    id: z.string(),
    seq: z.number().int(),
    type: z.string(),
    actor: Actor,
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    organization_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    created_at: timestamp,
  }),
);
documents(Event, (e: EventView) => e);
