import type { Models, RoleRecord } from '../db/models';
import type { Tx } from '../db/transaction';

export type { RoleRecord };
export type RoleChanges = Partial<Pick<RoleRecord, 'name' | 'description' | 'permissions' | 'rank'>>;

export class RolesRepository {
  constructor(private readonly models: Models) {}

  async insertMany(rows: Array<Omit<RoleRecord, 'created_at' | 'updated_at'>>, tx: Tx): Promise<void> {
    await this.models.Role.bulkCreate(rows, { transaction: tx.transaction });
  }

  /** Rank of each role key (membership recomputation runs this in every directory write). */
  async ranks(organizationId: string, tx: Tx): Promise<Map<string, number>> {
    const rows = await tx.sql.all<{ key: string; rank: number }>('SELECT `key`, `rank` FROM roles WHERE organization_id = ?', [organizationId], tx);
    return new Map(rows.map((r) => [r.key, Number(r.rank)]));
  }

  async list(organizationId: string, tx?: Tx): Promise<RoleRecord[]> {
    const rows = await this.models.Role.findAll({
      where: { organization_id: organizationId },
      order: [['rank', 'DESC'], ['key', 'ASC']],
      transaction: tx?.transaction,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async find(organizationId: string, key: string, tx?: Tx): Promise<RoleRecord | null> {
    const row = await this.models.Role.findOne({ where: { organization_id: organizationId, key }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async findMany(organizationId: string, keys: string[], tx?: Tx): Promise<RoleRecord[]> {
    const rows = await this.models.Role.findAll({ where: { organization_id: organizationId, key: keys }, transaction: tx?.transaction });
    return rows.map((r) => r.get({ plain: true }));
  }

  async update(id: string, changes: RoleChanges, tx: Tx): Promise<void> {
    await this.models.Role.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.Role.destroy({ where: { id }, transaction: tx.transaction });
  }

  /** Members holding the role among their roles. */
  async countHolders(organizationId: string, key: string, tx: Tx): Promise<number> {
    const [row] = await tx.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM membership_roles WHERE organization_id = ? AND role_key = ?', [organizationId, key], tx);
    return Number(row?.n ?? 0);
  }

  /**
   * After a rank change: each membership holding the role takes its highest role again as
   * `role_key` (highest rank, then the key that sorts first).
   */
  async rederiveHighest(organizationId: string, key: string, tx: Tx): Promise<void> {
    await tx.sql.run(
      `UPDATE memberships SET role_key = (
         SELECT mr.role_key FROM membership_roles mr JOIN roles r ON r.organization_id = mr.organization_id AND r.\`key\` = mr.role_key
         WHERE mr.membership_id = memberships.id ORDER BY r.\`rank\` DESC, mr.role_key ASC LIMIT 1)
       WHERE id IN (SELECT membership_id FROM membership_roles WHERE organization_id = ? AND role_key = ?)`,
      [organizationId, key],
      tx,
    );
  }
}
