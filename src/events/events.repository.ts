import { Op, type WhereOptions } from 'sequelize';
import type { EventRecord, EventRow, Models } from '../db/models';
import { insertRows } from '../db/insert-rows';
import type { Tx } from '../db/transaction';

export interface EventQuery {
  tenantId: string;
  after?: number;
  before?: number;
  type?: string;
  typePrefix?: string;
  organizationId?: string;
  ascending: boolean;
  limit: number;
}

export class EventsRepository {
  constructor(private readonly models: Models) {}

  async createCounter(tenantId: string, tx: Tx): Promise<void> {
    await this.models.EventCounter.create({ tenant_id: tenantId, last_seq: 0 }, { transaction: tx.transaction });
  }

  /**
   * Reserves `count` sequence numbers for the tenant. The UPDATE locks the tenant's counter
   * row until COMMIT, so event-writing transactions of one tenant commit in seq order.
   */
  async reserveSeq(tenantId: string, count: number, tx: Tx): Promise<number> {
    const lastSeq =
      tx.sql.dialect === 'sqlite'
        ? (await tx.sql.all<{ last_seq: number }>('UPDATE tenant_event_counters SET last_seq = last_seq + ? WHERE tenant_id = ? RETURNING last_seq', [count, tenantId], tx))[0]?.last_seq
        : await tx.sql.lastInsertIdOf('UPDATE tenant_event_counters SET last_seq = LAST_INSERT_ID(last_seq + ?) WHERE tenant_id = ?', [count, tenantId], tx);
    if (!lastSeq) throw new Error(`event counter missing for tenant ${tenantId}`);
    return Number(lastSeq) - count + 1;
  }

  async insertMany(rows: EventRecord[], tx: Tx): Promise<void> {
    await insertRows(this.models.Event, rows as unknown as Array<Record<string, unknown>>, tx);
  }

  async list(q: EventQuery): Promise<EventRow[]> {
    const seq: Record<symbol, number> = {};
    if (q.after !== undefined) seq[Op.gt] = q.after;
    if (q.before !== undefined) seq[Op.lt] = q.before;
    const where: WhereOptions<EventRow> = {
      tenant_id: q.tenantId,
      ...(Object.getOwnPropertySymbols(seq).length ? { seq } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.typePrefix ? { type: { [Op.startsWith]: q.typePrefix } } : {}),
      ...(q.organizationId ? { organization_id: q.organizationId } : {}),
    };
    return this.models.Event.findAll({ where, order: [['seq', q.ascending ? 'ASC' : 'DESC']], limit: q.limit });
  }
}
