import type { MfaFactorRecord, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { MfaFactorRecord };

export class MfaFactorsRepository {
  constructor(private readonly models: Models) {}

  async find(userId: string, tx?: Tx): Promise<MfaFactorRecord | null> {
    const row = await this.models.MfaFactor.findByPk(userId, { transaction: tx?.transaction, lock: tx ? true : undefined });
    return row ? row.get({ plain: true }) : null;
  }

  /** A new, unconfirmed factor (replacing an unconfirmed one). */
  async begin(row: Pick<MfaFactorRecord, 'user_id' | 'tenant_id' | 'secret_encrypted'>, tx: Tx): Promise<void> {
    await this.models.MfaFactor.destroy({ where: { user_id: row.user_id, confirmed_at: null }, transaction: tx.transaction });
    await this.models.MfaFactor.create({ ...row, recovery_code_hashes: [], last_step: null, confirmed_at: null }, { transaction: tx.transaction });
  }

  async update(userId: string, changes: Partial<Pick<MfaFactorRecord, 'recovery_code_hashes' | 'last_step' | 'confirmed_at'>>, tx: Tx): Promise<void> {
    await this.models.MfaFactor.update(changes, { where: { user_id: userId }, transaction: tx.transaction });
  }

  async remove(userId: string, tx: Tx): Promise<void> {
    await this.models.MfaFactor.destroy({ where: { user_id: userId }, transaction: tx.transaction });
  }
}
