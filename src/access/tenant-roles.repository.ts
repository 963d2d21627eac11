import { QueryTypes } from 'sequelize';
import type { Models, TenantRoleRecord } from '../db/models';
import { marks } from '../db/direct-sql';
import type { Tx } from '../db/transaction';

export type { TenantRoleRecord };
export type TenantRoleChanges = Partial<Pick<TenantRoleRecord, 'name' | 'description' | 'permissions'>>;

/** Tenant-level roles and who holds them (`user_tenant_roles`). */
export class TenantRolesRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<TenantRoleRecord, 'created_at' | 'updated_at'>, tx: Tx): Promise<TenantRoleRecord> {
    return (await this.models.TenantRole.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async list(tenantId: string): Promise<TenantRoleRecord[]> {
    const rows = await this.models.TenantRole.findAll({ where: { tenant_id: tenantId }, order: [['key', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async find(tenantId: string, key: string, tx?: Tx): Promise<TenantRoleRecord | null> {
    const row = await this.models.TenantRole.findOne({ where: { tenant_id: tenantId, key }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async findKeys(tenantId: string, keys: string[], tx?: Tx): Promise<string[]> {
    if (!keys.length) return [];
    const rows = await this.models.TenantRole.findAll({ attributes: ['key'], where: { tenant_id: tenantId, key: keys }, transaction: tx?.transaction });
    return rows.map((r) => r.key);
  }

  async update(id: string, changes: TenantRoleChanges, tx: Tx): Promise<void> {
    await this.models.TenantRole.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.TenantRole.destroy({ where: { id }, transaction: tx.transaction });
  }

  async countHolders(tenantId: string, key: string, tx: Tx): Promise<number> {
    const [row] = await tx.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM user_tenant_roles WHERE tenant_id = ? AND role_key = ?', [tenantId, key], tx);
    return Number(row?.n ?? 0);
  }

  /** The tenant role keys of these users, each list sorted by key. */
  async keysOfUsers(userIds: string[], tx?: Tx): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (!userIds.length) return byUser;
    const rows = await this.models.TenantRole.sequelize!.query<{ user_id: string; role_key: string }>(
      `SELECT user_id, role_key FROM user_tenant_roles WHERE user_id IN (${marks(userIds)}) ORDER BY role_key ASC`,
      { replacements: userIds, type: QueryTypes.SELECT, transaction: tx?.transaction },
    );
    for (const row of rows) byUser.get(row.user_id)?.push(row.role_key);
    return byUser;
  }

  async addHolders(tenantId: string, holdings: Array<{ userId: string; keys: string[] }>, tx: Tx): Promise<void> {
    const rows = holdings.flatMap((h) => h.keys.map((key) => [h.userId, key, tenantId]));
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await tx.sql.run(`INSERT INTO user_tenant_roles (user_id, role_key, tenant_id) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flat(), tx);
    }
  }

  async removeHolder(userId: string, tx: Tx): Promise<void> {
    await tx.sql.run('DELETE FROM user_tenant_roles WHERE user_id = ?', [userId], tx);
  }
}
