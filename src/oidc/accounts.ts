import { nullUnlessUnavailable } from '../db/db-errors';
import type { AccessService } from '../access/access.service';
import type { OrgRecord } from '../db/models';
import type { MembersService } from '../orgs/members.service';
import type { OrgsService } from '../orgs/orgs.service';
import { effectiveSettings, fullAuthSettings, fullBranding, type Branding, type EffectiveAuthSettings } from '../tenants/settings';
import type { TenantsService } from '../tenants/tenants.service';
import type { ClaimsOrganization, OidcAccountsRepository } from './accounts.repository';
import { personClaims, type PersonClaims } from './claims';

/** What an organization contributes to the effective settings. */
type SettingsSource = Pick<ClaimsOrganization, 'tenant_id' | 'branding' | 'auth_settings'>;

/**
 * Reads, every time it is asked, who a token's user is now and what they hold in an
 * organization: a blocked user, a missing or suspended membership or a deleted organization
 * gives null (the token endpoint then answers invalid_grant, introspection active:false).
 */
export class OidcAccounts {
  constructor(
    private readonly members: MembersService,
    private readonly orgs: OrgsService,
    private readonly access: AccessService,
    private readonly tenants: TenantsService,
    private readonly repo: OidcAccountsRepository,
  ) {}

  /** The effective branding and auth settings in an organization (the tenant's outside any). */
  async settings(tenantId: string, organizationId: string | null): Promise<{ branding: Branding; auth_settings: EffectiveAuthSettings }> {
    const org = organizationId ? ((await this.repo.organization(organizationId)) ?? undefined) : undefined;
    return this.settingsWith(tenantId, org);
  }

  /** `settings` for an organization already read (an organization of another tenant counts as none). */
  async settingsWith(tenantId: string, org: SettingsSource | undefined): Promise<{ branding: Branding; auth_settings: EffectiveAuthSettings }> {
    const tenant = await this.tenants.findCached(tenantId);
    const settingsOf = (r: { branding: Record<string, unknown> | null; auth_settings: Record<string, unknown> | null }) => ({
      branding: fullBranding(r.branding),
      auth_settings: fullAuthSettings(r.auth_settings),
    });
    const tenantSettings = tenant ? settingsOf(tenant) : settingsOf({ branding: null, auth_settings: null });
    return effectiveSettings(org && org.tenant_id === tenantId ? settingsOf(org) : null, tenantSettings);
  }

  /** The claims only (userinfo, `/me`, introspection): no settings merge. */
  async claims(tenantId: string, userId: string, organizationId: string | null): Promise<PersonClaims | null> {
    return (await this.claimsWithOrganization(tenantId, userId, organizationId))?.claims ?? null;
  }

  /** `claims`, and the effective auth settings where they apply (one read of the organization). */
  async claimsAndSettings(tenantId: string, userId: string, organizationId: string | null): Promise<{ claims: PersonClaims; authSettings: EffectiveAuthSettings } | null> {
    const found = await this.claimsWithOrganization(tenantId, userId, organizationId);
    return found && { claims: found.claims, authSettings: (await this.settingsWith(tenantId, found.org)).auth_settings };
  }

  private async claimsWithOrganization(tenantId: string, userId: string, organizationId: string | null): Promise<{ claims: PersonClaims; org: ClaimsOrganization | undefined } | null> {
    const user = await this.repo.person(tenantId, userId);
    if (!user || user.blocked) return null;
    if (!organizationId) return { claims: personClaims({ tenantId, user, org: null, access: null }), org: undefined };
    const org = await this.repo.organization(organizationId);
    if (!org || org.tenant_id !== tenantId) return null;
    const access = await this.access.effectiveAccess(tenantId, user.id, org.id);
    if (!access) return null;
    return { claims: personClaims({ tenantId, user, org, access }), org };
  }

  /** The organization `key` (id or slug) names in the tenant, or null. */
  organization(tenantId: string, key: string): Promise<OrgRecord | null> {
    return nullUnlessUnavailable(this.orgs.get(tenantId, key));
  }

  /** The organizations the user is an active member of, by name. */
  async activeOrganizations(tenantId: string, userId: string): Promise<OrgRecord[]> {
    const active = (await this.members.listForUser(userId)).filter((m) => m.status === 'active');
    const orgs = await this.orgs.findByIds(active.map((m) => m.organization_id));
    return orgs.filter((o) => o.tenant_id === tenantId).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }
}
