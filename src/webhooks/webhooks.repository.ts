import { Op } from 'sequelize';
import type { DeliveryStatus, EventRecord, Models, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookRecord } from '../db/models';
import type { DirectSql } from '../db/direct-sql';
import { insertRows } from '../db/insert-rows';
import type { Tx } from '../db/transaction';

export type { DeliveryStatus, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookRecord };

export type NewDelivery = Omit<WebhookDeliveryRecord, 'attempts' | 'schedule_step' | 'last_status_code' | 'created_at' | 'updated_at'>;

/** What one attempt of a delivery came to; written in batches by `recordOutcomes`. */
export interface Outcome {
  deliveryId: string;
  attempt: Omit<WebhookAttemptRecord, 'id' | 'delivery_id'>;
  status: DeliveryStatus;
  scheduleStep: number;
  nextAttemptAt: Date | null;
}

/** An event's delivery as its first attempt left it (`DeliveryWorker#deliverFresh`). */
export interface SentDelivery {
  delivery: Pick<WebhookDeliveryRecord, 'id' | 'webhook_id' | 'tenant_id' | 'event_id' | 'event_type' | 'seq' | 'payload'>;
  outcome: Outcome;
}

/** The driver hands dates back as Date (MySQL) or Sequelize's SQLite text form. */
const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v).replace(' ', 'T').replace(' +00:00', 'Z')));

export class WebhooksRepository {
  constructor(
    private readonly models: Models,
    private readonly sql: DirectSql,
  ) {}

  async insert(row: Omit<WebhookRecord, 'created_at' | 'updated_at'>, tx: Tx): Promise<WebhookRecord> {
    return (await this.models.Webhook.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async find(tenantId: string, id: string, tx?: Tx): Promise<WebhookRecord | null> {
    const row = await this.models.Webhook.findOne({ where: { tenant_id: tenantId, id }, transaction: tx?.transaction });
    return row ? normalize(row.get({ plain: true })) : null;
  }

  async findById(id: string): Promise<WebhookRecord | null> {
    const row = await this.models.Webhook.findByPk(id);
    return row ? normalize(row.get({ plain: true })) : null;
  }

  async list(tenantId: string, limit: number, afterId?: string): Promise<WebhookRecord[]> {
    const rows = await this.models.Webhook.findAll({
      where: { tenant_id: tenantId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => normalize(r.get({ plain: true })));
  }

  async update(id: string, fields: Partial<WebhookRecord>, tx: Tx): Promise<void> {
    await this.models.Webhook.update(fields, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.Webhook.destroy({ where: { id }, transaction: tx.transaction });
  }

  /** The tenant's last reserved seq: a new or re-enabled webhook starts after it. */
  async lastSeq(tenantId: string, tx: Tx): Promise<number> {
    const row = await this.models.EventCounter.findByPk(tenantId, { transaction: tx.transaction, raw: true });
    return Number(row?.last_seq ?? 0);
  }

  // --- the worker

  /** Tenants with an enabled webhook (the worker wakes early only for their commits). */
  async tenantsWithWebhooks(): Promise<string[]> {
    const rows = await this.sql.all<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM webhooks WHERE enabled = ?', [true]);
    return rows.map((r) => r.tenant_id);
  }

  /** Enabled webhooks with events after their cursor or a delivery due by `now`. */
  async withWork(now: Date, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      `SELECT w.id FROM webhooks w JOIN tenant_event_counters c ON c.tenant_id = w.tenant_id
       WHERE w.enabled = ? AND (w.cursor_seq < c.last_seq OR EXISTS (
         SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= ?))
       ORDER BY w.id LIMIT ${Number(limit)}`,
      [true, now],
    );
    return rows.map((r) => r.id);
  }

  async eventsAfter(tenantId: string, seq: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.sql.all<Record<string, unknown>>(
      `SELECT id, tenant_id, seq, type, actor_type, actor_id, target_type, target_id, organization_id, data, created_at
       FROM events WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ${Number(limit)}`,
      [tenantId, seq],
    );
    return rows.map((r) => ({
      ...(r as unknown as EventRecord),
      seq: Number(r.seq),
      data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : (r.data as Record<string, unknown>),
      created_at: asDate(r.created_at),
    }));
  }

  /**
   * Moves the cursor from `from` to `to` and writes the deliveries sent for the events in
   * between, with their attempts, in one transaction; false (and nothing written) when another
   * worker moved the cursor first.
   */
  async recordFresh(webhookId: string, from: number, to: number, sent: SentDelivery[], tx: Tx): Promise<boolean> {
    const moved = await this.sql.run('UPDATE webhooks SET cursor_seq = ? WHERE id = ? AND cursor_seq = ?', [to, webhookId, from], tx);
    if (moved !== 1) return false;
    const rows = sent.map(({ delivery, outcome }) => ({
      ...delivery,
      status: outcome.status,
      attempts: 1,
      schedule_step: outcome.scheduleStep,
      next_attempt_at: outcome.nextAttemptAt,
      last_status_code: outcome.attempt.status_code,
    }));
    await insertRows(this.models.WebhookDelivery, rows, tx);
    await insertRows(this.models.WebhookAttempt, sent.map(({ delivery, outcome }) => ({ delivery_id: delivery.id, ...outcome.attempt })), tx);
    return true;
  }

  async insertDeliveries(deliveries: NewDelivery[], tx: Tx): Promise<void> {
    await insertRows(this.models.WebhookDelivery, deliveries as unknown as Array<Record<string, unknown>>, tx);
  }

  /** Pending deliveries due by `now`, in seq order (test events, without seq, first). */
  async due(webhookId: string, now: Date, limit: number): Promise<Array<Pick<WebhookDeliveryRecord, 'id' | 'event_id' | 'payload' | 'schedule_step' | 'seq'>>> {
    const rows = await this.sql.all<{ id: string; event_id: string; payload: string; schedule_step: number; seq: number | null }>(
      `SELECT id, event_id, payload, schedule_step, seq FROM webhook_deliveries${this.sql.forceIndex('webhook_deliveries_queue')}
       WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY seq, id LIMIT ${Number(limit)}`,
      [webhookId, now],
    );
    return rows.map((r) => ({ ...r, seq: r.seq === null ? null : Number(r.seq), schedule_step: Number(r.schedule_step) }));
  }

  /** Writes a batch of attempts and their deliveries' new state in one transaction. */
  async recordOutcomes(outcomes: Outcome[], now: Date, tx: Tx): Promise<void> {
    if (!outcomes.length) return;
    await insertRows(
      this.models.WebhookAttempt,
      outcomes.map((o) => ({ delivery_id: o.deliveryId, ...o.attempt })),
      tx,
    );
    // Successes of one status code share one statement; everything else is one each.
    const succeeded = new Map<number, string[]>();
    for (const o of outcomes) {
      if (o.status === 'succeeded') {
        const code = o.attempt.status_code ?? 200;
        succeeded.set(code, [...(succeeded.get(code) ?? []), o.deliveryId]);
        continue;
      }
      await this.sql.run(
        'UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, schedule_step = ?, next_attempt_at = ?, last_status_code = ?, updated_at = ? WHERE id = ?',
        [o.status, o.scheduleStep, o.nextAttemptAt, o.attempt.status_code, now, o.deliveryId],
        tx,
      );
    }
    for (const [code, ids] of succeeded) {
      await this.sql.run(
        `UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, next_attempt_at = NULL, last_status_code = ?, updated_at = ? WHERE id IN (${ids.map(() => '?').join(', ')})`,
        [code, now, ...ids],
        tx,
      );
    }
  }

  /** A 410: the webhook stops, and its pending deliveries will not be tried again. */
  async disable(webhookId: string, reason: string, now: Date, tx: Tx): Promise<boolean> {
    const changed = await this.sql.run('UPDATE webhooks SET enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = ?', [false, reason, now, webhookId, true], tx);
    await this.sql.run("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = ? WHERE webhook_id = ? AND status = 'pending'", [now, webhookId], tx);
    return changed === 1;
  }

  // --- the deliveries API

  async listDeliveries(webhookId: string, status: DeliveryStatus | undefined, limit: number, beforeId?: string): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.models.WebhookDelivery.findAll({
      where: { webhook_id: webhookId, ...(status ? { status } : {}), ...(beforeId ? { id: { [Op.lt]: beforeId } } : {}) },
      order: [['id', 'DESC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async attemptsOf(deliveryIds: string[]): Promise<WebhookAttemptRecord[]> {
    if (!deliveryIds.length) return [];
    const rows = await this.models.WebhookAttempt.findAll({ where: { delivery_id: deliveryIds }, order: [['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async findDelivery(webhookId: string, id: string, tx?: Tx): Promise<WebhookDeliveryRecord | null> {
    const row = await this.models.WebhookDelivery.findOne({ where: { webhook_id: webhookId, id }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  /** A manual retry: pending again, due now, the automatic schedule from its start. */
  async requeue(id: string, now: Date, tx: Tx): Promise<void> {
    await this.models.WebhookDelivery.update({ status: 'pending', schedule_step: 0, next_attempt_at: now }, { where: { id }, transaction: tx.transaction });
  }
}

function normalize(row: WebhookRecord): WebhookRecord {
  return { ...row, cursor_seq: Number(row.cursor_seq), enabled: Boolean(row.enabled) };
}
