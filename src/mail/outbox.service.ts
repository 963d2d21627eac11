import type { Clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { Repeating } from '../shared/repeating';
import type { Logger } from '../shared/logger';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { Database, Tx } from '../db/transaction';
import type { Mail, Mailer } from './mailer';
import type { OutboxRecord, OutboxRepository, OutboxStatus } from './outbox.repository';

/** Retry schedule: 30 s, 1 min, 2 min, … doubling up to 1 h between attempts; give up after 24 h. */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_DELAY_MS = 3_600_000;
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** A claimed mail whose sender died is retried after this. */
const LEASE_MS = 120_000;

export function retryDelay(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_DELAY_MS);
}

/**
 * The mail outbox. A mail is queued in the transaction of the change that causes it and
 * sent after commit; failures stay queued with their error and are retried with backoff
 * by `sendDue` (the sender loop). Logs name the outbox id and recipient domain only.
 */
export class OutboxService {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop = new Repeating(
    () => this.sendDue(),
    (err) => this.logger.error({ err }, 'mail sender failed'),
  );

  constructor(
    private readonly db: Database,
    private readonly repo: OutboxRepository,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async queue(tenantId: string, mail: Mail, tx: Tx): Promise<OutboxRecord> {
    const row = await this.repo.insert(
      { id: newId('msg'), tenant_id: tenantId, recipient: mail.to, subject: mail.subject, text: mail.text, html: mail.html, status: 'queued', next_attempt_at: this.clock.now() },
      tx,
    );
    tx.afterCommit(() => {
      this.logger.info({ outboxId: row.id, toDomain: domainOf(row.recipient), smtp: this.mailer.enabled }, 'mail queued');
      if (this.mailer.enabled) this.track(this.sendOne(row.id));
    });
    return row;
  }

  async list(tenantId: string, status: OutboxStatus | undefined, page: PageRequest): Promise<Page<OutboxRecord>> {
    const rows = await this.repo.list(tenantId, status, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  /** Sends every due mail once; returns how many were sent. */
  async sendDue(limit = 50): Promise<number> {
    if (!this.mailer.enabled) return 0;
    let sent = 0;
    for (const id of await this.repo.dueIds(this.clock.now(), limit)) {
      if (await this.sendOne(id)) sent++;
    }
    return sent;
  }

  /** The sender loop: due mails every `intervalMs`, one pass at a time. */
  start(intervalMs = 15_000): void {
    if (this.mailer.enabled) this.loop.start(intervalMs);
  }

  /** Stops the loop and waits for sends under way. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.idle();
    this.mailer.close();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    const p = work.then(
      () => undefined,
      (err: unknown) => this.logger.error({ err }, 'mail sender failed'),
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async sendOne(id: string): Promise<boolean> {
    const now = this.clock.now();
    const mail = await this.db.transaction((tx) => this.repo.claim(id, now, new Date(now.getTime() + LEASE_MS), tx));
    if (!mail) return false;
    const log = { outboxId: mail.id, toDomain: domainOf(mail.recipient), attempts: mail.attempts };
    try {
      await this.mailer.send({ to: mail.recipient, subject: mail.subject, text: mail.text, html: mail.html });
    } catch (err) {
      const failedAt = this.clock.now();
      const giveUp = failedAt.getTime() - new Date(mail.created_at).getTime() >= GIVE_UP_AFTER_MS;
      const nextAt = new Date(failedAt.getTime() + retryDelay(mail.attempts));
      await this.db.transaction((tx) =>
        this.repo.update(mail.id, { status: giveUp ? 'failed' : 'queued', last_error: describe(err), next_attempt_at: nextAt }, tx),
      );
      const e = err as { code?: string; responseCode?: number };
      this.logger.warn({ ...log, code: e.code, responseCode: e.responseCode, gaveUp: giveUp, nextAttemptAt: giveUp ? null : nextAt }, 'mail not sent');
      return false;
    }
    await this.db.transaction((tx) => this.repo.update(mail.id, { status: 'sent', sent_at: this.clock.now(), last_error: null }, tx));
    this.logger.info(log, 'mail sent');
    return true;
  }
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

function describe(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  return [e.code, e.responseCode, e.message ?? String(err)].filter((x) => x !== undefined).join(' ').slice(0, 1000);
}
