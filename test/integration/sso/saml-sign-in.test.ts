import { ENTRA_ATTRIBUTES, OKTA_ATTRIBUTES } from '../../support/saml-idp';
import { createTenant } from '../../support/api';
import { bindingSetCookieOf, lastFailureReason, sessionCookieOf, setupSso, signIn, ssoPath, startSignIn, ssoTestbed, StubVerifiedDomains } from '../../support/sso';
import { startTestApp } from '../../support/test-app';

const t = ssoTestbed();

describe('SAML sign-in: happy paths', () => {
  it('when an Okta-like response arrives for a verified domain, then a JIT member is signed in and sent to return_to', async () => {
    const s = await setupSso(t.admin);
    t.domains.verify(s.org.id, 'okta-acme.test');
    const { res, started } = await signIn(t.app, s, { email: 'Alice@Okta-Acme.test', attributes: OKTA_ATTRIBUTES('Alice@Okta-Acme.test') }, { returnTo: '/app/home?x=1' });
    expect(started.signatureValid).toBe(true);
    expect(started.request).toContain(`AssertionConsumerServiceURL="${s.connection.sp.acs_url}"`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/app/home?x=1');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie']).find((c) => c.startsWith('ob_session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=86400/);

    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('Alice@Okta-Acme.test');
    expect(me.body.user.name).toBe('Alice Anders');
    expect(me.body.organization).toEqual({ id: s.org.id, slug: s.org.slug, name: 'Org', role: 'member', roles: ['member'] });
    const members = await t.admin.get(`/organizations/${s.org.id}/members`);
    expect(members.body.data).toEqual([expect.objectContaining({ email: 'Alice@Okta-Acme.test', source: 'jit', role: 'member' })]);
    expect((await t.admin.events('?type=sso.login_succeeded'))[0]).toMatchObject({ organization_id: s.org.id });
  });

  it('when an Entra-like response (assertion signed only) maps groups to roles, then the mapped role is given', async () => {
    const s = await setupSso(t.admin, { role_mappings: { default_role: 'guest', mappings: [{ group: '8a1f-admins', role: 'admin' }] } });
    t.domains.verify(s.org.id, 'entra-acme.test');
    const email = 'erin@entra-acme.test';
    const { res } = await signIn(t.app, s, { email: 'opaque-id', attributes: ENTRA_ATTRIBUTES(email), signResponse: false });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/t/${t.admin.tenant.slug}/account/organizations`);
    const orgs = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me/organizations`).set('Cookie', sessionCookieOf(res)!);
    expect(orgs.body.data).toEqual([{ id: s.org.id, slug: s.org.slug, name: 'Org', role: 'admin', roles: ['admin'] }]);
    const page = await t.app.http.get(res.headers.location!).set('Cookie', sessionCookieOf(res)!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(email);
    expect(page.text).toMatch(/Org <span class="hint">\([a-z0-9-]+\)<\/span> — admin <strong>\(current\)<\/strong>/);
    expect((await t.app.http.get(res.headers.location!)).status).toBe(401);

    // the groups change at the IdP: the JIT membership follows at the next sign-in
    const again = await signIn(t.app, s, { email: 'opaque-id', attributes: { ...ENTRA_ATTRIBUTES(email), 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': [] }, signResponse: false });
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(again.res)!);
    expect(me.body.organization.role).toBe('guest');
    expect((await t.admin.events('?type=membership.role_changed'))[0]!.data).toMatchObject({ from: 'admin', to: 'guest', source: 'jit' });
  });

  it('when the session lifetime is set on the organization, then the cookie and session follow it', async () => {
    const s = await setupSso(t.admin);
    expect((await t.admin.patch(`/organizations/${s.org.id}`, { auth_settings: { session_ttl_hours: 2 } })).status).toBe(200);
    t.domains.verify(s.org.id, 'elsewhere.test');
    const user = await t.admin.createUser('ttl@elsewhere.test');
    await t.admin.addMember(s.org.id, user.id, 'admin');
    const { res } = await signIn(t.app, s, { email: 'TTL@elsewhere.test' });
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']![0]).toMatch(/Max-Age=7200/);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.organization.role).toBe('admin');
  });

  it('when the SP metadata is fetched, then it names the ACS and the SP certificate', async () => {
    const s = await setupSso(t.admin);
    const res = await t.app.http.get(ssoPath(s, 'metadata'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/samlmetadata\+xml/);
    expect(res.text).toContain(`entityID="${s.connection.sp.entity_id}"`);
    expect(res.text).toContain(`Location="${s.connection.sp.acs_url}"`);
    expect(res.text).toContain(s.connection.sp.certificate.split('\n')[1]!);
  });

  it('when /me is called without or with a forged session, then 401', async () => {
    expect((await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`)).status).toBe(401);
    const forged = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', 'ob_session=abc.def');
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('unauthorized');
  });

  it('when return_to is not a same-origin path, then start answers 400', async () => {
    const s = await setupSso(t.admin);
    for (const bad of ['https://evil.test/', '//evil.test', '/\\evil.test', 'javascript:alert(1)', 'relative']) {
      const res = await t.app.http.get(ssoPath(s, 'start')).query({ return_to: bad });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/html/);
    }
    await startSignIn(t.app, s, '/ok');
    expect(await lastFailureReason(t.admin)).toBeUndefined();
  });
});

describe('behind an https PUBLIC_URL', () => {
  it('when signed in, then the session and binding cookies are Secure (the binding SameSite=None) and the SP URLs use the public URL', async () => {
    const domains = new StubVerifiedDomains();
    const app = await startTestApp({ env: { PUBLIC_URL: 'https://sso.example.test' }, overrides: { verifiedDomains: domains } });
    try {
      const s = await setupSso(await createTenant(app));
      expect(s.connection.sp.acs_url).toMatch(/^https:\/\/sso\.example\.test\/t\//);
      domains.verify(s.org.id, 'secure.test');
      const { res, started } = await signIn(app, s, { email: 'sec@secure.test' });
      // A __Host- cookie: Secure, Path=/, no Domain (so only an https answer of this host can set it).
      expect(started.setCookie).toBe(`__Host-ob_saml_binding_${s.connection.id}=${started.relayState}; Path=/; Max-Age=600; HttpOnly; SameSite=None; Secure`);
      expect(res.status).toBe(303);
      expect(sessionCookieOf(res)).toBeDefined();
      expect(res.headers['set-cookie']![0]).toMatch(/^ob_session=.*; Secure$/);
      expect(bindingSetCookieOf(res)).toBe(`__Host-ob_saml_binding_${s.connection.id}=; Path=/; Max-Age=0; HttpOnly; SameSite=None; Secure`);
    } finally {
      await app.close();
    }
  });

  it('when an attacker planted a binding cookie without the __Host- prefix (from a sibling subdomain or a plain-http answer), then it does not count: browser_binding_missing, no session', async () => {
    // Login CSRF by cookie tossing: the attacker starts a sign-in, so knows its RelayState (the
    // cookie's value), and sets `ob_saml_binding=<it>` in the victim's browser with
    // `Domain=<parent domain>` from a host of theirs, or over http from a network position.
    const domains = new StubVerifiedDomains();
    const app = await startTestApp({ env: { PUBLIC_URL: 'https://sso.example.test' }, overrides: { verifiedDomains: domains } });
    try {
      const admin = await createTenant(app);
      const s = await setupSso(admin);
      domains.verify(s.org.id, 'tossed.test');
      const { res } = await signIn(app, s, { email: 'mallory@tossed.test' }, { cookie: null, plantedCookie: (relayState) => `ob_saml_binding=${relayState}` });
      expect(res.status).toBe(400);
      expect(sessionCookieOf(res)).toBeUndefined();
      expect(await lastFailureReason(admin)).toBe('browser_binding_missing');
    } finally {
      await app.close();
    }
  });
});
