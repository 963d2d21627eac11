import type { Models, PasswordResetRecord } from '../db/models';
import type { Tx } from '../db/transaction';

export class PasswordResetsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<PasswordResetRecord, 'used_at' | 'created_at'>, tx: Tx): Promise<void> {
    await this.models.PasswordReset.create({ ...row, used_at: null }, { transaction: tx.transaction });
  }

  async find(tokenHash: string, tx?: Tx): Promise<PasswordResetRecord | null> {
    const row = await this.models.PasswordReset.findByPk(tokenHash, { transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  /** Marks the link used; false when it already was (two submissions racing). */
  async use(tokenHash: string, at: Date, tx: Tx): Promise<boolean> {
    const [count] = await this.models.PasswordReset.update({ used_at: at }, { where: { token_hash: tokenHash, used_at: null }, transaction: tx.transaction });
    return count === 1;
  }
}
