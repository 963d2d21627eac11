import { Op } from 'sequelize';
import type { Models, OutboxRecord, OutboxStatus } from '../db/models';
import type { Tx } from '../db/transaction';

export type { OutboxRecord, OutboxStatus };

export class OutboxRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<OutboxRecord, 'created_at' | 'updated_at' | 'attempts' | 'last_error' | 'sent_at'>, tx: Tx): Promise<OutboxRecord> {
    return (await this.models.Outbox.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async findById(id: string): Promise<OutboxRecord | null> {
    const row = await this.models.Outbox.findByPk(id);
    return row ? row.get({ plain: true }) : null;
  }

  async list(tenantId: string, status: OutboxStatus | undefined, limit: number, afterId?: string): Promise<OutboxRecord[]> {
    const rows = await this.models.Outbox.findAll({
      where: { tenant_id: tenantId, ...(status ? { status } : {}), ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** Ids of queued mails whose next attempt is due. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.models.Outbox.findAll({
      attributes: ['id'],
      where: { status: 'queued', next_attempt_at: { [Op.lte]: now } },
      order: [['next_attempt_at', 'ASC']],
      limit,
    });
    return rows.map((r) => r.id);
  }

  /**
   * Claims a due mail for one send attempt: the attempt count goes up and the next attempt
   * moves to `leaseUntil`, in one conditional UPDATE. Only one process can win it.
   */
  async claim(id: string, now: Date, leaseUntil: Date, tx: Tx): Promise<OutboxRecord | null> {
    const [count] = await this.models.Outbox.update(
      { attempts: this.models.Outbox.sequelize!.literal('attempts + 1') as unknown as number, next_attempt_at: leaseUntil },
      { where: { id, status: 'queued', next_attempt_at: { [Op.lte]: now } }, transaction: tx.transaction },
    );
    if (count !== 1) return null;
    const row = await this.models.Outbox.findByPk(id, { transaction: tx.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async update(id: string, changes: Partial<Pick<OutboxRecord, 'status' | 'next_attempt_at' | 'last_error' | 'sent_at'>>, tx: Tx): Promise<void> {
    await this.models.Outbox.update(changes, { where: { id }, transaction: tx.transaction });
  }
}
