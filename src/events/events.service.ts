import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { newId } from '../shared/ids';
import { toPage, type Page } from '../shared/pagination';
import type { EventRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { EventQuery, EventsRepository } from './events.repository';

export interface EventDraft {
  type: string;
  target: { type: string; id: string | null };
  organizationId?: string | null;
  data?: Record<string, unknown>;
}

export interface EventView {
  id: string;
  seq: number;
  type: string;
  actor: Actor;
  target: { type: string; id: string | null };
  organization_id: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

interface Pending extends EventDraft {
  tenantId: string;
  actor: Actor;
  at: Date;
}

/**
 * The transactional outbox of changes. `record` buffers an event on the transaction; just
 * before COMMIT the buffer gets its sequence numbers and is inserted, so an event exists
 * exactly when its change does, and `seq` follows commit order.
 */
export class EventsService {
  private readonly buffers = new WeakMap<Tx, Pending[]>();
  private readonly committed: Array<(tenantIds: string[]) => void> = [];

  constructor(
    private readonly repo: EventsRepository,
    private readonly clock: Clock,
  ) {}

  initTenant(tenantId: string, tx: Tx): Promise<void> {
    return this.repo.createCounter(tenantId, tx);
  }

  /** `listener` hears, after each commit that wrote events, which tenants they were of (the webhook worker). */
  onCommit(listener: (tenantIds: string[]) => void): void {
    this.committed.push(listener);
  }

  record(ctx: Ctx, tx: Tx, draft: EventDraft): void {
    let buffer = this.buffers.get(tx);
    if (!buffer) {
      const fresh: Pending[] = [];
      buffer = fresh;
      this.buffers.set(tx, fresh);
      tx.beforeCommit(() => this.flush(fresh, tx));
      if (this.committed.length) tx.afterCommit(() => this.notify(fresh));
    }
    buffer.push({ ...draft, tenantId: ctx.tenantId, actor: ctx.actor, at: this.clock.now() });
  }

  private notify(pending: Pending[]): void {
    const tenantIds = [...new Set(pending.map((p) => p.tenantId))];
    for (const listener of this.committed) listener(tenantIds);
  }

  private async flush(pending: Pending[], tx: Tx): Promise<void> {
    const byTenant = new Map<string, Pending[]>();
    for (const p of pending) byTenant.set(p.tenantId, [...(byTenant.get(p.tenantId) ?? []), p]);
    for (const [tenantId, events] of byTenant) {
      const first = await this.repo.reserveSeq(tenantId, events.length, tx);
      await this.repo.insertMany(
        events.map((e, i) => ({
          id: newId('evt'),
          tenant_id: tenantId,
          seq: first + i,
          type: e.type,
          actor_type: e.actor.type,
          actor_id: e.actor.id,
          target_type: e.target.type,
          target_id: e.target.id,
          organization_id: e.organizationId ?? null,
          data: e.data ?? {},
          created_at: e.at,
        })),
        tx,
      );
    }
  }

  /**
   * Without `after`: newest first. With `after`: oldest first from that seq, the shape a
   * consumer that resumes from its last seq wants.
   */
  async list(
    tenantId: string,
    filter: { after?: number; type?: string; organizationId?: string },
    page: { limit: number; after?: string },
  ): Promise<Page<EventView>> {
    const ascending = filter.after !== undefined;
    const cursor = page.after === undefined ? undefined : Number(page.after);
    const q: EventQuery = {
      tenantId,
      ascending,
      limit: page.limit + 1,
      organizationId: filter.organizationId,
      ...(filter.type?.endsWith('.*') ? { typePrefix: filter.type.slice(0, -1) } : { type: filter.type }),
      ...(ascending ? { after: Math.max(filter.after!, cursor ?? -1) } : { before: cursor }),
    };
    const rows = await this.repo.list(q);
    return toPage(rows, page.limit, (r) => Number(r.seq), toEventView);
  }
}

export function toEventView(row: EventRecord): EventView {
  return {
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id },
    target: { type: row.target_type, id: row.target_id },
    organization_id: row.organization_id,
    data: row.data,
    created_at: row.created_at.toISOString(),
  };
}
