import type { Models, SessionRecord } from '../db/models';
import type { Tx } from '../db/transaction';

export type { SessionRecord };

export class SessionsRepository {
  constructor(private readonly models: Models) {}

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
}
