import type { DomainsService } from '../domains/domains.service';
import { ValidationError } from '../shared/errors';

/**
 * What SAML JIT and SCIM linking need from the domains work: among `candidateOrgIds`, the organization whose
 * verified domain matches the email's domain most specifically (the exact domain, or a parent
 * domain verified with include_subdomains).
 */
export interface VerifiedDomainsPort {
  organizationForEmail(tenantId: string, email: string, candidateOrgIds: string[]): Promise<{ organizationId: string } | null>;
  /**
   * For each email, the organization owning its most specific verified domain, or null. SCIM
   * uses it to decide whether a directory may link an existing tenant user.
   */
  verifiedOwnersOf(tenantId: string, emails: string[]): Promise<Map<string, string | null>>;
}

/**
 * The domains service's answer. A verified domain has one owner per tenant, so the most
 * specific match overall is the one that counts; it must belong to a candidate.
 */
export class VerifiedDomainsFromDomains implements VerifiedDomainsPort {
  constructor(private readonly domains: DomainsService) {}

  async organizationForEmail(tenantId: string, email: string, candidateOrgIds: string[]): Promise<{ organizationId: string } | null> {
    try {
      const { match } = await this.domains.findVerifiedOrganizationFor(tenantId, email);
      return match && candidateOrgIds.includes(match.organizationId) ? { organizationId: match.organizationId } : null;
    } catch (err) {
      if (err instanceof ValidationError) return null;
      throw err;
    }
  }

  verifiedOwnersOf(tenantId: string, emails: string[]): Promise<Map<string, string | null>> {
    return this.domains.verifiedOwnersOf(tenantId, emails);
  }
}
