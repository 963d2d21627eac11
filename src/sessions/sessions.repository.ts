import { Op } from 'sequelize';
import type { DirectSql } from '../db/direct-sql';
import type { Models, SessionRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import { findPersonRow, type PersonRow } from '../users/person-row';

/** An active membership of `/me`, with its organization and roles (read in one statement). */
export interface ActiveMembership {
  membership_id: string;
  role_key: string;
  id: string;
  slug: string;
  name: string;
  /** Every role the membership holds, highest rank first, then by key. */
  roles: string[];
}

/** The user `/me` names (only the columns it answers). */
export type MePerson = PersonRow;

export type { SessionRecord };

export class SessionsRepository {
  constructor(
    private readonly models: Models,
    private readonly sql: DirectSql,
  ) {}

  /** The user, straight to the driver (`/me` with an access token runs this on every call). */
  person(tenantId: string, userId: string): Promise<MePerson | null> {
    return findPersonRow(this.sql, tenantId, userId);
  }

  /**
   * The user's active memberships in the tenant's organizations, by membership id, with their
   * organizations and held roles, in one statement straight to the driver (`/me` with an access
   * token runs this on every call). A membership holding no role (a role row without its role
   * is not held: `membership_roles` points at `roles`) answers `roles: []`.
   */
  async activeMemberships(tenantId: string, userId: string): Promise<ActiveMembership[]> {
    const rows = await this.sql.all<Omit<ActiveMembership, 'roles'> & { held: string | null }>(
      `SELECT m.id AS membership_id, m.role_key, o.id, o.slug, o.name, r.\`key\` AS held
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       LEFT JOIN membership_roles mr ON mr.membership_id = m.id
       LEFT JOIN roles r ON r.organization_id = mr.organization_id AND r.\`key\` = mr.role_key
       WHERE m.user_id = ? AND m.status = 'active' AND o.tenant_id = ?
       ORDER BY m.id, r.\`rank\` DESC, mr.role_key ASC`,
      [userId, tenantId],
    );
    const memberships: ActiveMembership[] = [];
    for (const { held, ...row } of rows) {
      let last = memberships[memberships.length - 1];
      if (last?.membership_id !== row.membership_id) memberships.push((last = { ...row, roles: [] }));
      if (held !== null) last.roles.push(held);
    }
    return memberships;
  }

  async insert(row: Omit<SessionRecord, 'created_at'>, tx: Tx): Promise<void> {
    await this.models.Session.create(row, { transaction: tx.transaction });
  }

  async find(idHash: string, tx?: Tx): Promise<SessionRecord | null> {
    const row = await this.models.Session.findByPk(idHash, { transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async setOrganization(idHash: string, organizationId: string | null): Promise<void> {
    await this.models.Session.update({ organization_id: organizationId }, { where: { id_hash: idHash } });
  }

  async setAmr(idHash: string, amr: string, tx: Tx): Promise<void> {
    await this.models.Session.update({ amr }, { where: { id_hash: idHash }, transaction: tx.transaction });
  }

  async delete(idHash: string): Promise<void> {
    await this.models.Session.destroy({ where: { id_hash: idHash } });
  }

  /** Every session of the user but `keepIdHash` (after a password change). */
  async deleteOthersOfUser(userId: string, keepIdHash: string, tx: Tx): Promise<number> {
    return this.models.Session.destroy({ where: { user_id: userId, id_hash: { [Op.ne]: keepIdHash } }, transaction: tx.transaction });
  }
}
