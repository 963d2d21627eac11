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

export const BINDING_COOKIE = 'ob_saml_binding';
/** The binding cookie's Set-Cookie: `ob_saml_binding` on http, `__Host-ob_saml_binding_<connection>` on https. */
const isBindingCookie = (setCookie: string) => /^(__Host-ob_saml_binding_[A-Za-z0-9_-]+|ob_saml_binding)=/.test(setCookie);

/** GET start, as the browser does; returns what the IdP receives and the binding cookie the browser keeps. */
export async function startSignIn(app: TestApp, s: SsoSetup, returnTo?: string) {
  const res = await app.http.get(ssoPath(s, 'start')).query(returnTo === undefined ? {} : { return_to: returnTo });
  expect(res.status).toBe(302);
  const setCookie = setCookiesOf(res).find(isBindingCookie);
  return { ...readAuthnRedirect(res.headers.location!, s.connection.sp.certificate), cookie: browserSends(setCookie, ssoPath(s, 'acs')), setCookie };
}

/**
 * The Cookie header value a browser would send to `path` for this Set-Cookie: the path must
 * match and the cookie must not be expired (SameSite and Secure are asserted by the tests).
 */
function browserSends(setCookie: string | undefined, path: string): string | undefined {
  if (!setCookie) return undefined;
  const [pair, ...attrs] = setCookie.split(';').map((p) => p.trim());
  const attr = (name: string) => attrs.find((a) => a.toLowerCase().startsWith(`${name.toLowerCase()}=`))?.slice(name.length + 1);
  const cookiePath = attr('Path') ?? '/';
  if (!(path === cookiePath || path.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`))) return undefined;
  if (Number(attr('Max-Age') ?? '1') <= 0) return undefined;
  return pair;
}

const setCookiesOf = (res: Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);

/** What a browser sends with the ACS post: the RelayState the IdP echoes and the cookies it holds. */
export interface AcsBrowser {
  relayState?: string;
  cookie?: string;
}

export type ResponseKnobs = Partial<Omit<ResponseOptions, 'acsUrl' | 'audience'>>;

/** Starts a sign-in and posts the IdP's answer to the ACS from the same browser (`cookie: null`: without the binding cookie). */
export async function signIn(
  app: TestApp,
  s: SsoSetup,
  knobs: ResponseKnobs = {},
  opts: { returnTo?: string; relayState?: string; cookie?: string | null; plantedCookie?: (relayState: string) => string } = {},
) {
  const started = await startSignIn(app, s, opts.returnTo);
  const SAMLResponse = buildResponse({
    key: s.key,
    acsUrl: s.connection.sp.acs_url,
    audience: s.connection.sp.entity_id,
    inResponseTo: started.id,
    ...knobs,
  });
  const own = opts.cookie === null ? undefined : (opts.cookie ?? started.cookie);
  const planted = opts.plantedCookie?.(started.relayState!);
  const cookie = [own, planted].filter(Boolean).join('; ') || undefined;
  const res = await postAcs(app, s, SAMLResponse, { relayState: opts.relayState ?? started.relayState, cookie });
  return { res, started, SAMLResponse };
}

/** The IdP's POST to the ACS; pass what startSignIn answered to post it from the browser that started. */
export function postAcs(app: TestApp, s: SsoSetup, SAMLResponse: string, browser: AcsBrowser = {}) {
  const req = app.http.post(ssoPath(s, 'acs')).type('form');
  if (browser.cookie) req.set('Cookie', browser.cookie);
  return req.send({ SAMLResponse, ...(browser.relayState === undefined ? {} : { RelayState: browser.relayState }) });
}

/** The `ob_session` cookie the response sets, as a Cookie header value. */
export function sessionCookieOf(res: Response): string | undefined {
  const header = setCookiesOf(res).find((c) => c.startsWith('ob_session='));
  return header?.split(';')[0];
}

/** The Set-Cookie header the response sends for the binding cookie, if any. */
export function bindingSetCookieOf(res: Response): string | undefined {
  return setCookiesOf(res).find(isBindingCookie);
}

/** The reason of the newest `sso.login_failed` event. */
export async function lastFailureReason(admin: AdminClient): Promise<string | undefined> {
  const [event] = await admin.events('?type=sso.login_failed&limit=1');
  return (event?.data as { reason?: string } | undefined)?.reason;
}
