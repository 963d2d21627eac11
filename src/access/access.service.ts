import { NotFoundError } from '../shared/errors';
import type { AccessRepository } from './access.repository';

/** What a token carries about a user in an organization (OIDC claims `org_role`, `roles`, `permissions`). */
export interface EffectiveAccess {
  /** The highest-rank role (ties: the key that sorts first). */
  role: string;
  /** Every role key held, highest first. */
  roles: string[];
  /** The union of those roles' permissions, plus the tenant-level ones when the tenant inherits them; sorted. */
  permissions: string[];
}

/** Ways to ask who a member is that the service cannot answer alone (the admin routes resolve ids and slugs). */
export interface MembershipProbe {
  isMember(organizationId: string, userId: string): Promise<boolean>;
}

export class AccessService {
  constructor(
    private readonly repo: AccessRepository,
    private readonly probe: MembershipProbe,
  ) {}

  /**
   * The user's access in the organization, or null when there is none: not a member, a
   * suspended membership, or a blocked user. One statement, a second one only when the tenant
   * adds tenant-level permissions.
   */
  async effectiveAccess(tenantId: string, userId: string, organizationId: string): Promise<EffectiveAccess | null> {
    const rows = await this.repo.heldRoles(tenantId, userId, organizationId);
    const first = rows[0];
    if (!first || first.status !== 'active' || Boolean(Number(first.blocked))) return null;
    const permissions = new Set<string>();
    for (const row of rows) for (const p of parseList(row.permissions)) permissions.add(p);
    if (Boolean(Number(first.inherit))) {
      for (const list of await this.repo.tenantPermissions(userId)) for (const p of parseList(list)) permissions.add(p);
    }
    const roles = rows.map((r) => r.role_key);
    return { role: roles[0]!, roles, permissions: [...permissions].sort() };
  }

  /**
   * `GET /users/{id}/permissions?organization=`: a non-member is 404 (as the organization's
   * member routes answer); a suspended member or blocked user holds nothing.
   */
  async lookup(tenantId: string, userId: string, organizationId: string): Promise<{ roles: string[]; permissions: string[] }> {
    const access = await this.effectiveAccess(tenantId, userId, organizationId);
    if (access) return { roles: access.roles, permissions: access.permissions };
    if (!(await this.probe.isMember(organizationId, userId))) throw new NotFoundError('member', userId);
    return { roles: [], permissions: [] };
  }

  /** Exact match: a permission string is allowed when the effective permissions contain it. */
  async check(tenantId: string, userId: string, organizationId: string, permission: string): Promise<boolean> {
    const access = await this.effectiveAccess(tenantId, userId, organizationId);
    return access !== null && access.permissions.includes(permission);
  }
}

function parseList(text: string | null): string[] {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
