import { randomUUID } from 'node:crypto';
import type { Leases } from '../db/leases';
import type { Database } from '../db/transaction';
import { toEventView } from '../events/events.service';
import type { FetchError, SafeFetcher } from '../domains/verifiers/safe-fetch';
import type { Clock } from '../shared/clock';
import { SYSTEM_ACTOR } from '../shared/context';
import type { EventsService } from '../events/events.service';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { nextAttemptAt, parseRetryAfter } from './retry-schedule';
import { signatureHeader } from './signature';
import type { Outcome, SentDelivery, WebhookRecord, WebhooksRepository } from './webhooks.repository';
import type { WebhooksService } from './webhooks.service';

/** A webhook's lease outlives the slowest attempt (15 s) several times over; it is renewed as work goes on. */
const LEASE_TTL_MS = 60_000;
const FAN_OUT_BATCH = 1_000;
const DUE_BATCH = 200;
/** Outcomes are written together, at most this many at a time (a crash before that re-sends them: at least once). */
const OUTCOME_BATCH = 100;
/** Webhooks one process delivers to at the same time (each one's own deliveries go one by one, in order). */
const CONCURRENCY = 16;
const WAKE_DELAY_MS = 10;
/** A caught-up webhook keeps its lease this long for the next wake-up before giving it back. */
const IDLE_HOLD_MS = 1_000;

/**
 * Delivers webhooks from the transactional outbox, which is the events table itself: each
 * webhook's `cursor_seq` is the last tenant seq it has turned into deliveries. Several processes
 * share the work by webhook through leases (`webhook:<id>` in scheduler_leases): the holder fans
 * events after the cursor out into deliveries (moving the cursor in the same transaction) and
 * sends its due deliveries one at a time in seq order, so nothing is sent twice at once and a
 * receiver sees events in seq order while none is failing.
 */
export class DeliveryWorker {
  private readonly holder = randomUUID();
  private readonly active = new Map<string, Promise<void>>();
  private tenants = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private wakeTimer?: NodeJS.Timeout;
  /** Processes holding a caught-up webhook's lease, waiting for the next wake-up. */
  private readonly idlers = new Map<string, () => void>();
  private draining = false;
  private stopping = false;
  /** Aborts the attempts under way when a shutdown's grace period is over. */
  private abort = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly repo: WebhooksRepository,
    private readonly webhooks: WebhooksService,
    private readonly events: EventsService,
    private readonly leases: Leases,
    private readonly fetcher: SafeFetcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    webhooks.wake = () => this.wake();
    events.onCommit((tenantIds) => {
      if (tenantIds.some((t) => this.tenants.has(t))) this.wake();
    });
  }

  /** Polls every `pollMs` for work other processes committed; this process's commits wake it at once. */
  start(pollMs = 250): void {
    if (this.timer) return;
    this.stopping = false;
    this.abort = new AbortController();
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
    void this.poll();
  }

  /**
   * Stops taking work, lets each delivery under way finish and be recorded, and releases the
   * leases. An attempt still running after `graceMs` is cut off and not recorded: it is sent
   * again later (at least once).
   */
  async stop(graceMs = 60_000): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    this.timer = undefined;
    this.wakeTimer = undefined;
    for (const resume of this.idlers.values()) resume();
    const cutOff = setTimeout(() => this.abort.abort(), graceMs);
    try {
      await this.ticking;
      while (this.active.size) await Promise.allSettled([...this.active.values()]);
    } finally {
      clearTimeout(cutOff);
    }
  }

  /** Until nothing is left to do now (tests); webhooks are not held idle meanwhile. */
  async drain(): Promise<void> {
    this.draining = true;
    for (const resume of this.idlers.values()) resume();
    try {
      await this.drainOnce();
    } finally {
      this.draining = false;
    }
  }

  private async drainOnce(): Promise<void> {
    do {
      await this.tick();
      while (this.active.size) await Promise.allSettled([...this.active.values()]);
    } while ((await this.repo.withWork(this.clock.now(), 1)).length);
  }

  /**
   * Work is looked for a few milliseconds after a wake-up, so that a burst of commits (a SCIM
   * ingest writes thousands of events a second) costs one pass rather than one each.
   */
  wake(): void {
    if (this.stopping || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      for (const resume of this.idlers.values()) resume();
      if (this.ticking) this.again = true;
      else void this.tick();
    }, WAKE_DELAY_MS);
  }

  /** Other processes' commits: the tick finds them (and resumes a webhook held idle here). */
  private async poll(): Promise<void> {
    try {
      this.tenants = new Set(await this.repo.tenantsWithWebhooks());
    } catch (err) {
      this.logger.error({ err }, 'webhook worker poll failed');
    }
    if (this.stopping) return;
    if (this.ticking) this.again = true;
    else void this.tick();
  }

  private tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      do {
        this.again = false;
        if (this.stopping || this.active.size >= CONCURRENCY) return;
        const ids = await this.repo.withWork(this.clock.now(), CONCURRENCY * 2);
        for (const id of ids) {
          if (this.stopping) break;
          if (this.active.has(id)) {
            this.idlers.get(id)?.();
            continue;
          }
          if (this.active.size >= CONCURRENCY) break;
          const run = this.process(id)
            .catch((err) => void this.logger.error({ err, webhookId: id }, 'webhook delivery failed'))
            .then((worked) => {
              this.active.delete(id);
              if (worked) this.wake();
            });
          this.active.set(id, run);
        }
      } while (this.again);
    })()
      .catch((err) => this.logger.error({ err }, 'webhook worker failed'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Works on one webhook while holding its lease; true when it did something. */
  private async process(id: string): Promise<boolean> {
    const lease = `webhook:${id}`;
    if (!(await this.leases.acquire(lease, this.holder, this.clock.now(), LEASE_TTL_MS))) return false;
    let renewedAt = Date.now();
    let worked = false;
    const renew = async () => {
      if (Date.now() - renewedAt < LEASE_TTL_MS / 4) return true;
      renewedAt = Date.now();
      return this.leases.acquire(lease, this.holder, this.clock.now(), LEASE_TTL_MS);
    };
    try {
      while (!this.stopping) {
        const webhook = await this.repo.findById(id);
        if (!webhook?.enabled) break;
        const secrets = this.webhooks.signingSecrets(webhook, this.clock.now());
        // Retries that are due go first: they are older than anything after the cursor.
        const due = await this.repo.due(id, this.clock.now(), DUE_BATCH);
        let gone = await this.retry(webhook, secrets, due, renew);
        const fresh = gone ? { read: 0, gone: false } : await this.deliverFresh(webhook, secrets, renew);
        gone ||= fresh.gone;
        if (gone) {
          await this.disable(webhook);
          worked = true;
          break;
        }
        if (!fresh.read && !due.length) break;
        worked = true;
        // Caught up: keep the lease for a while, so that a stream of commits (an ingest) costs no
        // lease writes; the next wake-up (this process's commits, or the poll) resumes the loop.
        if (fresh.read < FAN_OUT_BATCH && due.length < DUE_BATCH && !(await this.idle(id))) break;
        if (!(await renew())) break;
      }
    } finally {
      await this.leases.release(lease, this.holder).catch((err) => this.logger.error({ err }, 'webhook lease release failed'));
    }
    return worked;
  }

  /** Resolves true on the next wake-up, false after IDLE_HOLD_MS without one (or when stopping). */
  private idle(id: string): Promise<boolean> {
    if (this.stopping || this.draining) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (resumed: boolean) => {
        clearTimeout(timer);
        this.idlers.delete(id);
        resolve(resumed && !this.stopping && !this.draining);
      };
      const timer = setTimeout(() => done(false), IDLE_HOLD_MS);
      this.idlers.set(id, () => done(true));
    });
  }

  /** Sends due retries one by one in seq order; true when the receiver answered 410. */
  private async retry(webhook: WebhookRecord, secrets: string[], due: Awaited<ReturnType<WebhooksRepository['due']>>, renew: () => Promise<boolean>): Promise<boolean> {
    let outcomes: Outcome[] = [];
    let gone = false;
    for (const delivery of due) {
      if (this.stopping) break;
      const outcome = await this.attempt(webhook.url, secrets, delivery);
      if (this.abort.signal.aborted) break;
      outcomes.push(outcome);
      gone = outcome.attempt.status_code === 410;
      if (gone) break;
      if (outcomes.length >= OUTCOME_BATCH) {
        await this.save(outcomes);
        outcomes = [];
      }
      if (!(await renew())) break;
    }
    await this.save(outcomes);
    return gone;
  }

  /**
   * Sends the events after the cursor, in seq order, and only then writes them down: each
   * batch's deliveries (with the state their first attempt left them in), their attempts and the
   * moved cursor are one transaction. A process that dies before it has not moved the cursor, so
   * the events are sent again (at least once); a delivery row is written once, never updated
   * for a first attempt that succeeds.
   */
  private async deliverFresh(webhook: WebhookRecord, secrets: string[], renew: () => Promise<boolean>): Promise<{ read: number; gone: boolean }> {
    const events = await this.repo.eventsAfter(webhook.tenant_id, webhook.cursor_seq, FAN_OUT_BATCH);
    let from = webhook.cursor_seq;
    let to = from;
    let batch: SentDelivery[] = [];
    let gone = false;
    const commit = async () => {
      if (to === from) return true;
      const moved = await this.db.transaction((tx) => this.repo.recordFresh(webhook.id, from, to, batch, tx));
      from = to;
      batch = [];
      return moved;
    };
    for (const e of events) {
      if (this.stopping) break;
      if (matches(webhook.events, e.type)) {
        const delivery = { id: newId('dlv'), event_id: e.id, payload: JSON.stringify(toEventView(e)), schedule_step: 0 };
        const outcome = await this.attempt(webhook.url, secrets, delivery);
        if (this.abort.signal.aborted) break;
        batch.push({ delivery: { ...delivery, webhook_id: webhook.id, tenant_id: webhook.tenant_id, event_type: e.type, seq: e.seq }, outcome });
        gone = outcome.attempt.status_code === 410;
      }
      to = e.seq;
      if (gone) break;
      if (batch.length >= OUTCOME_BATCH && !(await commit())) return { read: events.length, gone: false };
      if (!(await renew())) break;
    }
    await commit();
    return { read: events.length, gone };
  }

  private async attempt(url: string, secrets: string[], delivery: { id: string; event_id: string; payload: string; schedule_step: number }): Promise<Outcome> {
    const started = this.clock.now();
    const t0 = performance.now();
    const timestamp = Math.floor(started.getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    let retryAfterMs: number | null = null;
    try {
      const res = await this.fetcher.post(url, delivery.payload, {
        'content-type': 'application/json',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, delivery.payload),
      }, this.abort.signal);
      status = res.status;
      if (status < 200 || status >= 300) retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now());
    } catch (err) {
      error = ((err as FetchError).message ?? String(err)).slice(0, 500);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const finished = this.clock.now();
    const next = ok || status === 410 ? null : nextAttemptAt(delivery.schedule_step, finished, retryAfterMs);
    return {
      deliveryId: delivery.id,
      attempt: { attempted_at: started, status_code: status, duration_ms: Math.round(performance.now() - t0), error },
      status: ok ? 'succeeded' : next ? 'pending' : 'failed',
      scheduleStep: delivery.schedule_step + 1,
      nextAttemptAt: next,
    };
  }

  private async save(outcomes: Outcome[]): Promise<void> {
    if (!outcomes.length) return;
    await this.db.transaction((tx) => this.repo.recordOutcomes(outcomes, this.clock.now(), tx));
  }

  /** A 410 Gone: the receiver asks us to stop; the webhook is disabled (an event says so). */
  private async disable(webhook: WebhookRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.disable(webhook.id, 'gone', this.clock.now(), tx))) return;
      this.events.record({ tenantId: webhook.tenant_id, actor: SYSTEM_ACTOR }, tx, {
        type: 'webhook.updated',
        target: { type: 'webhook', id: webhook.id },
        data: { url: webhook.url, events: webhook.events, enabled: false, disabled_reason: 'gone', changed: ['enabled'] },
      });
    });
    this.logger.warn({ webhookId: webhook.id }, 'webhook disabled: the receiver answered 410 Gone');
  }
}

/** `*`, an exact type, or a prefix ending in `.` (`membership.`). */
export function matches(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.') && type.startsWith(f)));
}
