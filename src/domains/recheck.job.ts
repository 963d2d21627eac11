import { randomUUID } from 'node:crypto';
import type { Leases } from '../db/leases';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { Repeating } from '../shared/repeating';
import type { DomainsRepository } from './domains.repository';
import type { DomainsService } from './domains.service';

const LEASE = 'domain-recheck';
const LEASE_TTL_MS = 5 * 60_000;
const BATCH = 50;
const CONCURRENCY = 4;

/**
 * Re-checks verified domains every DOMAIN_RECHECK_INTERVAL. Safe with several processes on one
 * database: a lease row lets one process sweep at a time, and each domain is claimed by a
 * conditional update of its `next_check_at`, so even two sweepers never check a domain twice
 * in one interval.
 */
export class RecheckJob {
  private readonly holder = randomUUID();
  private readonly loop = new Repeating(
    () => this.runOnce(),
    (err) => this.logger.error({ err }, 'domain re-check sweep failed'),
  );

  constructor(
    private readonly leases: Leases,
    private readonly repo: DomainsRepository,
    private readonly domains: DomainsService,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** One sweep of every due domain; returns how many this process checked. */
  async runOnce(): Promise<number> {
    if (!(await this.leases.acquire(LEASE, this.holder, this.clock.now(), LEASE_TTL_MS))) return 0;
    let checked = 0;
    try {
      for (;;) {
        const now = this.clock.now();
        const due = await this.repo.findDue(now, BATCH);
        const next = new Date(now.getTime() + this.intervalMs);
        const claimed = [];
        for (const d of due) if (await this.repo.claim(d, next)) claimed.push(d);
        for (let i = 0; i < claimed.length; i += CONCURRENCY) {
          await Promise.all(claimed.slice(i, i + CONCURRENCY).map((d) => this.domains.recheck(d)));
        }
        checked += claimed.length;
        // Nothing claimed means others got there first (or nothing is due): stop rather than spin.
        if (due.length < BATCH || !claimed.length) break;
        await this.leases.acquire(LEASE, this.holder, this.clock.now(), LEASE_TTL_MS);
      }
    } finally {
      await this.leases.release(LEASE, this.holder);
    }
    return checked;
  }

  /** Polls every `pollMs` (main.ts); a sweep never overlaps the previous one in this process. */
  start(pollMs: number): void {
    this.loop.start(pollMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
