import { Op, UniqueConstraintError } from 'sequelize';
import type { Models, SamlRequestRecord } from '../db/models';
import type { Tx } from '../db/transaction';

/**
 * The database-backed state of SAML sign-ins, shared by every orgbridge process: the
 * AuthnRequests issued (InResponseTo must name one, once) and the assertion IDs accepted.
 */
export class RequestIdCache {
  constructor(private readonly models: Models) {}

  async saveRequest(row: Omit<SamlRequestRecord, 'consumed_at' | 'created_at'>): Promise<void> {
    await this.models.SamlRequest.create({ ...row, consumed_at: null });
  }

  /**
   * Marks the request used and returns it; null when unknown, expired, for another connection
   * or already used. The conditional UPDATE lets only one of two racing ACS calls win.
   */
  async consume(id: string, connectionId: string, now: Date, tx: Tx): Promise<SamlRequestRecord | null> {
    const [count] = await this.models.SamlRequest.update(
      { consumed_at: now },
      { where: { id, connection_id: connectionId, consumed_at: null, expires_at: { [Op.gt]: now } }, transaction: tx.transaction },
    );
    if (count !== 1) return null;
    return (await this.models.SamlRequest.findByPk(id, { transaction: tx.transaction }))!.get({ plain: true });
  }

  /** Records an accepted assertion ID; false when it was accepted before (a replay). */
  async rememberAssertion(connectionId: string, assertionId: string, expiresAt: Date, tx: Tx): Promise<boolean> {
    try {
      await this.models.SamlAssertionId.create(
        { connection_id: connectionId, assertion_id: assertionId, expires_at: expiresAt },
        { transaction: tx.transaction },
      );
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintError) return false;
      throw err;
    }
  }

  /** Drops requests and assertion IDs that can no longer matter. */
  async purge(before: Date): Promise<void> {
    await this.models.SamlRequest.destroy({ where: { expires_at: { [Op.lt]: before } } });
    await this.models.SamlAssertionId.destroy({ where: { expires_at: { [Op.lt]: before } } });
  }
}
