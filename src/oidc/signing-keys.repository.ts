import { Op } from 'sequelize';
import type { Models, SigningKeyRecord } from '../db/models';
import type { Tx } from '../db/transaction';

export type { SigningKeyRecord };

export class SigningKeysRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<SigningKeyRecord, 'created_at' | 'retired_at' | 'status'>, tx: Tx): Promise<SigningKeyRecord> {
    const created = await this.models.SigningKey.create({ ...row, status: 'active', retired_at: null }, { transaction: tx.transaction });
    return created.get({ plain: true });
  }

  /** Active keys and keys retired after `retiredSince`, newest first. */
  async listPublished(tenantId: string, retiredSince: Date, tx?: Tx): Promise<SigningKeyRecord[]> {
    const rows = await this.models.SigningKey.findAll({
      where: { tenant_id: tenantId, [Op.or]: [{ status: 'active' }, { retired_at: { [Op.gt]: retiredSince } }] },
      order: [['id', 'DESC']],
      transaction: tx?.transaction,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async listAll(tenantId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.models.SigningKey.findAll({ where: { tenant_id: tenantId }, order: [['id', 'DESC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async retireActive(tenantId: string, at: Date, tx: Tx): Promise<string[]> {
    const active = await this.models.SigningKey.findAll({ where: { tenant_id: tenantId, status: 'active' }, transaction: tx.transaction });
    if (active.length) {
      await this.models.SigningKey.update(
        { status: 'retired', retired_at: at },
        { where: { tenant_id: tenantId, status: 'active' }, transaction: tx.transaction },
      );
    }
    return active.map((k) => k.id);
  }
}
