/**
 * What routing needs from SSO connections: the connection a sign-in for an organization goes
 * to (its default, or its single linked one). The SSO work implements this; until then no
 * organization has one, and every answer is `sso: false`.
 */
export interface SsoConnectionRef {
  id: string;
  type: string;
  name: string;
  login_url: string;
}

export interface SsoConnectionPort {
  connectionFor(organizationId: string): Promise<SsoConnectionRef | null>;
}

export const NO_SSO_CONNECTIONS: SsoConnectionPort = { connectionFor: async () => null };
