import { randomBytes } from 'node:crypto';
import type { Database } from '../db/transaction';
import type { DomainPolicyService } from '../domains/domain-policy.service';
import type { IdentitiesService } from '../users/identities.service';
import type { UsersService } from '../users/users.service';
import type { EventsService } from '../events/events.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { Clock } from '../shared/clock';
import { SYSTEM_ACTOR, type Ctx } from '../shared/context';
import { randomSecret, safeEqual, safeEqualHex, sha256Hex } from '../shared/crypto';
import { ValidationError } from '../shared/errors';
import type { TenantRecord, UserRecord } from '../db/models';
import { effectiveSettings, fullAuthSettings, fullBranding, type Branding } from '../tenants/settings';
import type { TenantsService } from '../tenants/tenants.service';
import { readPerson } from './attribute-mapping';
import type { BrowserBinding } from './browser-binding';
import type { ConnectionsService, SigningConnection } from './connections.service';
import { fullName, type JitProvisioner, type SignedIn } from './jit';
import type { SsoAcceptance, SsoInvitations } from './invitation-port';
import type { RequestIdCache } from './request-id-cache';
import type { VerifiedDomainsPort } from './verified-domains-port';
import { CLOCK_SKEW_MS, samlFor } from './saml-config';
import { SamlFailure, reasonOfNodeSamlError, type SamlFailureReason } from './saml-failure';
import { precheckResponse, readVerifiedAssertion, type VerifiedAssertion } from './saml-xml';
import { isSafeReturnTo } from './return-to';
import { spUrls } from './sp-urls';

/** How long an AuthnRequest may take to come back. */
const REQUEST_TTL_MS = 10 * 60_000;
/** How long an assertion ID is remembered when the assertion names no expiry. */
const DEFAULT_REPLAY_WINDOW_MS = 24 * 3600_000;

export interface SignInResult {
  redirectTo: string;
  cookie: { value: string; path: string; maxAgeSeconds: number };
}

export interface StartResult {
  /** the IdP URL to send the browser to */
  redirectTo: string;
  /** the cookie that ties the ACS to this browser */
  binding: BrowserBinding;
}

export interface AcsInput {
  SAMLResponse?: string;
  RelayState?: string;
  /** the browser-binding cookie the ACS request carried */
  bindingCookie?: string;
}

export interface SamlServiceDeps {
  db: Database;
  connections: ConnectionsService;
  cache: RequestIdCache;
  tenants: TenantsService;
  orgs: OrgsService;
  users: Pick<UsersService, 'findByEmail'>;
  sessions: SessionsService;
  jit: JitProvisioner;
  /** issue 22: auto_join at every sign-in, in its transaction */
  domainPolicy: Pick<DomainPolicyService, 'autoJoin'>;
  /** issue 22: the NameID per connection, at every sign-in */
  identities: Pick<IdentitiesService, 'recordSamlSignIn'>;
  /** issue 22: invitations tied to a connection, accepted through its sign-in */
  invitations: SsoInvitations;
  /** issue 18, F1: whose verified domain an invitation's email is on */
  domains: Pick<VerifiedDomainsPort, 'verifiedOwnersOf'>;
  events: EventsService;
  clock: Clock;
  publicUrl: string;
}

const INVITATION_FAILURE: Record<Exclude<SsoAcceptance, { ok: true }>['reason'], SamlFailureReason> = {
  gone: 'invitation_gone',
  email_mismatch: 'invitation_email_mismatch',
  refused: 'invitation_refused',
};

/** SP-initiated (and, where allowed, IdP-initiated) SAML sign-in: metadata, start and ACS. */
export class SamlService {
  constructor(private readonly d: SamlServiceDeps) {}

  async metadata(tenantKey: string, connectionId: string): Promise<string> {
    const { tenant, connection } = await this.load(tenantKey, connectionId);
    return samlFor(connection, this.d.publicUrl, tenant.slug).generateServiceProviderMetadata(null, connection.connection.sp_certificate);
  }

  /**
   * The IdP URL to send the browser to (HTTP-Redirect binding, signed AuthnRequest), and the
   * browser-binding cookie: the RelayState itself, whose hash the request row already holds.
   * From an invitation's acceptance page, `invitationToken` is checked and only its hash is kept
   * with the request, for the ACS to accept it.
   */
  async start(tenantKey: string, connectionId: string, returnTo: string | undefined, invitationToken?: string): Promise<StartResult> {
    const { tenant, connection } = await this.load(tenantKey, connectionId);
    if (returnTo !== undefined && !isSafeReturnTo(returnTo)) {
      throw new ValidationError('return_to must be a path on this site', { details: [{ path: 'return_to', message: 'not a same-origin path' }] });
    }
    const invitationHash = invitationToken === undefined ? null : await this.d.invitations.openForSso(tenantKey, invitationToken, connection.connection.id);
    const now = this.d.clock.now();
    const requestId = `_${randomBytes(20).toString('hex')}`;
    const relayState = randomSecret(24);
    await this.d.cache.saveRequest({
      id: requestId,
      connection_id: connection.connection.id,
      relay_state_hash: sha256Hex(relayState),
      return_to: returnTo ?? defaultReturnTo(tenant),
      invitation_token_hash: invitationHash,
      expires_at: new Date(now.getTime() + REQUEST_TTL_MS),
    });
    await this.d.cache.purge(new Date(now.getTime() - REQUEST_TTL_MS));
    const redirectTo = await samlFor(connection, this.d.publicUrl, tenant.slug, requestId).getAuthorizeUrlAsync(relayState, undefined, {});
    return { redirectTo, binding: { value: relayState, connectionId: connection.connection.id, path: this.acsPath(tenant.slug, connection.connection.id), maxAgeSeconds: REQUEST_TTL_MS / 1000 } };
  }

  /** The path of a connection's ACS (PUBLIC_URL may have one of its own): the browser-binding cookie's scope. */
  acsPath(tenantSlug: string, connectionId: string): string {
    return new URL(spUrls(this.d.publicUrl, tenantSlug, connectionId).acs_url).pathname;
  }

  /**
   * Validates a posted SAMLResponse and signs the person in. Each refusal is a SamlFailure
   * with its reason, recorded as `sso.login_failed` in its own transaction.
   */
  async acs(tenantKey: string, connectionId: string, body: AcsInput): Promise<SignInResult> {
    const { tenant, connection } = await this.load(tenantKey, connectionId);
    try {
      return await this.signIn(tenant, connection, body);
    } catch (err) {
      if (err instanceof SamlFailure) await this.recordFailure(tenant.id, connection.connection.id, err);
      throw err;
    }
  }

  async branding(tenantKey: string): Promise<Branding | null> {
    const tenant = await this.d.tenants.find(tenantKey);
    return tenant ? fullBranding(tenant.branding) : null;
  }

  private async signIn(tenant: TenantRecord, c: SigningConnection, body: AcsInput): Promise<SignInResult> {
    if (!body.SAMLResponse) throw new SamlFailure('malformed_response');
    const raw = precheckResponse(body.SAMLResponse);
    const assertion = await this.verify(tenant, c, body.SAMLResponse);
    if (!assertion.id) throw new SamlFailure('malformed_response');
    // node-saml checks the issuer of logout messages only: the assertion's (and the response's) is ours to check.
    const idpIssuer = c.connection.idp_entity_id;
    if (!safeEqual(assertion.issuer, idpIssuer) || (raw.issuer !== null && !safeEqual(raw.issuer, idpIssuer))) throw new SamlFailure('issuer_mismatch');
    const acsUrl = spUrls(this.d.publicUrl, tenant.slug, c.connection.id).acs_url;
    if (raw.destination !== null && !safeEqual(raw.destination, acsUrl)) throw new SamlFailure('destination_mismatch');
    const recipients = assertion.confirmations.map((s) => s.recipient);
    if (!recipients.length || recipients.some((r) => r === null || !safeEqual(r, acsUrl))) throw new SamlFailure('recipient_mismatch');

    // The Response's InResponseTo counts only where its signature is required: otherwise anyone
    // could turn a captured IdP-initiated assertion into an answer to a request they started.
    const responseSigned = c.connection.signed === 'response' || c.connection.signed === 'both';
    const inResponseTo = assertion.confirmations.find((s) => s.inResponseTo)?.inResponseTo ?? (responseSigned ? raw.inResponseTo : null);
    if (raw.inResponseTo && inResponseTo && inResponseTo !== raw.inResponseTo) throw new SamlFailure('unknown_request');
    if (!inResponseTo && !c.connection.allow_idp_initiated) throw new SamlFailure('idp_initiated_not_allowed');
    // An answer to our request counts only in the browser that started it (login CSRF).
    if (inResponseTo && !body.bindingCookie) throw new SamlFailure('browser_binding_missing');
    const person = readPerson(assertion.attributes, assertion.nameId, c.connection.attribute_mapping);
    if (!person) throw new SamlFailure('missing_email');

    const now = this.d.clock.now();
    return this.d.db.transaction(async (tx) => {
      if (!(await this.d.cache.rememberAssertion(c.connection.id, assertion.id, replayUntil(assertion, now), tx))) {
        throw new SamlFailure('replayed_assertion');
      }
      let returnTo = defaultReturnTo(tenant);
      let invitationHash: string | null = null;
      if (inResponseTo) {
        const request = await this.d.cache.consume(inResponseTo, c.connection.id, now, tx);
        if (!request) throw new SamlFailure('unknown_request');
        if (!body.RelayState || !safeEqualHex(sha256Hex(body.RelayState), request.relay_state_hash)) throw new SamlFailure('relay_state_mismatch');
        if (!safeEqualHex(sha256Hex(body.bindingCookie ?? ''), request.relay_state_hash)) throw new SamlFailure('browser_binding_mismatch');
        returnTo = request.return_to;
        invitationHash = request.invitation_token_hash ?? null;
      }
      let signedIn: SignedIn;
      let invitationId: string | null = null;
      const linked = await this.d.connections.linkedOrganizationIds(c.connection.id, tx);
      const known = await this.d.users.findByEmail(tenant.id, person.email, tx);
      if (invitationHash) {
        // Started from an invitation's page: the invitation, not JIT, decides who comes in (docs/invitations.md).
        const accepted = await this.d.invitations.acceptThroughSso(tenant, invitationHash, c.connection.id, { email: person.email, name: fullName(person) }, tx);
        if (!accepted.ok) throw new SamlFailure(INVITATION_FAILURE[accepted.reason], undefined, {}, accepted.message);
        await this.assertInvitationMaySignIn(tenant.id, linked, accepted.user, known?.id === accepted.user.id);
        signedIn = accepted;
        invitationId = accepted.invitationId;
        if (accepted.redirectTo) returnTo = accepted.redirectTo;
        await this.d.domainPolicy.autoJoin(tenant.id, accepted.user, tx);
      } else {
        // Domain policy: an existing account joins its domain's auto_join organization before JIT looks at memberships.
        if (known) await this.d.domainPolicy.autoJoin(tenant.id, known, tx);
        signedIn = await this.d.jit.signIn(tenant.id, c.connection, linked, person, tx);
        if (!known) await this.d.domainPolicy.autoJoin(tenant.id, signedIn.user, tx);
      }
      const { user, org, role } = signedIn;
      await this.d.identities.recordSamlSignIn(user.id, c.connection.id, assertion.nameId.value, person.email, now, tx);
      const ttlHours = effectiveSettings(
        { branding: fullBranding(org.branding), auth_settings: fullAuthSettings(org.auth_settings) },
        { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) },
      ).auth_settings.session_ttl_hours;
      const session = await this.d.sessions.create(
        { tenantId: tenant.id, userId: user.id, organizationId: org.id, connectionId: c.connection.id, ttlHours },
        tx,
      );
      const ctx: Ctx = { tenantId: tenant.id, actor: { type: 'user', id: user.id } };
      this.d.events.record(ctx, tx, {
        type: 'sso.login_succeeded',
        target: { type: 'user', id: user.id },
        organizationId: org.id,
        data: { connection_id: c.connection.id, email: user.email, role, idp_initiated: !inResponseTo, ...(invitationId ? { invitation_id: invitationId } : {}) },
      });
      return {
        redirectTo: returnTo,
        cookie: { value: session.value, path: `/t/${tenant.slug}`, maxAgeSeconds: ttlHours * 3600 },
      };
    });
  }

  /**
   * F1 through an invitation (docs/invitations.md): the invitation names the email and the
   * connection, so it may bring in a new account whose domain no organization outside the
   * connection's verified; an account that already existed only on a domain verified by one of
   * the connection's organizations, as without an invitation. Otherwise the IdP (whoever holds
   * the link: an organization admin can resend it) would sign in as an account with other
   * organizations, or the tenant's admin role, that it does not speak for.
   */
  private async assertInvitationMaySignIn(tenantId: string, linked: string[], user: UserRecord, existed: boolean): Promise<void> {
    const owner = (await this.d.domains.verifiedOwnersOf(tenantId, [user.email_normalized])).get(user.email_normalized) ?? null;
    if (owner !== null && linked.includes(owner)) return;
    if (owner === null && !existed) return;
    throw new SamlFailure(
      'invitation_refused',
      undefined,
      { rule: existed ? 'existing_account_outside_verified_domains' : 'domain_of_another_organization' },
      existed
        ? 'An account with this email already exists, and this sign-in cannot be used for it. Sign in as you usually do, or ask for an invitation without single sign-on.'
        : 'This email’s domain belongs to another organization: this sign-in cannot be used for it.',
    );
  }

  /** node-saml checks the signature(s), issuer, audience and validity window; we read only what it verified. */
  private async verify(tenant: TenantRecord, c: SigningConnection, samlResponse: string): Promise<VerifiedAssertion> {
    let assertionXml: string;
    try {
      const { profile } = await samlFor(c, this.d.publicUrl, tenant.slug).validatePostResponseAsync({ SAMLResponse: samlResponse });
      const xml = profile?.getAssertionXml?.();
      if (!xml) throw new SamlFailure('malformed_response');
      assertionXml = xml;
    } catch (err) {
      throw err instanceof SamlFailure ? err : new SamlFailure(reasonOfNodeSamlError(err), err);
    }
    return readVerifiedAssertion(assertionXml);
  }

  private async recordFailure(tenantId: string, connectionId: string, failure: SamlFailure): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      this.d.events.record({ tenantId, actor: SYSTEM_ACTOR }, tx, {
        type: 'sso.login_failed',
        target: { type: 'connection', id: connectionId },
        data: { ...failure.eventData, connection_id: connectionId, reason: failure.reason },
      });
    });
  }

  private async load(tenantKey: string, connectionId: string): Promise<{ tenant: TenantRecord; connection: SigningConnection }> {
    const tenant = await this.d.tenants.get(tenantKey);
    return { tenant, connection: await this.d.connections.forSignIn(tenant.id, connectionId) };
  }
}

const defaultReturnTo = (tenant: TenantRecord) => `/t/${encodeURIComponent(tenant.slug)}/account/organizations`;

/** Remember the assertion ID at least until the assertion itself expires (plus the skew). */
function replayUntil(a: VerifiedAssertion, now: Date): Date {
  const ends = [a.notOnOrAfter, ...a.confirmations.map((s) => s.notOnOrAfter)].map((t) => (t ? Date.parse(t) : NaN)).filter((t) => !Number.isNaN(t));
  const until = ends.length ? Math.max(...ends) + CLOCK_SKEW_MS : now.getTime() + DEFAULT_REPLAY_WINDOW_MS;
  return new Date(Math.max(until, now.getTime() + CLOCK_SKEW_MS));
}
