import type { OrgRecord, RoleRecord, UserRecord } from '../db/models';
import { highestRole } from '../orgs/roles.service';

/** What the ID token, the access token and userinfo say about a person (contract section 8). */
export interface PersonClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  tenant_id: string;
  org_id: string | null;
  org_slug: string | null;
  org_role: string | null;
  roles: string[];
  permissions: string[];
}

export const PERSON_CLAIMS = ['email', 'email_verified', 'name', 'tenant_id', 'org_id', 'org_slug', 'org_role', 'roles', 'permissions'] as const;

/**
 * The claims of a user in an organization, or outside any (`org_id: null`). `roleKeys` are the
 * member's roles; `orgRoles` the organization's role definitions. `org_role` is the highest rank,
 * `permissions` the sorted union of the held roles' permissions.
 */
export function personClaims(input: {
  tenantId: string;
  user: Pick<UserRecord, 'id' | 'email' | 'name'>;
  org: Pick<OrgRecord, 'id' | 'slug'> | null;
  roleKeys: string[];
  orgRoles: Array<Pick<RoleRecord, 'key' | 'rank' | 'permissions'>>;
}): PersonClaims {
  const held = input.org ? input.orgRoles.filter((r) => input.roleKeys.includes(r.key)) : [];
  const permissions = new Set(held.flatMap((r) => r.permissions ?? []));
  return {
    sub: input.user.id,
    email: input.user.email,
    // Every account is vouched for by the tenant: made by its admins, an invitation link sent to
    // the address, its directory or its IdP.
    email_verified: true,
    name: input.user.name,
    tenant_id: input.tenantId,
    org_id: input.org?.id ?? null,
    org_slug: input.org?.slug ?? null,
    org_role: highestRole(held)?.key ?? null,
    roles: held.map((r) => r.key).sort(),
    permissions: [...permissions].sort(),
  };
}
