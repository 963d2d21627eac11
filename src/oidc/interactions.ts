import { nullUnlessUnavailable } from '../db/db-errors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgRecord, TenantRecord } from '../db/models';
import type { Branding } from '../tenants/settings';
import type { SessionsService, SignedInSession } from '../sessions/sessions.service';
import { mfaSatisfied } from './amr';
import type { OidcAccounts } from './accounts';
import type { OidcProviders, Provider } from './provider';

export type InteractionStep =
  | { kind: 'unknown' } // no such tenant, or the interaction expired / its cookie is missing
  | { kind: 'login'; loginUrl: string }
  | { kind: 'pick'; organizations: OrgRecord[]; preselected: string | null }
  /** The organization's effective require_mfa and a session without MFA: the TOTP step first. */
  | { kind: 'mfa'; tenantId: string; userId: string; sessionIdHash: string; organizationId: string | null }
  | { kind: 'finished' }; // the response was written (a redirect back to the authorization endpoint)

/**
 * A sign-in started by an app's authorization request: once the hosted login has made a
 * session, choose the organization (the `organization` parameter, the only membership, or the
 * person's pick) and hand oidc-provider a login and a grant linked to that organization.
 */
export class OidcInteractions {
  constructor(
    private readonly providers: OidcProviders,
    private readonly accounts: OidcAccounts,
    private readonly sessions: SessionsService,
  ) {}

  async resume(slug: string, req: IncomingMessage, res: ServerResponse, cookie: string | undefined): Promise<InteractionStep> {
    const found = await this.open(slug, req, res);
    if (!found) return { kind: 'unknown' };
    const { tenantId, provider, details } = found;
    const session = await this.sessions.signedIn(tenantId, cookie);
    if (!session || !fresh(session.authenticatedAt, details)) {
      const hint = typeof details.params.login_hint === 'string' ? `&login_hint=${encodeURIComponent(details.params.login_hint)}` : '';
      return { kind: 'login', loginUrl: `/t/${encodeURIComponent(slug)}/login?interaction=${encodeURIComponent(details.uid)}${hint}` };
    }
    const organizations = await this.accounts.activeOrganizations(tenantId, session.userId);
    const asked = details.params.organization;
    if (typeof asked === 'string' && asked) {
      const org = organizations.find((o) => o.id === asked || o.slug === asked);
      if (!org) {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user is not an active member of the requested organization' }, { mergeWithLastSubmission: false });
        return { kind: 'finished' };
      }
      return this.finish(found, session, org.id, req, res);
    }
    if (organizations.length > 1) return { kind: 'pick', organizations, preselected: session.organizationId };
    return this.finish(found, session, organizations[0]?.id ?? null, req, res);
  }

  /** The picker's answer: `organizationKey` must be one of the person's active memberships. */
  async choose(slug: string, req: IncomingMessage, res: ServerResponse, cookie: string | undefined, organizationKey: string): Promise<InteractionStep> {
    const found = await this.open(slug, req, res);
    if (!found) return { kind: 'unknown' };
    const session = await this.sessions.signedIn(found.tenantId, cookie);
    if (!session || !fresh(session.authenticatedAt, found.details)) return this.resume(slug, req, res, cookie);
    const organizations = await this.accounts.activeOrganizations(found.tenantId, session.userId);
    const org = organizations.find((o) => o.id === organizationKey || o.slug === organizationKey);
    if (!org) return { kind: 'pick', organizations, preselected: session.organizationId };
    return this.finish(found, session, org.id, req, res);
  }

  /**
   * The branding of the sign-in's organization, if it has one in context — the authorization
   * request's `organization`, else `organizationKey` (the hosted login's own `organization`
   * parameter) — else the tenant's effective branding. Never derived from the email typed, so the
   * pages look the same for every address.
   */
  async brandingFor(tenant: TenantRecord, interaction: string | undefined, organizationKey: string | undefined): Promise<Branding> {
    let key = organizationKey;
    if (interaction) {
      const found = await this.providers.forTenant(tenant.slug);
      const pending = found ? await nullUnlessUnavailable(found.provider.Interaction.find(interaction)) : undefined;
      const asked = pending?.params.organization;
      if (typeof asked === 'string' && asked) key = asked;
    }
    const org = key ? await this.accounts.organization(tenant.id, key.slice(0, 100)) : null;
    return (await this.accounts.settingsWith(tenant.id, org ?? undefined)).branding;
  }

  private async open(slug: string, req: IncomingMessage, res: ServerResponse) {
    const found = await this.providers.forTenant(slug);
    if (!found) return null;
    const details = await nullUnlessUnavailable(found.provider.interactionDetails(req, res));
    return details ? { tenantId: found.tenant.id, provider: found.provider, details } : null;
  }

  private async finish(
    found: { tenantId: string; provider: Provider; details: { params: Record<string, unknown> } },
    session: SignedInSession,
    organizationId: string | null,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<InteractionStep> {
    const { provider, details, tenantId } = found;
    if (!mfaSatisfied(session.amr) && (await this.accounts.settings(tenantId, organizationId)).auth_settings.require_mfa) {
      await this.sessions.rememberOrganization(session.idHash, organizationId); // preselected when the picker shows again
      return { kind: 'mfa', tenantId, userId: session.userId, sessionIdHash: session.idHash, organizationId };
    }
    const grant = new provider.Grant({ accountId: session.userId, clientId: String(details.params.client_id) });
    const grantId = await grant.save();
    await this.providers.linkGrant(tenantId, grantId, session.userId, organizationId);
    await this.sessions.rememberOrganization(session.idHash, organizationId);
    const login = { accountId: session.userId, ts: Math.floor(session.authenticatedAt.getTime() / 1000), ...(session.amr.length ? { amr: session.amr } : {}) }; // auth_time, amr
    await provider.interactionFinished(req, res, { login, consent: { grantId } }, { mergeWithLastSubmission: false });
    return { kind: 'finished' };
  }
}

/**
 * Whether a session's sign-in satisfies the request: `prompt=login` wants one made after the
 * authorization request began, `max_age` one at most that many seconds old.
 */
function fresh(authenticatedAt: Date, details: { iat?: number; params: Record<string, unknown>; prompt: { reasons: string[] } }): boolean {
  const signedInAt = Math.floor(authenticatedAt.getTime() / 1000);
  if (details.prompt.reasons.includes('login_prompt') && signedInAt < (details.iat ?? 0)) return false;
  const maxAge = Number(details.params.max_age);
  if (details.params.max_age !== undefined && Number.isFinite(maxAge) && Date.now() / 1000 - signedInAt > maxAge) return false;
  return true;
}
