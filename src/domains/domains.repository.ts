import { Op, QueryTypes } from 'sequelize';
import type { DomainRecord, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { DomainRecord };
export type DomainInsert = Omit<DomainRecord, 'created_at' | 'updated_at' | 'consecutive_failures'>;
export type DomainChanges = Partial<
  Pick<DomainRecord, 'status' | 'method' | 'verified_key' | 'verified_at' | 'last_checked_at' | 'consecutive_failures' | 'next_check_at'>
>;
/** What routing needs of a verified domain. */
export type VerifiedDomain = Pick<DomainRecord, 'organization_id' | 'domain' | 'include_subdomains'> & { verified_key: string };

/** The unique key a verified domain holds: one verified owner per (tenant, domain). */
import { verifiedKey } from './normalize';

export { verifiedKey };

export class DomainsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: DomainInsert, tx: Tx): Promise<DomainRecord> {
    return (await this.models.Domain.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  /** With `tx`, the row stays locked until the transaction ends. */
  async find(organizationId: string, id: string, tx?: Tx): Promise<DomainRecord | null> {
    const row = await this.models.Domain.findOne({
      where: { organization_id: organizationId, id },
      transaction: tx?.transaction,
      ...(tx ? { lock: tx.transaction.LOCK.UPDATE } : {}),
    });
    return row ? row.get({ plain: true }) : null;
  }

  async list(organizationId: string, limit: number, afterId?: string): Promise<DomainRecord[]> {
    const rows = await this.models.Domain.findAll({
      where: { organization_id: organizationId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async findVerifiedOwner(tenantId: string, domain: string): Promise<string | null> {
    const row = await this.models.Domain.findOne({
      attributes: ['organization_id'],
      where: { verified_key: verifiedKey(tenantId, domain) },
      raw: true,
    });
    return row?.organization_id ?? null;
  }

  /**
   * One indexed point lookup per key (the unique verified_key index), in one query. Plain SQL:
   * this is the hot path of login routing, and Sequelize's query building costs twice the query.
   */
  async findVerified(keys: string[]): Promise<VerifiedDomain[]> {
    const rows = await this.models.Domain.sequelize!.query<VerifiedDomain>(
      'SELECT organization_id, domain, include_subdomains, verified_key FROM domains WHERE verified_key IN (:keys)',
      { replacements: { keys }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({ ...r, include_subdomains: Boolean(r.include_subdomains) }));
  }

  async update(id: string, changes: DomainChanges, tx: Tx): Promise<void> {
    await this.models.Domain.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.Domain.destroy({ where: { id }, transaction: tx.transaction });
  }

  /** Verified domains whose next check is due, oldest first. */
  async findDue(now: Date, limit: number): Promise<DomainRecord[]> {
    const rows = await this.models.Domain.findAll({
      where: { status: 'verified', next_check_at: { [Op.lte]: now } },
      order: [['next_check_at', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /**
   * Claims one due check by moving `next_check_at` on, only if nobody moved it first: of
   * several processes racing for the same domain, exactly one gets `true`.
   */
  async claim(domain: DomainRecord, next: Date): Promise<boolean> {
    const [count] = await this.models.Domain.update(
      { next_check_at: next },
      { where: { id: domain.id, status: 'verified', next_check_at: domain.next_check_at } },
    );
    return count === 1;
  }
}
