import type { Response } from 'supertest';
import type { VerifiedDomainsPort } from '../../src/sso/verified-domains-port';
import { createTenant, type AdminClient } from './api';
import { buildResponse, IDP_ENTITY_ID, IDP_SSO_URL, newIdpKey, readAuthnRedirect, type IdpKey, type ResponseOptions } from './saml-idp';
import { startTestApp, type TestApp } from './test-app';

/** Verified domains as the domains work will answer: the most specific matching domain wins. */
export class StubVerifiedDomains implements VerifiedDomainsPort {
  private readonly domains: Array<{ organizationId: string; domain: string; includeSubdomains: boolean }> = [];

  /** A verified domain has one owner per tenant: verifying it again moves it. */
  verify(organizationId: string, domain: string, includeSubdomains = false): void {
    const taken = this.domains.findIndex((d) => d.domain === domain);
    if (taken >= 0) this.domains.splice(taken, 1);
    this.domains.push({ organizationId, domain, includeSubdomains });
  }

  async organizationForEmail(_tenantId: string, email: string, candidates: string[]) {
    const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const match = this.domains
      .filter((d) => candidates.includes(d.organizationId))
      .filter((d) => host === d.domain || (d.includeSubdomains && host.endsWith(`.${d.domain}`)))
      .sort((a, b) => b.domain.length - a.domain.length)[0];
    return match ? { organizationId: match.organizationId } : null;
  }

  async verifiedOwnersOf(_tenantId: string, emails: string[]) {
    const all = [...new Set(this.domains.map((d) => d.organizationId))];
    const owners = new Map<string, string | null>();
    for (const email of emails) owners.set(email, (await this.organizationForEmail(_tenantId, email, all))?.organizationId ?? null);
    return owners;
  }
}

export interface SsoTestbed {
  app: TestApp;
  admin: AdminClient;
  domains: StubVerifiedDomains;
}

/** A test file's app (with stub verified domains) and tenant, started before and closed after its tests. */
export function ssoTestbed(): SsoTestbed {
  const bed = { domains: new StubVerifiedDomains() } as SsoTestbed;
  beforeAll(async () => {
    bed.app = await startTestApp({ overrides: { verifiedDomains: bed.domains } });
    bed.admin = await createTenant(bed.app);
  });
  afterAll(() => bed.app.close());
  return bed;
}

export interface SsoSetup {
  admin: AdminClient;
  key: IdpKey;
  connection: { id: string; sp: { entity_id: string; acs_url: string; metadata_url: string; certificate: string }; [k: string]: unknown };
  org: { id: string; slug: string };
}

/** A connection with one IdP key, linked to a new organization. */
export async function setupSso(admin: AdminClient, body: Record<string, unknown> = {}, key = newIdpKey()): Promise<SsoSetup> {
  const org = await admin.createOrg();
  const res = await admin.post('/connections', {
    type: 'saml',
    name: 'Test IdP',
    idp_entity_id: IDP_ENTITY_ID,
    idp_sso_url: IDP_SSO_URL,
    idp_certificates: [key.certificatePem],
    jit: { enabled: true, default_role: 'member' },
    ...body,
  });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${JSON.stringify(res.body)}`);
  expect((await admin.post(`/organizations/${org.id}/connections`, { connection_id: res.body.id })).status).toBe(201);
  return { admin, key, connection: res.body, org };
}

/** Creates a SAML connection (one fresh IdP key) and links it to the organization; answers its id. */
export async function linkSamlConnection(client: AdminClient, orgId: string, name = 'Okta'): Promise<string> {
  const res = await client.post('/connections', {
    type: 'saml',
    name,
    idp_entity_id: IDP_ENTITY_ID,
    idp_sso_url: IDP_SSO_URL,
    idp_certificates: [newIdpKey().certificatePem],
  });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${JSON.stringify(res.body)}`);
  expect((await client.post(`/organizations/${orgId}/connections`, { connection_id: res.body.id })).status).toBe(201);
  return res.body.id;
}

export function ssoPath(s: SsoSetup, what: 'start' | 'acs' | 'metadata'): string {
  return `/t/${s.admin.tenant.slug}/sso/saml/${s.connection.id}/${what}`;
}

/** GET start, as the browser does; returns what the IdP receives. */
export async function startSignIn(app: TestApp, s: SsoSetup, returnTo?: string) {
  const res = await app.http.get(ssoPath(s, 'start')).query(returnTo === undefined ? {} : { return_to: returnTo });
  expect(res.status).toBe(302);
  return readAuthnRedirect(res.headers.location!, s.connection.sp.certificate);
}

export type ResponseKnobs = Partial<Omit<ResponseOptions, 'acsUrl' | 'audience'>>;

/** Starts a sign-in and posts the IdP's answer to the ACS. */
export async function signIn(app: TestApp, s: SsoSetup, knobs: ResponseKnobs = {}, opts: { returnTo?: string; relayState?: string } = {}) {
  const started = await startSignIn(app, s, opts.returnTo);
  const SAMLResponse = buildResponse({
    key: s.key,
    acsUrl: s.connection.sp.acs_url,
    audience: s.connection.sp.entity_id,
    inResponseTo: started.id,
    ...knobs,
  });
  const res = await postAcs(app, s, SAMLResponse, opts.relayState ?? started.relayState);
  return { res, started, SAMLResponse };
}

export function postAcs(app: TestApp, s: SsoSetup, SAMLResponse: string, RelayState?: string) {
  return app.http
    .post(ssoPath(s, 'acs'))
    .type('form')
    .send({ SAMLResponse, ...(RelayState === undefined ? {} : { RelayState }) });
}

/** The `ob_session` cookie the response sets, as a Cookie header value. */
export function sessionCookieOf(res: Response): string | undefined {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ob_session='));
  return header?.split(';')[0];
}

/** The reason of the newest `sso.login_failed` event. */
export async function lastFailureReason(admin: AdminClient): Promise<string | undefined> {
  const [event] = await admin.events('?type=sso.login_failed&limit=1');
  return (event?.data as { reason?: string } | undefined)?.reason;
}
