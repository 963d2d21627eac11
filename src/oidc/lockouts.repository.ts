import type { Models } from '../db/models';
import type { Tx } from '../db/transaction';

/** Failed password sign-ins in a row, and the lock they led to, per user. */
export class LockoutsRepository {
  constructor(private readonly models: Models) {}

  async find(userId: string, tx?: Tx): Promise<{ failedCount: number; lockedUntil: Date | null } | null> {
    const row = await this.models.LoginLockout.findByPk(userId, { transaction: tx?.transaction, lock: tx ? true : undefined });
    return row ? { failedCount: row.failed_count, lockedUntil: row.locked_until } : null;
  }

  async save(userId: string, failedCount: number, lockedUntil: Date | null, tx: Tx): Promise<void> {
    await this.models.LoginLockout.upsert({ user_id: userId, failed_count: failedCount, locked_until: lockedUntil }, { transaction: tx.transaction });
  }

  async clear(userId: string, tx: Tx): Promise<void> {
    await this.models.LoginLockout.destroy({ where: { user_id: userId }, transaction: tx.transaction });
  }
}
