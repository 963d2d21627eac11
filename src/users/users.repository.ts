import { Op, QueryTypes } from 'sequelize';
import type { Models, UserRecord } from '../db/models';
import { marks } from '../db/direct-sql';
import { insertRows } from '../db/insert-rows';
import type { Tx } from '../db/transaction';
import { containsIgnoringCase, prefixCursorOf, prefixSearch, type PrefixHit } from '../db/search';

export type { UserRecord };
export type UserChanges = Partial<Pick<UserRecord, 'name' | 'tenant_role' | 'blocked' | 'password_hash' | 'app_metadata' | 'user_metadata'>>;
/** A new row: metadata may be left out (read as {}). */
export type NewUserRow = Omit<UserRecord, 'created_at' | 'updated_at' | 'blocked' | 'app_metadata' | 'user_metadata'> &
  Partial<Pick<UserRecord, 'app_metadata' | 'user_metadata'>>;

export class UsersRepository {
  constructor(private readonly models: Models) {}

  async insert(row: NewUserRow, tx: Tx): Promise<UserRecord> {
    return (await this.models.User.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async insertMany(rows: NewUserRow[], tx: Tx): Promise<UserRecord[]> {
    const now = new Date();
    const full = rows.map((r) => ({ app_metadata: null, user_metadata: null, ...r, blocked: false, created_at: now, updated_at: now }));
    await insertRows(this.models.User, full, tx);
    return full;
  }

  /** Ids of the users with these emails (directory ingest's hot path: straight to the driver). */
  findIdsByEmails(tenantId: string, emailsNormalized: string[], tx: Tx): Promise<Array<Pick<UserRecord, 'id' | 'email_normalized'>>> {
    if (!emailsNormalized.length) return Promise.resolve([]);
    return tx.sql.all(`SELECT id, email_normalized FROM users WHERE tenant_id = ? AND email_normalized IN (${marks(emailsNormalized)})`, [tenantId, ...emailsNormalized], tx);
  }

  async findById(tenantId: string, id: string, tx?: Tx): Promise<UserRecord | null> {
    const row = await this.models.User.findOne({ where: { tenant_id: tenantId, id }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async findByIds(tenantId: string, ids: string[], tx?: Tx): Promise<UserRecord[]> {
    if (!ids.length) return [];
    return (await this.models.User.findAll({ where: { tenant_id: tenantId, id: ids }, transaction: tx?.transaction })).map((r) => r.get({ plain: true }));
  }

  async findByEmail(tenantId: string, emailNormalized: string, tx?: Tx): Promise<UserRecord | null> {
    const row = await this.models.User.findOne({
      where: { tenant_id: tenantId, email_normalized: emailNormalized },
      transaction: tx?.transaction,
    });
    return row ? row.get({ plain: true }) : null;
  }

  async list(tenantId: string, search: string | undefined, limit: number, afterId?: string): Promise<UserRecord[]> {
    const conditions: unknown[] = [{ tenant_id: tenantId }];
    if (afterId) conditions.push({ id: { [Op.gt]: afterId } });
    if (search) {
      conditions.push({ [Op.or]: [containsIgnoringCase('email_normalized', search), containsIgnoringCase('name', search)] });
    }
    const rows = await this.models.User.findAll({ where: { [Op.and]: conditions } as never, order: [['id', 'ASC']], limit });
    return rows.map((r) => r.get({ plain: true }));
  }

  /**
   * Users whose email or name starts with `term` (case-insensitive): email matches by email, then
   * name matches by name (db/search.ts#prefixSearch: index order, never a scan or a big sort).
   */
  async searchByPrefix(tenantId: string, term: string, limit: number, after?: string): Promise<Array<UserRecord & { search_cursor: string }>> {
    const hits = await prefixSearch<PrefixHit & { id: string }>(
      (sql, replacements) => this.models.User.sequelize!.query(sql, { replacements, type: QueryTypes.SELECT }),
      { dialect: this.models.User.sequelize!.getDialect(), select: 'u.id, u.id AS user_id, u.email_normalized, u.name_lower', from: (hint) => `users u${hint}`, fromParams: [], tenantId, term, limit, after },
    );
    if (!hits.length) return [];
    const byId = new Map((await this.models.User.findAll({ where: { id: hits.map((h) => h.id) } })).map((r) => [r.id, r.get({ plain: true })]));
    return hits.filter((h) => byId.has(h.id)).map((h) => ({ ...byId.get(h.id)!, search_cursor: prefixCursorOf(h, term) }));
  }

  async update(id: string, changes: UserChanges, tx: Tx): Promise<void> {
    await this.models.User.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.User.destroy({ where: { id }, transaction: tx.transaction });
  }
}

