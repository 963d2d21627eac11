import { Op } from 'sequelize';
import type { Models, OrgRecord } from '../db/models';
import { containsIgnoringCase } from '../db/search';
import type { Tx } from '../db/transaction';
import { isId } from '../shared/ids';

export type { OrgRecord };
export type OrgInsert = Omit<OrgRecord, 'created_at' | 'updated_at' | 'parent_id'> & Partial<Pick<OrgRecord, 'parent_id'>>;
export type OrgChanges = Partial<Pick<OrgRecord, 'name' | 'slug' | 'description' | 'metadata' | 'branding' | 'auth_settings' | 'domain_policy'>>;

export class OrgsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: OrgInsert, tx: Tx): Promise<OrgRecord> {
    return (await this.models.Organization.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  /** By id or slug, within the tenant. With `lock`, the row stays locked until the transaction ends. */
  async findByKey(tenantId: string, key: string, tx?: Tx, lock = false): Promise<OrgRecord | null> {
    const where = isId(key, 'org') ? { tenant_id: tenantId, id: key } : { tenant_id: tenantId, slug: key.toLowerCase() };
    const row = await this.models.Organization.findOne({
      where,
      transaction: tx?.transaction,
      ...(lock && tx ? { lock: tx.transaction.LOCK.UPDATE } : {}),
    });
    return row ? row.get({ plain: true }) : null;
  }

  async findByIds(ids: string[]): Promise<OrgRecord[]> {
    if (!ids.length) return [];
    return (await this.models.Organization.findAll({ where: { id: ids } })).map((r) => r.get({ plain: true }));
  }

  async list(tenantId: string, search: string | undefined, limit: number, afterId?: string, parentId?: string): Promise<OrgRecord[]> {
    const conditions: unknown[] = [{ tenant_id: tenantId }];
    if (parentId) conditions.push({ parent_id: parentId });
    if (afterId) conditions.push({ id: { [Op.gt]: afterId } });
    if (search) {
      conditions.push({ [Op.or]: [containsIgnoringCase('name', search), containsIgnoringCase('slug', search)] });
    }
    const rows = await this.models.Organization.findAll({
      where: { [Op.and]: conditions } as never,
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** A parent's workspaces. */
  async children(parentId: string, tx?: Tx): Promise<OrgRecord[]> {
    return (await this.models.Organization.findAll({ where: { parent_id: parentId }, order: [['id', 'ASC']], transaction: tx?.transaction })).map((r) => r.get({ plain: true }));
  }

  async update(id: string, changes: OrgChanges, tx: Tx): Promise<void> {
    await this.models.Organization.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    // Memberships first (see TenantsRepository.delete for why).
    await this.models.Membership.destroy({ where: { organization_id: id }, transaction: tx.transaction });
    await this.models.Organization.destroy({ where: { id }, transaction: tx.transaction });
  }
}
