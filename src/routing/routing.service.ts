import { jsonColumn } from '../db/direct-sql';
import type { TenantRecord } from '../db/models';
import { emailDomain, mostSpecificMatch, routingCandidates, verifiedKey } from '../domains/normalize';
import { KeyBatcher } from '../shared/batcher';
import { NotFoundError, ValidationError } from '../shared/errors';
import { spUrls } from '../sso/sp-urls';
import type { TenantsService } from '../tenants/tenants.service';
import type { RouteRow, RoutingRepository } from './routing.repository';

export type RouteAnswer =
  | { email_domain: string; sso: false }
  | {
      email_domain: string;
      sso: true;
      organization: { id: string; slug: string; name: string };
      connection: { id: string; type: string; name: string };
      login_url: string;
    };

type SsoRoute = Extract<RouteAnswer, { sso: true }>;

/** Home-realm discovery: email → most specific verified domain → organization → its SAML connection. */
export class RoutingService {
  /** Lookups made at the same time share one query (see KeyBatcher). */
  private readonly lookups: KeyBatcher<RouteRow>;

  constructor(
    private readonly tenants: TenantsService,
    repo: RoutingRepository,
    private readonly publicUrl: string,
  ) {
    this.lookups = new KeyBatcher((keys) => repo.findByKeys(keys), (row) => row.verified_key);
  }

  async route(tenantKey: string, email: string): Promise<RouteAnswer> {
    const tenant = await this.tenants.findCached(tenantKey);
    if (!tenant) throw new NotFoundError('tenant', tenantKey);
    const domain = emailDomain(email);
    if (!domain) throw new ValidationError('email is not a valid address', { details: [{ path: 'email', message: 'malformed address' }] });
    return (await this.resolve(tenant, domain)) ?? { email_domain: domain, sso: false };
  }

  /**
   * The organization that signs `email` in with SSO, if any (the invitations' SSO-domain rule:
   * such people must come through their organization's SSO, not an invitation).
   */
  async ssoOrganizationFor(tenantId: string, email: string): Promise<{ organizationId: string; name: string } | null> {
    const tenant = await this.tenants.findCached(tenantId);
    const domain = emailDomain(email);
    if (!tenant || !domain) return null;
    const route = await this.resolve(tenant, domain);
    return route ? { organizationId: route.organization.id, name: route.organization.name } : null;
  }

  private async resolve(tenant: TenantRecord, domain: string): Promise<SsoRoute | null> {
    const candidates = routingCandidates(domain);
    const rows = await this.lookups.load(candidates.map((c) => verifiedKey(tenant.id, c)));
    const match = mostSpecificMatch(candidates, rows);
    if (!match) return null;
    const linked = rows.filter((r) => r.organization_id === match.organization_id && r.connection_id);
    const preferred = defaultConnectionId(match.org_auth_settings) ?? defaultConnectionId(tenant.auth_settings);
    const chosen = linked.find((r) => r.connection_id === preferred) ?? (new Set(linked.map((r) => r.connection_id)).size === 1 ? linked[0] : undefined);
    if (!chosen) return null;
    return {
      email_domain: domain,
      sso: true,
      organization: { id: match.organization_id, slug: match.org_slug, name: match.org_name },
      connection: { id: chosen.connection_id!, type: 'saml', name: chosen.connection_name! },
      login_url: spUrls(this.publicUrl, tenant.slug, chosen.connection_id!).start_url,
    };
  }
}

/** An organization's (or tenant's) `default_connection_id`; null inherits. */
function defaultConnectionId(authSettings: string | Record<string, unknown> | null): string | null {
  const settings = jsonColumn(authSettings);
  const id = settings?.default_connection_id;
  return typeof id === 'string' ? id : null;
}
