import { Op, type WhereOptions } from 'sequelize';
import type { InvitationRecord, InvitationStatus, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { InvitationRecord, InvitationStatus };
/** Issue 22's fields may be left out (old callers, tenant-level invitations). */
type OptionalOnInsert = 'role_keys' | 'connection_id' | 'client_id' | 'return_to' | 'app_metadata' | 'user_metadata' | 'inviter_type' | 'inviter_id';
export type InvitationInsert = Omit<InvitationRecord, 'created_at' | 'updated_at' | 'accepted_user_id' | 'accepted_at' | 'revoked_at' | 'failed_attempts' | OptionalOnInsert> &
  Partial<Pick<InvitationRecord, OptionalOnInsert>>;

export class InvitationsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: InvitationInsert, tx: Tx): Promise<InvitationRecord> {
    const created = await this.models.Invitation.create(row, { transaction: tx.transaction });
    await this.models.InvitationToken.create({ token_hash: row.token_hash, invitation_id: row.id }, { transaction: tx.transaction });
    return created.get({ plain: true });
  }

  /** Within the tenant and scope (an organization, or `null` for tenant level). */
  async find(tenantId: string, organizationId: string | null, id: string, tx?: Tx): Promise<InvitationRecord | null> {
    const row = await this.models.Invitation.findOne({
      where: { id, tenant_id: tenantId, organization_id: organizationId },
      transaction: tx?.transaction,
    });
    return row ? row.get({ plain: true }) : null;
  }

  /** The invitation any link (current or superseded) was issued for. */
  async findByTokenHash(tokenHash: string, tx?: Tx): Promise<InvitationRecord | null> {
    const token = await this.models.InvitationToken.findByPk(tokenHash, { transaction: tx?.transaction });
    if (!token) return null;
    const row = await this.models.Invitation.findByPk(token.invitation_id, { transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  /** `pending` and `expired` are as a reader sees them: a pending invite past its expiry is expired. */
  async list(
    q: { tenantId: string; organizationId: string | null; status?: InvitationStatus; now: Date },
    limit: number,
    afterId?: string,
  ): Promise<InvitationRecord[]> {
    const conditions: WhereOptions<InvitationRecord>[] = [{ tenant_id: q.tenantId, organization_id: q.organizationId }];
    if (afterId) conditions.push({ id: { [Op.gt]: afterId } });
    if (q.status === 'pending') conditions.push({ status: 'pending', expires_at: { [Op.gt]: q.now } });
    else if (q.status === 'expired') {
      conditions.push({ [Op.or]: [{ status: 'expired' }, { status: 'pending', expires_at: { [Op.lte]: q.now } }] });
    } else if (q.status) conditions.push({ status: q.status });
    const rows = await this.models.Invitation.findAll({ where: { [Op.and]: conditions }, order: [['id', 'ASC']], limit });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** A pending invite for the key whose time has run out; it gives way to a new one. */
  async findStalePending(pendingKey: string, now: Date, tx: Tx): Promise<InvitationRecord | null> {
    const row = await this.models.Invitation.findOne({
      where: { pending_key: pendingKey, expires_at: { [Op.lte]: now } },
      transaction: tx.transaction,
    });
    return row ? row.get({ plain: true }) : null;
  }

  /**
   * Moves a pending invitation to `changes.status` only if it is still pending (and, with
   * `current`, still unexpired at that time and on that token). Returns false when another
   * request won.
   */
  async finish(
    id: string,
    changes: Partial<Pick<InvitationRecord, 'status' | 'accepted_user_id' | 'accepted_at' | 'revoked_at'>>,
    tx: Tx,
    current?: { at: Date; tokenHash: string },
  ): Promise<boolean> {
    const [count] = await this.models.Invitation.update(
      { ...changes, pending_key: null },
      {
        where: { id, status: 'pending', ...(current ? { expires_at: { [Op.gt]: current.at }, token_hash: current.tokenHash } : {}) },
        transaction: tx.transaction,
      },
    );
    return count === 1;
  }

  async countFailedAttempt(id: string, tx: Tx): Promise<void> {
    await this.models.Invitation.increment('failed_attempts', { where: { id }, transaction: tx.transaction });
  }

  /** Resend: a new current token and expiry (the old token row stays, so its link answers 410). */
  async renew(id: string, tokenHash: string, expiresAt: Date, tx: Tx): Promise<boolean> {
    const [count] = await this.models.Invitation.update(
      { token_hash: tokenHash, expires_at: expiresAt, failed_attempts: 0 },
      { where: { id, status: 'pending' }, transaction: tx.transaction },
    );
    if (count !== 1) return false;
    await this.models.InvitationToken.create({ token_hash: tokenHash, invitation_id: id }, { transaction: tx.transaction });
    return true;
  }
}
