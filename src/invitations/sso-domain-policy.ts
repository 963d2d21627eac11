/**
 * Which organization an email's domain belongs to when that organization signs in with SSO
 * (a verified domain and a connection). Implemented by the domains/SSO work; until then
 * no domain is claimed.
 */
export interface SsoDomainPolicy {
  ssoOrganizationFor(tenantId: string, email: string): Promise<{ organizationId: string; name: string } | null>;
}

export const NO_SSO_DOMAINS: SsoDomainPolicy = { ssoOrganizationFor: async () => null };
