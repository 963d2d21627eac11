import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Configuration, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import * as refreshTokenGrant from 'oidc-provider/lib/actions/grants/refresh_token.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import { meansUnavailable } from '../db/db-errors';
import type { TenantRecord } from '../db/models';
import type { Clock } from '../shared/clock';
import { safeEqualHex, sha256Hex } from '../shared/crypto';
import { escapeHtml } from '../shared/html';
import { SESSION_COOKIE } from '../sessions/session-cookie';
import type { SessionsService } from '../sessions/sessions.service';
import { SECRET_CACHE_TTL_MS } from '../shared/ttl-cache';
import type { TenantsService } from '../tenants/tenants.service';
import type { AccessTokens } from './access-tokens';
import { mfaSatisfied } from './amr';
import type { OidcAccounts } from './accounts';
import { adapterFactory } from './adapter';
import { oidcProviderModule } from './oidc-provider-module';
import type { ApplicationsService } from './applications.service';
import { PERSON_CLAIMS, type PersonClaims } from './claims';
import { logoutPage, messagePage } from './pages.html';
import type { OidcPayloadsRepository } from './oidc-payloads.repository';
import { SIGNING_ALG, type SigningKeysService } from './signing-keys.service';

export const ACCESS_TOKEN_TTL_SECONDS = 600;
/**
 * A refresh token chain lives the organization's effective session_ttl_hours from sign-in
 * (rotation keeps the remaining time); grants outlive the longest allowed (720 h).
 */
const GRANT_TTL_SECONDS = 720 * 3600;
const SCOPES = ['openid', 'offline_access', 'email', 'profile'];

/** The resource an access token is for when the app names none: the app itself (`aud` = client_id). */
const appResource = (clientId: string) => `urn:orgbridge:application:${clientId}`;

export const issuerOf = (publicUrl: string, tenantSlug: string) => `${publicUrl}/t/${tenantSlug}/oidc`;

interface Entry {
  provider: Provider;
  keysVersion: string;
  checkedAt: number;
}

/**
 * One oidc-provider instance per tenant, built on first use and rebuilt when the tenant's
 * signing keys change (checked at most every SECRET_CACHE_TTL_MS, so a rotation on another
 * process is picked up within seconds). All state lives in the database (adapter.ts).
 */
export class OidcProviders {
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly cookieKey: string;
  /** One membership read per request, shared by findAccount and extraTokenClaims. */
  private readonly claimsOfRequest = new WeakMap<object, Promise<PersonClaims | null>>();
  private readonly handlers = new WeakMap<Provider, NodeHandler>();
  /** The refresh token lifetime a request's organization allows (set by claimsFor, read by ttl). */
  private readonly refreshTtlOfRequest = new WeakMap<object, number>();

  constructor(
    private readonly d: {
      publicUrl: string;
      secretKey: string;
      tenants: TenantsService;
      applications: ApplicationsService;
      signingKeys: SigningKeysService;
      accounts: OidcAccounts;
      accessTokens: AccessTokens;
      payloads: OidcPayloadsRepository;
      sessions: SessionsService;
      clock: Clock;
    },
  ) {
    d.signingKeys.onRotated((tenantId) => this.entries.delete(tenantId));
    this.cookieKey = Buffer.from(hkdfSync('sha256', d.secretKey, Buffer.alloc(0), 'orgbridge oidc cookies v1', 32)).toString('base64url');
  }

  /** The provider of the tenant whose slug is `slug`, or null when there is no such tenant. */
  async forTenant(slug: string): Promise<{ tenant: TenantRecord; provider: Provider } | null> {
    const tenant = await this.d.tenants.findCached(slug);
    if (!tenant || tenant.slug !== slug) return null;
    const now = this.d.clock.now().getTime();
    let pending = this.entries.get(tenant.id);
    let entry = pending ? await pending.catch(() => null) : null;
    if (!entry || now - entry.checkedAt >= SECRET_CACHE_TTL_MS) {
      const previous = entry;
      pending = (async () => {
        const keys = await this.d.signingKeys.keysFor(tenant.id);
        if (previous && previous.keysVersion === keys.version) return { ...previous, checkedAt: now };
        return { provider: this.build(tenant, keys.privateJwks), keysVersion: keys.version, checkedAt: now };
      })();
      this.entries.set(tenant.id, pending);
      entry = await pending;
    }
    return { tenant, provider: entry.provider };
  }

  /** The provider as a Node request handler (built once per provider). */
  handlerOf(provider: Provider): NodeHandler {
    let handler = this.handlers.get(provider);
    if (!handler) {
      handler = provider.callback() as NodeHandler;
      this.handlers.set(provider, handler);
    }
    return handler;
  }

  /** The claims a grant's tokens carry now, or null when the user may no longer have tokens. */
  async grantClaims(tenantId: string, userId: string, grantId: string | undefined) {
    const link = grantId ? await this.d.payloads.grantOrganization(grantId) : null;
    if (grantId && link && link.userId !== userId) return null;
    return this.d.accounts.claimsAndSettings(tenantId, userId, link?.organizationId ?? null);
  }

  /** Records which organization a new grant's tokens are for (at the end of the sign-in). */
  async linkGrant(tenantId: string, grantId: string, userId: string, organizationId: string | null): Promise<void> {
    const expiresAt = new Date(this.d.clock.now().getTime() + GRANT_TTL_SECONDS * 1000);
    await this.d.payloads.setGrantOrganization({ grant_id: grantId, tenant_id: tenantId, user_id: userId, organization_id: organizationId, expires_at: expiresAt });
  }

  private build(tenant: TenantRecord, jwks: object[]): Provider {
    const tenantId = tenant.id;
    const apps = this.d.applications;
    const configuration: Configuration = {
      adapter: adapterFactory({
        tenantId,
        repo: this.d.payloads,
        clock: this.d.clock,
        clients: async (clientId) => {
          const app = await apps.findByClientIdCached(tenantId, clientId);
          if (!app) return undefined;
          const web = app.type === 'web';
          return {
            client_id: app.client_id,
            client_name: app.name,
            // the SHA-256 of the secret: compareClientSecret below hashes what the app presents
            ...(web && app.client_secret_hash ? { client_secret: app.client_secret_hash } : {}),
            application_type: app.type === 'native' ? 'native' : 'web',
            token_endpoint_auth_method: web ? 'client_secret_basic' : 'none',
            grant_types: web ? ['authorization_code', 'refresh_token', 'client_credentials'] : ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            require_auth_time: true,
            redirect_uris: app.redirect_uris,
            post_logout_redirect_uris: app.post_logout_redirect_uris,
          };
        },
      }),
      jwks: { keys: jwks as never },
      cookies: { keys: [this.cookieKey] },
      scopes: SCOPES,
      // amr (how the sign-in was made) is an openid claim so that every ID token with one carries it
      claims: { openid: ['sub', 'amr', ...PERSON_CLAIMS.filter((c) => !['email', 'email_verified', 'name'].includes(c))], email: ['email', 'email_verified'], profile: ['name'] },
      // the person's claims go into the ID token of the code flow too, not only userinfo
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      pkce: { required: () => true },
      clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
      clientDefaults: { id_token_signed_response_alg: SIGNING_ALG },
      enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG], userinfoSigningAlgValues: [SIGNING_ALG], introspectionSigningAlgValues: [SIGNING_ALG] },
      extraParams: ['organization'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => {
            ctx.type = 'html';
            ctx.body = logoutPage(form);
          },
          postLogoutSuccessSource: (ctx) => {
            ctx.type = 'html';
            ctx.body = messagePage('Signed out', 'You are signed out.');
          },
        },
        introspection: {
          enabled: true,
          // an app introspects its own tokens, and only while the user may still have them
          allowedPolicy: async (ctx, client, token) => {
            if (token.clientId !== client.clientId) return false;
            const accountId = 'accountId' in token ? token.accountId : undefined;
            if (!accountId) return true;
            return (await this.claimsFor(ctx, tenantId, accountId, token)) !== null;
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx, client, oneOf) => oneOf ?? appResource(client.clientId),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource, client) => ({
            scope: SCOPES.join(' '),
            audience: resource === appResource(client.clientId) ? client.clientId : resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALG } },
          }),
        },
      },
      ttl: {
        AccessToken: ACCESS_TOKEN_TTL_SECONDS,
        ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 3600,
        RefreshToken: (ctx) => {
          const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
          return rotated ? rotated.remainingTTL : (this.refreshTtlOfRequest.get(ctx) ?? 24 * 3600);
        },
        Grant: GRANT_TTL_SECONDS,
        Session: GRANT_TTL_SECONDS,
      },
      // Apps are the tenant's own (first party): they get refresh tokens without offline_access
      // consent, and a grant is made by the sign-in (interactions.ts) instead of a consent page.
      issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      loadExistingGrant: async (ctx) => {
        const grantId = ctx.oidc.result?.consent?.grantId;
        const grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
        if (!grant) return undefined;
        grant.addOIDCScope([...(ctx.oidc.requestParamOIDCScopes ?? [])].join(' '));
        for (const indicator of Object.keys(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(indicator, SCOPES.join(' '));
        await grant.save();
        return grant;
      },
      findAccount: async (ctx, sub, token) => {
        const claims = await this.claimsFor(ctx, tenantId, sub, token);
        if (!claims) return undefined;
        return { accountId: sub, claims: () => ({ ...claims }) };
      },
      extraTokenClaims: async (ctx, token) => {
        if (!('accountId' in token) || !token.accountId) return { tenant_id: tenantId };
        const { sub: _sub, ...claims } = (await this.claimsFor(ctx, tenantId, token.accountId, token)) ?? ({} as PersonClaims);
        // grant_id: introspection and userinfo check the grant still stands (not revoked)
        return { ...claims, sid: 'sid' in token ? token.sid : undefined, grant_id: 'grantId' in token ? token.grantId : undefined };
      },
      interactions: { url: (_ctx, interaction) => `/t/${tenant.slug}/oidc/interaction/${interaction.uid}` },
      renderError: (ctx, out) => renderErrorPage(ctx, out),
    };

    const provider = new (oidcProviderModule().Provider)(issuerOf(this.d.publicUrl, tenant.slug), configuration);
    answerUnavailableAs503(provider);
    // Client secrets are stored hashed: compare hashes, in constant time.
    provider.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: string) {
      return Boolean(this.clientSecret) && safeEqualHex(sha256Hex(actual), this.clientSecret!);
    };
    // Signing out everywhere (logout=yes at end_session) also ends the hosted sign-in session.
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route !== 'end_session_confirm' || !ctx.oidc.params?.logout || ctx.status !== 303) return;
      await this.d.sessions.end(ctx.cookies.get(SESSION_COOKIE, { signed: false }));
      ctx.cookies.set(SESSION_COOKIE, null, { path: `/t/${tenant.slug}`, signed: false, httpOnly: true, sameSite: 'lax' });
    });
    // Introspection of our JWT access tokens: oidc-provider authenticates the app and parses the
    // request, then refuses structured tokens (unsupported_token_type); that answer is replaced by
    // ours (AccessTokens#introspect: signature, the app's own token, grant, user and membership now).
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { error?: string } | undefined;
      if (ctx.oidc?.route !== 'introspection' || ctx.status !== 400 || body?.error !== 'unsupported_token_type') return;
      const client = ctx.oidc.client;
      const token = ctx.oidc.params?.token;
      if (!client || typeof token !== 'string') return;
      ctx.status = 200;
      ctx.body = await this.d.accessTokens.introspect(tenant, client.clientId, token);
    });
    // `sid` is a contract claim of every ID token (oidc-provider adds it only for back-channel logout).
    provider.Client.prototype.includeSid = () => true;
    // The refresh_token grant also takes `organization` (switching organization, contract section 8).
    // (functions only: the compiled build's import helper adds a `default` entry to the namespace)
    const helpers = Object.fromEntries(
      Object.entries(grantHelpers)
        .filter((entry): entry is [string, (...args: unknown[]) => unknown] => typeof entry[1] === 'function')
        .map(([name, helper]) => [name, helper.bind(undefined, provider)]),
    );
    provider.registerGrantType('refresh_token', refreshTokenGrant.handler.bind(undefined, provider, helpers) as never, [...refreshTokenGrant.parameters, 'resource', 'organization'], ['resource']);
    return provider;
  }

  /**
   * The claims for `sub` in this request: the grant's organization, or on a refresh with
   * `organization` that organization (then the grant keeps it). Null refuses the tokens. At
   * the token endpoint a refresh into an organization whose effective require_mfa is on needs
   * a sign-in that did MFA (the refresh token's `amr`), else invalid_grant.
   */
  private claimsFor(ctx: KoaContextWithOIDC, tenantId: string, sub: string, token: unknown): Promise<PersonClaims | null> {
    let pending = this.claimsOfRequest.get(ctx);
    if (!pending) {
      pending = this.resolveClaims(ctx, tenantId, sub, token);
      this.claimsOfRequest.set(ctx, pending);
    }
    return pending;
  }

  private async resolveClaims(ctx: KoaContextWithOIDC, tenantId: string, sub: string, token: unknown): Promise<PersonClaims | null> {
    const grantId = (token as { grantId?: string } | undefined)?.grantId ?? ctx.oidc.result?.consent?.grantId;
    const refreshing = ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token';
    const switchTo = refreshing ? ctx.oidc.params?.organization : undefined;
    const switching = typeof switchTo === 'string' && switchTo !== '' && Boolean(grantId);
    let found: Awaited<ReturnType<OidcAccounts['claimsAndSettings']>>;
    if (switching) {
      const org = await this.d.accounts.organization(tenantId, switchTo as string);
      found = org ? await this.d.accounts.claimsAndSettings(tenantId, sub, org.id) : null;
    } else {
      found = await this.grantClaims(tenantId, sub, grantId);
    }
    if (!found) return null;
    const { claims, authSettings: settings } = found;
    if (refreshing && settings.require_mfa && !mfaSatisfied(ctx.oidc.entities.RefreshToken?.amr)) {
      const refused = new (oidcProviderModule().errors.InvalidGrant)();
      refused.error_description = `${claims.org_id ? 'the organization' : 'the tenant'} requires two-step sign-in (require_mfa) and this sign-in did not use it; sign in again through the authorization endpoint`;
      throw refused;
    }
    this.refreshTtlOfRequest.set(ctx, settings.session_ttl_hours * 3600);
    if (switching) await this.linkGrant(tenantId, grantId!, sub, claims.org_id);
    return claims;
  }
}

/** oidc-provider's error page (configuration.renderError), also used for our 503. */
function renderErrorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p></main></body></html>`;
}

export const TEMPORARILY_UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable' } as const;

/**
 * A database that is down answers 503 `temporarily_unavailable` (Retry-After is added by
 * http/retry-after.ts), not oidc-provider's 500 `server_error`, which tells a client nothing
 * about trying again; errors our own middleware throws past oidc-provider (introspection, the
 * end_session hook) would otherwise reach Koa's bare 500. The first middleware, so it wraps
 * all the others.
 */
function answerUnavailableAs503(provider: Provider): void {
  const unavailable = new WeakSet<object>();
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
    if (meansUnavailable(err)) unavailable.add(ctx);
  });
  provider.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status !== 500 || !unavailable.has(ctx)) return;
    } catch (err) {
      if (!meansUnavailable(err)) throw err;
    }
    ctx.status = 503;
    if (ctx.accepts('json', 'html') === 'html') renderErrorPage(ctx as KoaContextWithOIDC, TEMPORARILY_UNAVAILABLE);
    else ctx.body = { ...TEMPORARILY_UNAVAILABLE };
  });
}

export type { Provider };
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;
