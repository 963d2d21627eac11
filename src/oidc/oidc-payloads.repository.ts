import { Op } from 'sequelize';
import type { Models, OidcPayloadRecord } from '../db/models';

export type { OidcPayloadRecord };

/** oidc-provider's stored artifacts (see adapter.ts), one row per (model, id). */
export class OidcPayloadsRepository {
  constructor(private readonly models: Models) {}

  async upsert(row: Omit<OidcPayloadRecord, 'consumed_at'>): Promise<void> {
    await this.models.OidcPayload.upsert({ ...row, consumed_at: null });
  }

  async findBy(model: string, where: { id: string } | { uid: string } | { user_code: string }): Promise<OidcPayloadRecord | null> {
    const row = await this.models.OidcPayload.findOne({ where: { model, ...where } });
    return row ? row.get({ plain: true }) : null;
  }

  async consume(model: string, id: string, at: Date): Promise<void> {
    await this.models.OidcPayload.update({ consumed_at: at }, { where: { model, id } });
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.models.OidcPayload.destroy({ where: { model, id } });
  }

  async destroyGrant(model: string, grantId: string): Promise<void> {
    await this.models.OidcPayload.destroy({ where: { model, grant_id: grantId } });
  }

  /** Every grant of a user in a tenant (for revoking them when the user is blocked or removed). */
  async grantIdsOf(tenantId: string, userId: string): Promise<string[]> {
    const rows = await this.models.OidcGrantOrganization.findAll({ attributes: ['grant_id'], where: { tenant_id: tenantId, user_id: userId } });
    return rows.map((r) => r.grant_id);
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.models.OidcPayload.destroy({ where: { expires_at: { [Op.lt]: now } } });
    await this.models.OidcGrantOrganization.destroy({ where: { expires_at: { [Op.lt]: now } } });
  }

  // The organization a grant's tokens are for.
  async setGrantOrganization(row: { grant_id: string; tenant_id: string; user_id: string; organization_id: string | null; expires_at: Date }): Promise<void> {
    await this.models.OidcGrantOrganization.upsert(row);
  }

  async grantOrganization(grantId: string): Promise<{ userId: string; organizationId: string | null } | null> {
    const row = await this.models.OidcGrantOrganization.findOne({ where: { grant_id: grantId } });
    return row ? { userId: row.user_id, organizationId: row.organization_id } : null;
  }
}
