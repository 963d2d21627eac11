import { Op, UniqueConstraintError } from 'sequelize';
import type { Models } from './models';

/**
 * Named leases in `scheduler_leases`, so that of several processes sharing the database only
 * one runs a periodic job at a time. Taking a lease is a single conditional UPDATE (or the
 * first INSERT), never read-then-write.
 */
export class Leases {
  constructor(private readonly models: Models) {}

  /** True when `holder` now holds `name` until `now + ttlMs`. */
  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires_at = new Date(now.getTime() + ttlMs);
    const [count] = await this.models.SchedulerLease.update(
      { holder, expires_at },
      { where: { name, [Op.or]: [{ holder }, { expires_at: { [Op.lte]: now } }] } },
    );
    if (count === 1) return true;
    try {
      await this.models.SchedulerLease.create({ name, holder, expires_at });
      return true;
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    // MySQL counts an UPDATE that changed nothing as 0 rows: a renewal at the same instant.
    const row = await this.models.SchedulerLease.findByPk(name, { raw: true });
    return row?.holder === holder && new Date(row.expires_at).getTime() >= expires_at.getTime();
  }

  async release(name: string, holder: string): Promise<void> {
    await this.models.SchedulerLease.update({ expires_at: new Date(0) }, { where: { name, holder } });
  }
}
