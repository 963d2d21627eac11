import type { EffectiveAccess } from '../access/access.service';
import type { OrgRecord, UserRecord } from '../db/models';

/** What the ID token, the access token and userinfo say about a person (contract section 8). */
export interface PersonClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  tenant_id: string;
  org_id: string | null;
  org_slug: string | null;
  /** The parent organization when `org_id` is a workspace. */
  parent_org_id: string | null;
  org_role: string | null;
  roles: string[];
  permissions: string[];
}

export const PERSON_CLAIMS = ['email', 'email_verified', 'name', 'tenant_id', 'org_id', 'org_slug', 'parent_org_id', 'org_role', 'roles', 'permissions'] as const;

/**
 * The claims of a user in an organization, or outside any (`org_id: null`). `access` is what
 * AccessService#effectiveAccess answers: `org_role` the highest-rank role, `roles` all held
 * (highest first), `permissions` their union plus inherited tenant-level ones.
 */
export function personClaims(input: {
  tenantId: string;
  user: Pick<UserRecord, 'id' | 'email' | 'name'>;
  org: Pick<OrgRecord, 'id' | 'slug' | 'parent_id'> | null;
  access: EffectiveAccess | null;
}): PersonClaims {
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
    parent_org_id: input.org?.parent_id ?? null,
    org_role: input.access?.role ?? null,
    roles: input.access?.roles ?? [],
    permissions: input.access?.permissions ?? [],
  };
}
