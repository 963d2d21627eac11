import type { SsoDomainPolicy } from '../invitations/sso-domain-policy';
import type { OrgsService } from '../orgs/orgs.service';
import type { ConnectionsService } from './connections.service';
import type { VerifiedDomainsPort } from './verified-domains-port';

/**
 * Invitations' SSO-domain rule, answered by SSO: the organization that signs in with SSO
 * (has a linked connection) and whose verified domain matches the email most specifically.
 */
export class InvitationSsoPolicy implements SsoDomainPolicy {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly domains: VerifiedDomainsPort,
    private readonly orgs: OrgsService,
  ) {}

  async ssoOrganizationFor(tenantId: string, email: string): Promise<{ organizationId: string; name: string } | null> {
    const candidates = await this.connections.organizationsWithConnections(tenantId);
    const match = candidates.length ? await this.domains.organizationForEmail(tenantId, email, candidates) : null;
    if (!match) return null;
    const org = await this.orgs.get(tenantId, match.organizationId);
    return { organizationId: org.id, name: org.name };
  }
}
