import { Op } from 'sequelize';
import type { Models, OidcPayloadRecord } from '../db/models';
import type { DirectSql } from '../db/direct-sql';

export type { OidcPayloadRecord };

const COLUMNS = 'model, id, tenant_id, payload, grant_id, uid, user_code, expires_at, consumed_at';

/** A DATETIME as the driver answers it: a Date on MySQL/MariaDB, Sequelize's text form on SQLite. */
const dateOf = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));

/**
 * oidc-provider's stored artifacts (see adapter.ts), one row per (model, id). The statements of
 * every token request (find, consume, upsert, the grant's organization) go straight to the
 * driver (DirectSql): a refresh runs several of them.
 */
export class OidcPayloadsRepository {
  constructor(
    private readonly models: Models,
    private readonly sql: DirectSql,
  ) {}

  async upsert(row: Omit<OidcPayloadRecord, 'consumed_at'>): Promise<void> {
    const values = [row.model, row.id, row.tenant_id, row.payload, row.grant_id, row.uid, row.user_code, row.expires_at];
    const update = ['tenant_id', 'payload', 'grant_id', 'uid', 'user_code', 'expires_at'];
    const onConflict =
      this.sql.dialect === 'mysql'
        ? `ON DUPLICATE KEY UPDATE ${update.map((c) => `${c} = VALUES(${c})`).join(', ')}, consumed_at = NULL`
        : `ON CONFLICT (model, id) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}, consumed_at = NULL`;
    await this.sql.run(`INSERT INTO oidc_payloads (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) ${onConflict}`, values);
  }

  async findBy(model: string, where: { id: string } | { uid: string } | { user_code: string }): Promise<OidcPayloadRecord | null> {
    const [column, value] = Object.entries(where)[0] as [string, string];
    const rows = await this.sql.all<OidcPayloadRecord>(`SELECT ${COLUMNS} FROM oidc_payloads WHERE model = ? AND ${column} = ? LIMIT 1`, [model, value]);
    const row = rows[0];
    return row ? { ...row, expires_at: dateOf(row.expires_at), consumed_at: dateOf(row.consumed_at) } : null;
  }

  async consume(model: string, id: string, at: Date): Promise<void> {
    await this.sql.run('UPDATE oidc_payloads SET consumed_at = ? WHERE model = ? AND id = ?', [at, model, id]);
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.sql.run('DELETE FROM oidc_payloads WHERE model = ? AND id = ?', [model, id]);
  }

  async destroyGrant(model: string, grantId: string): Promise<void> {
    await this.sql.run('DELETE FROM oidc_payloads WHERE model = ? AND grant_id = ?', [model, grantId]);
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
    const rows = await this.sql.all<{ user_id: string; organization_id: string | null }>('SELECT user_id, organization_id FROM oidc_grant_organizations WHERE grant_id = ?', [grantId]);
    const row = rows[0];
    return row ? { userId: row.user_id, organizationId: row.organization_id } : null;
  }
}
