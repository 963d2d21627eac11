import { jsonColumn, type DirectSql } from '../db/direct-sql';
import { findPersonRow, type PersonRow } from '../users/person-row';

export type ClaimsPerson = PersonRow;

export interface ClaimsOrganization {
  id: string;
  tenant_id: string;
  slug: string;
  parent_id: string | null;
  branding: Record<string, unknown> | null;
  auth_settings: Record<string, unknown> | null;
}

/**
 * The two reads behind a token's claims, straight to the driver (DirectSql): they run on every
 * refresh, userinfo, `/me` and introspection. Only the columns the claims and settings need.
 */
export class OidcAccountsRepository {
  constructor(private readonly sql: DirectSql) {}

  person(tenantId: string, userId: string): Promise<ClaimsPerson | null> {
    return findPersonRow(this.sql, tenantId, userId);
  }

  async organization(organizationId: string): Promise<ClaimsOrganization | null> {
    const [row] = await this.sql.all<Omit<ClaimsOrganization, 'branding' | 'auth_settings'> & { branding: string | null; auth_settings: string | null }>(
      'SELECT id, tenant_id, slug, parent_id, branding, auth_settings FROM organizations WHERE id = ?',
      [organizationId],
    );
    if (!row) return null;
    const json = (value: string | null) => (value === null ? null : jsonColumn<Record<string, unknown> | null>(value));
    return { ...row, branding: json(row.branding), auth_settings: json(row.auth_settings) };
  }
}
