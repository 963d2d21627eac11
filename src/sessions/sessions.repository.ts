import { Op } from 'sequelize';
import type { Models, SessionRecord } from '../db/models';
import type { Tx } from '../db/transaction';

export type { SessionRecord };

export class SessionsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<SessionRecord, 'created_at'>, tx: Tx): Promise<void> {
    await this.models.Session.create(row, { transaction: tx.transaction });
  }

  async find(idHash: string): Promise<SessionRecord | null> {
    const row = await this.models.Session.findByPk(idHash);
    return row ? row.get({ plain: true }) : null;
  }

  async setOrganization(idHash: string, organizationId: string | null): Promise<void> {
    await this.models.Session.update({ organization_id: organizationId }, { where: { id_hash: idHash } });
  }

  async delete(idHash: string): Promise<void> {
    await this.models.Session.destroy({ where: { id_hash: idHash } });
  }

  /** Every session of the user but `keepIdHash` (after a password change). */
  async deleteOthersOfUser(userId: string, keepIdHash: string, tx: Tx): Promise<number> {
    return this.models.Session.destroy({ where: { user_id: userId, id_hash: { [Op.ne]: keepIdHash } }, transaction: tx.transaction });
  }
}
