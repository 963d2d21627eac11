import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { TenantRecord } from '../db/models';
import type { Clock } from '../shared/clock';
import { SECRET_CACHE_TTL_MS, TtlCache } from '../shared/ttl-cache';
import type { TenantsService } from '../tenants/tenants.service';
import type { OidcAccounts } from './accounts';
import type { PersonClaims } from './claims';
import type { OidcPayloadsRepository } from './oidc-payloads.repository';
import { issuerOf } from './provider';
import { SIGNING_ALG, type SigningKeysService } from './signing-keys.service';

type KeySet = ReturnType<typeof createLocalJWKSet>;

/** What a verified access token stands for now. */
interface CheckedToken {
  payload: JWTPayload & { client_id: string; sub: string };
  /** The person's claims re-read now; null for a machine (client credentials) token. */
  claims: PersonClaims | null;
}

/** RFC 7662 answer for a token that is not (or no longer) usable, or not the asker's. */
const INACTIVE = { active: false } as const;

/**
 * Verifies an access token (a JWT) the tenant's provider issued, against the tenant's
 * published keys, and re-reads what it stands for now: a blocked user, a membership that
 * ended, or a grant that was revoked (revocation, end_session, refresh token reuse) makes even
 * an unexpired token worthless here. Serves userinfo, `/api/v1/me` and introspection.
 */
export class AccessTokens {
  /** Each tenant's public keys, re-read at most every SECRET_CACHE_TTL_MS (and on an unknown kid). */
  private readonly keySets = new Map<string, { keys: KeySet; at: number }>();
  /**
   * Tokens whose signature, issuer, type and algorithm were verified against the keys above, for
   * as long as those keys may be served (an app calls `/me` or userinfo with one token many
   * times). Only that check is remembered: `exp` is checked on every use, and the grant, user
   * and membership are re-read on every request, so blocking or revoking still shows at once.
   */
  private readonly verified: TtlCache<JWTPayload>;

  constructor(
    private readonly d: {
      tenants: TenantsService;
      signingKeys: SigningKeysService;
      accounts: OidcAccounts;
      payloads: OidcPayloadsRepository;
      clock: Clock;
      publicUrl: string;
    },
  ) {
    this.verified = new TtlCache<JWTPayload>(SECRET_CACHE_TTL_MS, 4_096, () => d.clock.now().getTime());
    d.signingKeys.onRotated((tenantId) => {
      this.keySets.delete(tenantId);
      this.verified.clear();
    });
  }

  /** A person's access token (for userinfo and `/me`): their claims now, or null. */
  async verify(tenantKey: string, token: string): Promise<{ tenantId: string; claims: PersonClaims } | null> {
    const tenant = await this.d.tenants.findCached(tenantKey);
    if (!tenant) return null;
    const checked = await this.check(tenant, token);
    return checked?.claims ? { tenantId: tenant.id, claims: checked.claims } : null;
  }

  /**
   * RFC 7662 introspection of a JWT access token by the (already authenticated) app
   * `clientId`: active only for a token issued to that app, still valid and still standing for
   * a person who may have it. The person's claims are today's, not the token's.
   */
  async introspect(tenant: TenantRecord, clientId: string, token: string): Promise<Record<string, unknown>> {
    const checked = await this.check(tenant, token);
    if (!checked || checked.payload.client_id !== clientId) return INACTIVE;
    const { payload, claims } = checked;
    const standard = {
      active: true,
      sub: payload.sub,
      client_id: payload.client_id,
      exp: payload.exp,
      iat: payload.iat,
      iss: payload.iss,
      aud: payload.aud,
      jti: payload.jti,
      scope: typeof payload.scope === 'string' ? payload.scope : undefined,
      token_type: 'Bearer',
    };
    if (!claims) return { ...standard, tenant_id: tenant.id };
    const { sub: _sub, ...person } = claims;
    return { ...standard, ...person, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
  }

  private async check(tenant: TenantRecord, token: string): Promise<CheckedToken | null> {
    const payload = await this.verifySignature(tenant, token);
    if (!payload || typeof payload.sub !== 'string' || typeof payload.client_id !== 'string') return null;
    const typed = payload as CheckedToken['payload'];
    if (payload.sub === payload.client_id) return { payload: typed, claims: null }; // a machine token has no user
    if (typeof payload.grant_id === 'string' && !(await this.grantAlive(tenant.id, payload.grant_id, payload.sub, payload.client_id))) return null;
    const orgId = typeof payload.org_id === 'string' ? payload.org_id : null;
    const claims = await this.d.accounts.claims(tenant.id, payload.sub, orgId);
    return claims ? { payload: typed, claims } : null;
  }

  private async verifySignature(tenant: TenantRecord, token: string): Promise<JWTPayload | null> {
    const issuer = issuerOf(this.d.publicUrl, tenant.slug);
    const cacheKey = `${tenant.id} ${issuer} ${token}`;
    const known = this.verified.get(cacheKey);
    // jose's own expiry test (seconds, no tolerance), on its clock
    if (known) return typeof known.exp === 'number' && known.exp > Math.floor(Date.now() / 1000) ? known : null;
    const payload = await this.verifySignatureNow(tenant.id, issuer, token);
    if (payload && typeof payload.exp === 'number') this.verified.set(cacheKey, payload);
    return payload;
  }

  private async verifySignatureNow(tenantId: string, issuer: string, token: string): Promise<JWTPayload | null> {
    const options = { issuer, typ: 'at+jwt', algorithms: [SIGNING_ALG] };
    // Reading the keys stays outside the catches: a database that is down is a 503, not a bad token.
    const keys = await this.keysOf(tenantId);
    try {
      return (await jwtVerify(token, keys, options)).payload;
    } catch (err) {
      // a key made by a rotation on another process since the keys were last read
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) return null;
      const reloaded = await this.keysOf(tenantId, true);
      try {
        return (await jwtVerify(token, reloaded, options)).payload;
      } catch {
        return null;
      }
    }
  }

  private async keysOf(tenantId: string, reload = false): Promise<KeySet> {
    const now = this.d.clock.now().getTime();
    const cached = this.keySets.get(tenantId);
    if (cached && !reload && now - cached.at < SECRET_CACHE_TTL_MS) return cached.keys;
    const { publicJwks } = await this.d.signingKeys.publishedKeys(tenantId);
    const keys = createLocalJWKSet({ keys: publicJwks as never });
    this.keySets.set(tenantId, { keys, at: now });
    return keys;
  }

  /** Whether the grant a token came from still stands (revocation and end_session destroy it). */
  private async grantAlive(tenantId: string, grantId: string, userId: string, clientId: string): Promise<boolean> {
    const row = await this.d.payloads.findBy('Grant', { id: grantId });
    if (!row || row.tenant_id !== tenantId || (row.expires_at && row.expires_at <= this.d.clock.now())) return false;
    const grant = JSON.parse(row.payload) as { accountId?: string; clientId?: string };
    return grant.accountId === userId && grant.clientId === clientId;
  }
}

/** The token of an `Authorization: Bearer …` header, if that is what it is. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '');
  return match?.[1];
}
