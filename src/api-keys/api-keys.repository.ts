import { Op } from 'sequelize';
import type { ApiKeyRecord, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { ApiKeyRecord };

export class ApiKeysRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<ApiKeyRecord, 'created_at' | 'revoked_at'>, tx: Tx): Promise<ApiKeyRecord> {
    return (await this.models.ApiKey.create({ ...row, revoked_at: null }, { transaction: tx.transaction })).get({ plain: true });
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const row = await this.models.ApiKey.findOne({ where: { prefix } });
    return row ? row.get({ plain: true }) : null;
  }

  async list(tenantId: string, limit: number, afterId?: string): Promise<ApiKeyRecord[]> {
    const rows = await this.models.ApiKey.findAll({
      where: { tenant_id: tenantId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** Marks the key revoked; false when the tenant has no such key. */
  async revoke(tenantId: string, id: string, at: Date, tx: Tx): Promise<ApiKeyRecord | null> {
    const row = await this.models.ApiKey.findOne({ where: { tenant_id: tenantId, id }, transaction: tx.transaction });
    if (!row) return null;
    if (!row.revoked_at) await row.update({ revoked_at: at }, { transaction: tx.transaction });
    return row.get({ plain: true });
  }
}
