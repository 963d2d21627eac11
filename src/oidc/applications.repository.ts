import { Op } from 'sequelize';
import type { ApplicationRecord, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { ApplicationRecord };
export type ApplicationChanges = Partial<Pick<ApplicationRecord, 'name' | 'redirect_uris' | 'post_logout_redirect_uris' | 'initiate_login_uri' | 'client_secret_hash'>>;

export class ApplicationsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<ApplicationRecord, 'created_at' | 'updated_at'>, tx: Tx): Promise<ApplicationRecord> {
    return (await this.models.Application.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async find(tenantId: string, id: string, tx?: Tx): Promise<ApplicationRecord | null> {
    const row = await this.models.Application.findOne({ where: { tenant_id: tenantId, id }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async findByClientId(tenantId: string, clientId: string, tx?: Tx): Promise<ApplicationRecord | null> {
    const row = await this.models.Application.findOne({ where: { tenant_id: tenantId, client_id: clientId }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async list(tenantId: string, limit: number, afterId?: string): Promise<ApplicationRecord[]> {
    const rows = await this.models.Application.findAll({
      where: { tenant_id: tenantId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async update(tenantId: string, id: string, changes: ApplicationChanges, tx: Tx): Promise<void> {
    await this.models.Application.update(changes, { where: { tenant_id: tenantId, id }, transaction: tx.transaction });
  }

  async delete(tenantId: string, id: string, tx: Tx): Promise<void> {
    await this.models.Application.destroy({ where: { tenant_id: tenantId, id }, transaction: tx.transaction });
  }
}
