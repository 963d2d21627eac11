import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { SecretBox } from '../shared/secret-box';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import { newWebhookSecret } from './signature';
import type { DeliveryStatus, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookRecord, WebhooksRepository } from './webhooks.repository';

/** After a rotation, deliveries are signed with the previous secret too for this long. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3_600_000;

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string | null;
  enabled?: boolean;
}

export interface DeliveryWithAttempts extends WebhookDeliveryRecord {
  attempt_list: WebhookAttemptRecord[];
}

/**
 * Webhook endpoints of a tenant: their settings, signing secrets (sealed at rest, shown once)
 * and deliveries. Delivering is the worker's (delivery.worker.ts); this only tells it, after a
 * commit, that there is something new.
 */
export class WebhooksService {
  /** Set by the worker: wakes it for the tenant's webhooks. */
  wake: (tenantId: string) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly repo: WebhooksRepository,
    private readonly events: EventsService,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async create(ctx: Ctx, input: WebhookInput): Promise<{ webhook: WebhookRecord; secret: string }> {
    const secret = newWebhookSecret();
    const webhook = await this.db.transaction(async (tx) => {
      const row = await this.repo.insert(
        {
          id: newId('whk'),
          tenant_id: ctx.tenantId,
          url: input.url,
          description: input.description ?? null,
          events: input.events,
          enabled: input.enabled ?? true,
          secret_sealed: this.box.seal(secret),
          previous_secret_sealed: null,
          previous_secret_expires_at: null,
          // Events committed from here on, starting with this webhook's own `webhook.created`.
          cursor_seq: await this.repo.lastSeq(ctx.tenantId, tx),
          disabled_reason: null,
        },
        tx,
      );
      this.record(ctx, tx, 'webhook.created', row);
      return row;
    });
    return { webhook, secret };
  }

  async get(tenantId: string, id: string): Promise<WebhookRecord> {
    const row = await this.repo.find(tenantId, id);
    if (!row) throw new NotFoundError('webhook', id);
    return row;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<WebhookRecord>> {
    const rows = await this.repo.list(tenantId, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  async update(ctx: Ctx, id: string, patch: Partial<WebhookInput>): Promise<WebhookRecord> {
    return this.db.transaction(async (tx) => {
      const row = await this.repo.find(ctx.tenantId, id, tx);
      if (!row) throw new NotFoundError('webhook', id);
      const fields: Partial<WebhookRecord> = {};
      if (patch.url !== undefined) fields.url = patch.url;
      if (patch.events !== undefined) fields.events = patch.events;
      if (patch.description !== undefined) fields.description = patch.description;
      if (patch.enabled !== undefined && patch.enabled !== row.enabled) {
        fields.enabled = patch.enabled;
        fields.disabled_reason = patch.enabled ? null : 'disabled';
        // Re-enabled: from now on; what happened while it was off is not sent.
        if (patch.enabled) fields.cursor_seq = await this.repo.lastSeq(ctx.tenantId, tx);
      }
      await this.repo.update(id, fields, tx);
      const updated = { ...row, ...fields };
      this.record(ctx, tx, 'webhook.updated', updated, { changed: Object.keys(patch).filter((k) => k !== 'cursor_seq') });
      return updated;
    });
  }

  async delete(ctx: Ctx, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.repo.find(ctx.tenantId, id, tx);
      if (!row) throw new NotFoundError('webhook', id);
      await this.repo.delete(id, tx);
      this.record(ctx, tx, 'webhook.deleted', row);
    });
  }

  /** A new secret; the previous one keeps signing (alongside) for 24 h. */
  async rotateSecret(ctx: Ctx, id: string): Promise<{ webhook: WebhookRecord; secret: string }> {
    const secret = newWebhookSecret();
    const webhook = await this.db.transaction(async (tx) => {
      const row = await this.repo.find(ctx.tenantId, id, tx);
      if (!row) throw new NotFoundError('webhook', id);
      const fields = {
        secret_sealed: this.box.seal(secret),
        previous_secret_sealed: row.secret_sealed,
        previous_secret_expires_at: new Date(this.clock.now().getTime() + PREVIOUS_SECRET_TTL_MS),
      };
      await this.repo.update(id, fields, tx);
      const updated = { ...row, ...fields };
      this.record(ctx, tx, 'webhook.secret_rotated', updated, { previous_secret_expires_at: fields.previous_secret_expires_at.toISOString() });
      return updated;
    });
    return { webhook, secret };
  }

  /** The secrets a delivery is signed with now: the current one, and the previous during its 24 h. */
  signingSecrets(row: WebhookRecord, now: Date): string[] {
    const secrets = [this.box.open(row.secret_sealed)];
    if (row.previous_secret_sealed && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at) > now) {
      secrets.push(this.box.open(row.previous_secret_sealed));
    }
    return secrets;
  }

  async deliveries(tenantId: string, id: string, status: DeliveryStatus | undefined, page: PageRequest): Promise<Page<DeliveryWithAttempts>> {
    await this.get(tenantId, id);
    const rows = await this.repo.listDeliveries(id, status, page.limit + 1, page.after);
    const attempts = await this.repo.attemptsOf(rows.slice(0, page.limit).map((r) => r.id));
    return toPage(rows, page.limit, (r) => r.id, (r) => ({ ...r, attempt_list: attempts.filter((a) => a.delivery_id === r.id) }));
  }

  /** Sends a delivery again (whatever its state), with a fresh retry schedule. */
  async retry(ctx: Ctx, id: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    const delivery = await this.db.transaction(async (tx) => {
      const webhook = await this.requireEnabled(ctx.tenantId, id, tx);
      const row = await this.repo.findDelivery(webhook.id, deliveryId, tx);
      if (!row) throw new NotFoundError('delivery', deliveryId);
      const now = this.clock.now();
      await this.repo.requeue(row.id, now, tx);
      tx.afterCommit(() => this.wake(ctx.tenantId));
      return { ...row, status: 'pending' as const, schedule_step: 0, next_attempt_at: now };
    });
    return delivery;
  }

  /** Queues a `webhook.test` event for this webhook alone (it is not part of the tenant's events). */
  async sendTest(ctx: Ctx, id: string): Promise<WebhookDeliveryRecord> {
    return this.db.transaction(async (tx) => {
      const webhook = await this.requireEnabled(ctx.tenantId, id, tx);
      const now = this.clock.now();
      const event = {
        id: newId('evt'),
        seq: null,
        type: 'webhook.test',
        actor: ctx.actor,
        target: { type: 'webhook', id: webhook.id },
        organization_id: null,
        data: { message: 'This is a test event from orgbridge.' },
        created_at: now.toISOString(),
      };
      const row = {
        id: newId('dlv'),
        webhook_id: webhook.id,
        tenant_id: ctx.tenantId,
        event_id: event.id,
        event_type: event.type,
        seq: null,
        payload: JSON.stringify(event),
        status: 'pending' as const,
        next_attempt_at: now,
      };
      await this.repo.insertDeliveries([row], tx);
      tx.afterCommit(() => this.wake(ctx.tenantId));
      return { ...row, attempts: 0, schedule_step: 0, last_status_code: null, created_at: now, updated_at: now };
    });
  }

  private async requireEnabled(tenantId: string, id: string, tx: Tx): Promise<WebhookRecord> {
    const webhook = await this.repo.find(tenantId, id, tx);
    if (!webhook) throw new NotFoundError('webhook', id);
    if (!webhook.enabled) throw new ConflictError('the webhook is disabled; enable it first');
    return webhook;
  }

  private record(ctx: Ctx, tx: Tx, type: string, row: WebhookRecord, extra: Record<string, unknown> = {}): void {
    this.events.record(ctx, tx, {
      type,
      target: { type: 'webhook', id: row.id },
      data: { url: row.url, events: row.events, enabled: row.enabled, ...extra },
    });
  }
}
