import { createLocalJWKSet, jwtVerify } from 'jose';
import type { TenantsService } from '../tenants/tenants.service';
import type { OidcAccounts } from './accounts';
import type { PersonClaims } from './claims';
import { issuerOf } from './provider';
import { SIGNING_ALG, type SigningKeysService } from './signing-keys.service';

/**
 * Verifies an access token (a JWT) the tenant's provider issued, against the tenant's
 * published keys, and re-reads what it stands for now: a blocked user or a membership that
 * ended makes even an unexpired token worthless here.
 */
export class AccessTokens {
  constructor(
    private readonly tenants: TenantsService,
    private readonly signingKeys: SigningKeysService,
    private readonly accounts: OidcAccounts,
    private readonly publicUrl: string,
  ) {}

  async verify(tenantKey: string, token: string): Promise<{ tenantId: string; claims: PersonClaims } | null> {
    const tenant = await this.tenants.findCached(tenantKey);
    if (!tenant) return null;
    const keys = await this.signingKeys.keysFor(tenant.id);
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys.publicJwks as never }), {
        issuer: issuerOf(this.publicUrl, tenant.slug),
        typ: 'at+jwt',
        algorithms: [SIGNING_ALG],
      });
      if (typeof payload.sub !== 'string' || payload.sub === payload.client_id) return null; // a machine token has no user
      const orgId = typeof payload.org_id === 'string' ? payload.org_id : null;
      const claims = await this.accounts.claims(tenant.id, payload.sub, orgId);
      return claims ? { tenantId: tenant.id, claims } : null;
    } catch {
      return null;
    }
  }
}

/** The token of an `Authorization: Bearer …` header, if that is what it is. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '');
  return match?.[1];
}
