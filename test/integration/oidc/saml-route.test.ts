import * as client from 'openid-client';
import { newId } from '../../../src/shared/ids';
import { uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, csrfOf, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';
import { buildResponse, readAuthnRedirect } from '../../support/saml-idp';
import { setupSso } from '../../support/sso';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
});
afterAll(() => world.app.close());

/** A verified domain as the domains work records one (verification itself is tested there). */
async function verified(organizationId: string, domain: string) {
  const now = new Date();
  await world.app.container.models.Domain.create({
    id: newId('dom'),
    tenant_id: world.admin.tenant.id,
    organization_id: organizationId,
    domain,
    include_subdomains: false,
    status: 'verified',
    token: 'test',
    method: 'dns_txt',
    verified_key: `${world.admin.tenant.id}:${domain}`,
    verified_at: now,
    last_checked_at: now,
    next_check_at: new Date(now.getTime() + 86_400_000),
  });
}

/**
 * An app's authorization request with a `login_hint` whose verified domain routes to the SAML
 * connection: authorization → interaction → login → SAML start → the IdP (another origin) → the
 * ACS, with the IdP's signed answer. Answers the ACS response (the way back to the interaction).
 */
async function signInThroughIdp(sso: Awaited<ReturnType<typeof setupSso>>, domainLabel: string, localPart: string) {
  const domain = `${uniqueSlug(domainLabel)}.test`;
  await verified(sso.org.id, domain);
  const email = `${localPart}@${domain}`;
  const { config, redirect } = await registeredApp(world);
  const request = await authorizationRequest(config, redirect, { login_hint: email });
  const browser = new Browser(world.app.url);
  const atIdp = await authorize(browser, request.url, { email });
  const authn = readAuthnRedirect(atIdp.href, sso.connection.sp.certificate);
  const SAMLResponse = buildResponse({ key: sso.key, acsUrl: sso.connection.sp.acs_url, audience: sso.connection.sp.entity_id, inResponseTo: authn.id, email });
  const acs = await browser.request(new URL(sso.connection.sp.acs_url).pathname, { form: { SAMLResponse, RelayState: authn.relayState } });
  return { email, config, request, browser, acs };
}

describe('sign-in routed to SAML', () => {
  it("when the app's login_hint has a domain that routes to SAML, then the IdP signs the person in and the app gets tokens for that organization", async () => {
    const sso = await setupSso(world.admin);
    const { email, config, request, browser, acs } = await signInThroughIdp(sso, 'corp', 'pat');
    expect(acs.status).toBeGreaterThanOrEqual(300);
    expect(acs.status).toBeLessThan(400);
    expect(acs.headers.get('location')).toMatch(/\/oidc\/interaction\//);

    const callback = await authorize(browser, new URL(acs.headers.get('location')!, world.app.url), { email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ email, org_id: sso.org.id, org_role: 'member' });
  });

  it("when the organization requires MFA and the person signs in through its SAML IdP, then no code is asked (its IdP's policy applies), amr is fed, and refresh passes", async () => {
    const sso = await setupSso(world.admin);
    expect((await world.admin.patch(`/organizations/${sso.org.id}`, { auth_settings: { require_mfa: true } })).status).toBe(200);
    const { email, config, request, browser, acs } = await signInThroughIdp(sso, 'mfa', 'sam');
    const interaction = await browser.request(new URL(acs.headers.get('location')!, world.app.url).pathname);
    expect(interaction.status).toBe(303); // straight on, no code page
    const callback = await authorize(browser, new URL(interaction.headers.get('location')!, world.app.url), { email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ email, org_id: sso.org.id, amr: ['fed'] });
    expect((await client.refreshTokenGrant(config, tokens.refresh_token!)).claims()).toMatchObject({ org_id: sso.org.id, amr: ['fed'] });
  });

  it('when the email typed on the identifier step routes to SAML, then the page sends the browser to the SAML start', async () => {
    const sso = await setupSso(world.admin);
    const domain = `${uniqueSlug('typed')}.test`;
    await verified(sso.org.id, domain);
    const browser = new Browser(world.app.url);
    const path = `/t/${world.admin.tenant.slug}/login`;
    const start = await browser.request(path);
    const res = await browser.request(path, { form: { csrf: csrfOf(await start.text()), email: `kim@${domain}` } });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe(`/t/${world.admin.tenant.slug}/sso/saml/${sso.connection.id}/start`);
    expect(location.searchParams.get('return_to')).toBe(`/t/${world.admin.tenant.slug}/account/organizations`);
  });
});
