import type { Database } from '../db/transaction';

export interface HeldRoleRow {
  status: string;
  blocked: number | boolean;
  inherit: number | boolean;
  role_key: string;
  permissions: string;
}

/** Parameters: organization id, user id, tenant id. */
export const HELD_ROLES_SQL = `SELECT m.status, u.blocked, t.inherit_global_permissions_in_organizations AS inherit, mr.role_key, r.permissions
  FROM memberships m
  JOIN users u ON u.id = m.user_id
  JOIN tenants t ON t.id = u.tenant_id
  JOIN organizations o ON o.id = m.organization_id AND o.tenant_id = u.tenant_id
  JOIN membership_roles mr ON mr.membership_id = m.id
  JOIN roles r ON r.organization_id = mr.organization_id AND r.\`key\` = mr.role_key
  WHERE m.organization_id = ? AND m.user_id = ? AND u.tenant_id = ?
  ORDER BY r.\`rank\` DESC, mr.role_key ASC`;

export const TENANT_PERMISSIONS_SQL =
  'SELECT tr.permissions FROM user_tenant_roles utr JOIN tenant_roles tr ON tr.tenant_id = utr.tenant_id AND tr.`key` = utr.role_key WHERE utr.user_id = ?';

/** The statements behind effective access: straight to the driver (they run on every token refresh). */
export class AccessRepository {
  constructor(private readonly db: Database) {}

  /**
   * One row per role the user holds in the organization, highest first (rank, then key), with
   * the membership's status, the user's block and the tenant's inheritance setting. Sought by
   * `memberships_org_user_unique`, then the primary keys of the joined rows.
   */
  heldRoles(tenantId: string, userId: string, organizationId: string): Promise<HeldRoleRow[]> {
    return this.db.sql.all<HeldRoleRow>(HELD_ROLES_SQL, [organizationId, userId, tenantId]);
  }

  /** The permissions (JSON text) of each tenant role the user holds. */
  async tenantPermissions(userId: string): Promise<string[]> {
    const rows = await this.db.sql.all<{ permissions: string }>(TENANT_PERMISSIONS_SQL, [userId]);
    return rows.map((r) => r.permissions);
  }
}
