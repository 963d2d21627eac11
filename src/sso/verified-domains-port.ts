/**
 * What SAML JIT needs from the domains work: among `candidateOrgIds`, the organization whose
 * verified domain matches the email's domain most specifically (the exact domain, or a parent
 * domain verified with include_subdomains). The domains service provides the real one.
 */
export interface VerifiedDomainsPort {
  organizationForEmail(tenantId: string, email: string, candidateOrgIds: string[]): Promise<{ organizationId: string } | null>;
}

/** Until domains are wired in, no domain is verified, so JIT never creates a membership. */
export const NO_VERIFIED_DOMAINS: VerifiedDomainsPort = { organizationForEmail: async () => null };
