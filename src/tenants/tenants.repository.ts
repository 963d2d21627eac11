import { Op } from 'sequelize';
import type { Models, TenantRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import { isId } from '../shared/ids';

export type { TenantRecord };

export class TenantsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: { id: string; slug: string; name: string }, tx: Tx): Promise<TenantRecord> {
    const created = await this.models.Tenant.create({ ...row, branding: null, auth_settings: null }, { transaction: tx.transaction });
    return created.get({ plain: true });
  }

  async findByKey(key: string, tx?: Tx): Promise<TenantRecord | null> {
    const where = isId(key, 'ten') ? { id: key } : { slug: key.toLowerCase() };
    const row = await this.models.Tenant.findOne({ where, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async list(limit: number, afterId?: string): Promise<TenantRecord[]> {
    const rows = await this.models.Tenant.findAll({
      where: afterId ? { id: { [Op.gt]: afterId } } : {},
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async updateSettings(id: string, settings: { branding: object; auth_settings: object; inherit_global_permissions_in_organizations: boolean }, tx: Tx): Promise<void> {
    await this.models.Tenant.update(
      {
        branding: settings.branding as TenantRecord['branding'],
        auth_settings: settings.auth_settings as TenantRecord['auth_settings'],
        inherit_global_permissions_in_organizations: settings.inherit_global_permissions_in_organizations,
      },
      { where: { id }, transaction: tx.transaction },
    );
  }

  async delete(id: string, tx: Tx): Promise<void> {
    // Memberships first: MySQL cascades row by row, and a membership still pointing at a
    // role being cascaded away would trip the role foreign key.
    const orgIds = (await this.models.Organization.findAll({ attributes: ['id'], where: { tenant_id: id }, transaction: tx.transaction })).map(
      (o) => o.id,
    );
    if (orgIds.length) await this.models.Membership.destroy({ where: { organization_id: orgIds }, transaction: tx.transaction });
    // Likewise the users' tenant roles before the tenant roles they point at.
    await tx.sql.run('DELETE FROM user_tenant_roles WHERE tenant_id = ?', [id], tx);
    await this.models.Tenant.destroy({ where: { id }, transaction: tx.transaction });
  }
}
