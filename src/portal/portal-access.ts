import { nullUnlessUnavailable } from '../db/db-errors';
import { TENANT_ADMIN } from '../access/tenant-roles.service';
import type { TenantRecord } from '../db/models';
import type { OrganizationRole, SessionsService } from '../sessions/sessions.service';
import type { TenantsService } from '../tenants/tenants.service';

/** The organization roles that open an organization's portal pages to a member. */
const ORG_ADMIN_ROLES = ['owner', 'admin'] as const;

/** Who is looking at the portal, and what they may administer. */
export interface PortalViewer {
  tenant: TenantRecord;
  user: { id: string; email: string; name: string | null };
  /** The session's id hash (the CSRF token is bound to it). */
  sessionIdHash: string;
  /** `tenant_role: "admin"`: every organization of the tenant, and creating them. */
  tenantAdmin: boolean;
  /** The organizations where the viewer is an active owner or admin (any of its roles). */
  administers: OrganizationRole[];
}

export type PortalAccessAnswer =
  | { kind: 'no-tenant' }
  | { kind: 'signed-out'; tenant: TenantRecord }
  | { kind: 'viewer'; viewer: PortalViewer };

/**
 * The portal's guard: the hosted login's session (cookie `ob_session`), its user and their
 * memberships. Tenant admins see everything; an organization's owners and admins see only
 * their organizations; anyone else signed in gets a 403 page.
 */
export class PortalAccess {
  constructor(
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsService,
  ) {}

  async resolve(tenantKey: string, sessionCookie: string | undefined): Promise<PortalAccessAnswer> {
    const tenant = await this.tenants.find(tenantKey);
    if (!tenant) return { kind: 'no-tenant' };
    const session = await this.sessions.signedIn(tenant.id, sessionCookie);
    if (!session) return { kind: 'signed-out', tenant };
    const me = await nullUnlessUnavailable(this.sessions.meOf(tenant.id, session.userId, null));
    if (!me) return { kind: 'signed-out', tenant };
    const administers = administeredAmong(me.organizations);
    return {
      kind: 'viewer',
      viewer: {
        tenant,
        user: me.user,
        sessionIdHash: session.idHash,
        tenantAdmin: session.tenantRole === TENANT_ADMIN,
        administers,
      },
    };
  }
}

/** The organizations (of `/me`) where the person is an owner or admin: the ones whose portal pages open to them. */
export function administeredAmong(organizations: OrganizationRole[]): OrganizationRole[] {
  return organizations.filter((o) => o.roles.some((r) => (ORG_ADMIN_ROLES as readonly string[]).includes(r)));
}

/** Whether the viewer may open the organization's pages. */
export function mayAdminister(viewer: PortalViewer, organizationId: string): boolean {
  return viewer.tenantAdmin || viewer.administers.some((o) => o.id === organizationId);
}

/** Whether the viewer may use the portal at all. */
export function mayUsePortal(viewer: PortalViewer): boolean {
  return viewer.tenantAdmin || viewer.administers.length > 0;
}

/**
 * Whether the viewer may give or take the `owner` role in the organization: its owners and tenant
 * admins only (an organization admin could otherwise promote themselves, directly or through a
 * directory's role mapping or an invitation).
 */
export function mayGiveOwner(viewer: PortalViewer, organizationId: string): boolean {
  return viewer.tenantAdmin || viewer.administers.some((o) => o.id === organizationId && o.roles.includes('owner'));
}
