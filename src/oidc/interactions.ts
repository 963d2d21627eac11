import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgRecord } from '../db/models';
import type { SessionsService } from '../sessions/sessions.service';
import type { OidcAccounts } from './accounts';
import type { OidcProviders, Provider } from './provider';

export type InteractionStep =
  | { kind: 'unknown' } // no such tenant, or the interaction expired / its cookie is missing
  | { kind: 'login'; loginUrl: string }
  | { kind: 'pick'; organizations: OrgRecord[]; preselected: string | null }
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
    if (!session) {
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
    if (!session) return this.resume(slug, req, res, cookie);
    const organizations = await this.accounts.activeOrganizations(found.tenantId, session.userId);
    const org = organizations.find((o) => o.id === organizationKey || o.slug === organizationKey);
    if (!org) return { kind: 'pick', organizations, preselected: session.organizationId };
    return this.finish(found, session, org.id, req, res);
  }

  private async open(slug: string, req: IncomingMessage, res: ServerResponse) {
    const found = await this.providers.forTenant(slug);
    if (!found) return null;
    const details = await found.provider.interactionDetails(req, res).catch(() => null);
    return details ? { tenantId: found.tenant.id, provider: found.provider, details } : null;
  }

  private async finish(
    found: { tenantId: string; provider: Provider; details: { params: Record<string, unknown> } },
    session: { idHash: string; userId: string },
    organizationId: string | null,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<InteractionStep> {
    const { provider, details, tenantId } = found;
    const grant = new provider.Grant({ accountId: session.userId, clientId: String(details.params.client_id) });
    const grantId = await grant.save();
    await this.providers.linkGrant(tenantId, grantId, session.userId, organizationId);
    await this.sessions.rememberOrganization(session.idHash, organizationId);
    await provider.interactionFinished(req, res, { login: { accountId: session.userId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    return { kind: 'finished' };
  }
}
