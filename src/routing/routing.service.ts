import type { DomainsService } from '../domains/domains.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { TenantRecord } from '../db/models';
import type { TenantsService } from '../tenants/tenants.service';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { SsoConnectionPort } from './sso-connection-port';

/** Looked up when no domain matches, so that every answer costs one connection lookup. */
const NO_ORGANIZATION = 'org_none';

export type RouteAnswer =
  | { email_domain: string; sso: false }
  | {
      email_domain: string;
      sso: true;
      organization: { id: string; slug: string; name: string };
      connection: { id: string; type: string; name: string };
      login_url: string;
    };

/** Home-realm discovery: email → most specific verified domain → organization → connection. */
export class RoutingService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly domains: DomainsService,
    private readonly orgs: OrgsService,
    private readonly connections: SsoConnectionPort,
  ) {}

  async route(tenantKey: string, email: string): Promise<RouteAnswer> {
    const tenant = await this.tenant(tenantKey);
    const { emailDomain, sso } = await this.resolve(tenant.id, email);
    if (!sso) return { email_domain: emailDomain, sso: false };
    const { org, connection } = sso;
    return {
      email_domain: emailDomain,
      sso: true,
      organization: { id: org.id, slug: org.slug, name: org.name },
      connection: { id: connection.id, type: connection.type, name: connection.name },
      login_url: connection.login_url,
    };
  }

  /**
   * The organization that signs `email` in with SSO, if any: the shape of the invitations
   * work's SsoDomainPolicy, so it can be wired as `ssoDomains` in the container.
   */
  async ssoOrganizationFor(tenantId: string, email: string): Promise<{ organizationId: string; name: string } | null> {
    try {
      const { sso } = await this.resolve(tenantId, email);
      return sso ? { organizationId: sso.org.id, name: sso.org.name } : null;
    } catch (err) {
      if (err instanceof ValidationError) return null;
      throw err;
    }
  }

  private async resolve(tenantId: string, email: string) {
    const { emailDomain, match } = await this.domains.findVerifiedOrganizationFor(tenantId, email);
    // The same steps whether or not a domain matched, so timing does not tell them apart.
    const connection = await this.connections.connectionFor(match?.organizationId ?? NO_ORGANIZATION);
    if (!match || !connection) return { emailDomain, sso: null };
    return { emailDomain, sso: { org: await this.orgs.get(tenantId, match.organizationId), connection } };
  }

  /** Tenants are cached briefly (TenantsService.findCached); domains never are. */
  private async tenant(key: string): Promise<TenantRecord> {
    const tenant = await this.tenants.findCached(key);
    if (!tenant) throw new NotFoundError('tenant', key);
    return tenant;
  }
}
