import { IndexHints, Op, QueryTypes } from 'sequelize';
import type { MembershipRecord, Models } from '../db/models';
import { marks } from '../db/direct-sql';
import { insertRows } from '../db/insert-rows';
import type { Tx } from '../db/transaction';
import { prefixCursorOf, prefixSearch, type PrefixHit } from '../db/search';

export type { MembershipRecord };
export type MembershipKey = Pick<MembershipRecord, 'id' | 'user_id' | 'role_key' | 'status' | 'source'>;
/** A membership with every role it holds, sorted by rank (highest first), then key. */
export type MembershipWithRoles = MembershipRecord & { roles: string[] };
export type MemberView = MembershipWithRoles & { email: string; name: string | null };

export class MembersRepository {
  constructor(private readonly models: Models) {}

  /** `roleKeys`: every role held (default: just `row.role_key`, which must be the highest of them). */
  async insert(row: Omit<MembershipRecord, 'created_at' | 'updated_at'>, tx: Tx, roleKeys: string[] = [row.role_key]): Promise<MembershipRecord> {
    const created = (await this.models.Membership.create(row, { transaction: tx.transaction })).get({ plain: true });
    await this.insertRoles(roleKeys.map((key) => [row.id, key, row.organization_id]), tx);
    return created;
  }

  /** Memberships holding one role each (directory ingest). */
  async insertMany(rows: Array<Omit<MembershipRecord, 'created_at' | 'updated_at'>>, tx: Tx): Promise<void> {
    await insertRows(this.models.Membership, rows, tx);
    await this.insertRoles(rows.map((r) => [r.id, r.role_key, r.organization_id]), tx);
  }

  private async insertRoles(rows: Array<[membershipId: string, roleKey: string, organizationId: string]>, tx: Tx): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await tx.sql.run(`INSERT INTO membership_roles (membership_id, role_key, organization_id) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flat(), tx);
    }
  }

  /** Replaces the roles a membership holds; `highest` (one of them) becomes its `role_key`. */
  async replaceRoles(membership: Pick<MembershipRecord, 'id' | 'organization_id'>, roleKeys: string[], highest: string, tx: Tx): Promise<void> {
    await this.models.Membership.update({ role_key: highest }, { where: { id: membership.id }, transaction: tx.transaction });
    await tx.sql.run('DELETE FROM membership_roles WHERE membership_id = ?', [membership.id], tx);
    await this.insertRoles(roleKeys.map((key) => [membership.id, key, membership.organization_id]), tx);
  }

  /** The roles of these memberships, each list sorted by rank (highest first), then key. */
  async rolesOf(membershipIds: string[], tx?: Tx): Promise<Map<string, string[]>> {
    const byMembership = new Map<string, string[]>(membershipIds.map((id) => [id, []]));
    if (!membershipIds.length) return byMembership;
    const rows = await this.models.Membership.sequelize!.query<{ membership_id: string; role_key: string }>(
      `SELECT mr.membership_id, mr.role_key FROM membership_roles mr JOIN roles r ON r.organization_id = mr.organization_id AND r.\`key\` = mr.role_key
       WHERE mr.membership_id IN (${marks(membershipIds)}) ORDER BY r.\`rank\` DESC, mr.role_key ASC`,
      { replacements: membershipIds, type: QueryTypes.SELECT, transaction: tx?.transaction },
    );
    for (const row of rows) byMembership.get(row.membership_id)?.push(row.role_key);
    return byMembership;
  }

  async withRoles<M extends MembershipRecord>(memberships: M[], tx?: Tx): Promise<Array<M & { roles: string[] }>> {
    const roles = await this.rolesOf(memberships.map((m) => m.id), tx);
    return memberships.map((m) => ({ ...m, roles: roles.get(m.id) ?? [m.role_key] }));
  }

  async holdsRole(membershipId: string, roleKey: string, tx: Tx): Promise<boolean> {
    const rows = await tx.sql.all('SELECT 1 AS held FROM membership_roles WHERE membership_id = ? AND role_key = ?', [membershipId, roleKey], tx);
    return rows.length > 0;
  }

  async find(organizationId: string, userId: string, tx?: Tx): Promise<MembershipRecord | null> {
    const row = await this.models.Membership.findOne({ where: { organization_id: organizationId, user_id: userId }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async listWithUsers(organizationId: string, limit: number, afterId?: string): Promise<MemberView[]> {
    const rows = await this.models.Membership.findAll({
      where: { organization_id: organizationId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      include: [{ model: this.models.User, as: 'user', attributes: ['email', 'name'], required: true }],
      order: [['id', 'ASC']],
      limit,
      // MariaDB otherwise walks the primary key from the cursor and filters the organization (SQLite ignores hints).
      indexHints: [{ type: IndexHints.FORCE, values: ['memberships_org_id'] }],
    });
    return this.withRoles(
      rows.map((r) => {
        const { user, ...m } = r.get({ plain: true }) as unknown as MembershipRecord & { user: { email: string; name: string | null } };
        return { ...m, email: user.email, name: user.name };
      }),
    );
  }

  /**
   * Members whose email or name starts with `term` (case-insensitive): email matches by email,
   * then name matches by name (db/search.ts#prefixSearch), each user looked up in the
   * organization by `memberships_org_user_unique`; the page is then read like `listWithUsers`.
   */
  async searchWithUsers(organizationId: string, tenantId: string, term: string, limit: number, after?: string): Promise<Array<MemberView & { search_cursor: string }>> {
    const hits = await prefixSearch<PrefixHit & { id: string }>(
      (sql, replacements) => this.models.Membership.sequelize!.query(sql, { replacements, type: QueryTypes.SELECT }),
      {
        dialect: this.models.Membership.sequelize!.getDialect(),
        select: 'm.id, u.id AS user_id, u.email_normalized, u.name_lower',
        from: (hint, join) => `users u${hint} ${join} memberships m ON m.organization_id = ? AND m.user_id = u.id`,
        fromParams: [organizationId],
        tenantId,
        term,
        limit,
        after,
      },
    );
    if (!hits.length) return [];
    const order = new Map(hits.map((h, i) => [h.id, i]));
    const cursors = new Map(hits.map((h) => [h.id, prefixCursorOf(h, term)]));
    const rows = await this.models.Membership.findAll({
      where: { id: hits.map((h) => h.id) },
      include: [{ model: this.models.User, as: 'user', attributes: ['email', 'name'], required: true }],
    });
    const views = rows.map((r) => {
      const { user, ...m } = r.get({ plain: true }) as unknown as MembershipRecord & { user: { email: string; name: string | null } };
      return { ...m, email: user.email, name: user.name, search_cursor: cursors.get(m.id)! };
    });
    views.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return this.withRoles(views);
  }

  /** The memberships of these users (a directory sync's hot path: straight to the driver). */
  findMany(organizationId: string, userIds: string[], tx: Tx): Promise<MembershipKey[]> {
    if (!userIds.length) return Promise.resolve([]);
    // MariaDB sought `(organization_id, user_id)` by the organization alone and checked every
    // member's id (its CPU per created user went 1.0 → 2.9 ms by 50,000 members).
    return tx.sql.all<MembershipKey>(
      `SELECT id, user_id, role_key, status, source FROM memberships${tx.sql.forceIndex('memberships_user')} WHERE organization_id = ? AND user_id IN (${marks(userIds)})`,
      [organizationId, ...userIds],
      tx,
    );
  }

  async listForUser(userId: string): Promise<MembershipWithRoles[]> {
    const rows = await this.models.Membership.findAll({ where: { user_id: userId }, order: [['id', 'ASC']] });
    return this.withRoles(rows.map((r) => r.get({ plain: true })));
  }

  /** Active members holding `owner` among their roles. */
  async countActiveOwners(organizationId: string, tx: Tx): Promise<number> {
    const [row] = await tx.sql.all<{ n: number }>(
      "SELECT COUNT(*) AS n FROM membership_roles mr JOIN memberships m ON m.id = mr.membership_id WHERE mr.organization_id = ? AND mr.role_key = 'owner' AND m.status = 'active'",
      [organizationId],
      tx,
    );
    return Number(row?.n ?? 0);
  }

  /** The organizations where the user is an active owner. */
  async orgsOwnedBy(userId: string, tx: Tx): Promise<string[]> {
    const rows = await tx.sql.all<{ organization_id: string }>(
      "SELECT m.organization_id FROM memberships m JOIN membership_roles mr ON mr.membership_id = m.id AND mr.role_key = 'owner' WHERE m.user_id = ? AND m.status = 'active'",
      [userId],
      tx,
    );
    return rows.map((r) => r.organization_id);
  }

  /** A new `role_key` replaces every role held by that one (directories and SAML JIT map one role). */
  async update(id: string, changes: Partial<Pick<MembershipRecord, 'role_key' | 'status' | 'source'>>, tx: Tx): Promise<void> {
    await this.models.Membership.update(changes, { where: { id }, transaction: tx.transaction });
    if (changes.role_key === undefined) return;
    await tx.sql.run('DELETE FROM membership_roles WHERE membership_id = ?', [id], tx);
    await tx.sql.run('INSERT INTO membership_roles (membership_id, role_key, organization_id) SELECT id, role_key, organization_id FROM memberships WHERE id = ?', [id], tx);
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.Membership.destroy({ where: { id }, transaction: tx.transaction });
  }
}
