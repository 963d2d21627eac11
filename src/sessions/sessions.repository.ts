import { Op } from 'sequelize';
import type { DirectSql } from '../db/direct-sql';
import type { Models, SessionRecord } from '../db/models';
import type { Tx } from '../db/transaction';

/** An active membership of `/me`, with its organization (read in one statement). */
export interface ActiveMembershipRow {
  membership_id: string;
  role_key: string;
  id: string;
  slug: string;
  name: string;
}

export type { SessionRecord };

export class SessionsRepository {
  constructor(
    private readonly models: Models,
    private readonly sql: DirectSql,
  ) {}

  /**
   * The user's active memberships in the tenant's organizations, by membership id, straight to
   * the driver (`/me` with an access token runs this on every call).
   */
  activeMemberships(tenantId: string, userId: string): Promise<ActiveMembershipRow[]> {
    return this.sql.all<ActiveMembershipRow>(
      `SELECT m.id AS membership_id, m.role_key, o.id, o.slug, o.name FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = ? AND m.status = 'active' AND o.tenant_id = ? ORDER BY m.id`,
      [userId, tenantId],
    );
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
