/**
 * What tenants and organizations need to know about SSO connections, to validate a
 * `default_connection_id`. Implemented by the SSO domain; until connections exist, none match.
 */
export interface ConnectionLookup {
  isTenantConnection(tenantId: string, connectionId: string): Promise<boolean>;
  isLinkedToOrganization(organizationId: string, connectionId: string): Promise<boolean>;
  /** The IdP's sign-in URL of a connection of the tenant, or null (the invitation page's CSP names its origin). */
  idpSsoUrl?(tenantId: string, connectionId: string): Promise<string | null>;
}

export const NO_CONNECTIONS: ConnectionLookup = {
  isTenantConnection: async () => false,
  isLinkedToOrganization: async () => false,
};
