import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { uniqueSlug } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { authorizationRequest, authorize, Browser, csrfOf, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
});
afterAll(() => world.app.close());

describe('authorization code + PKCE', () => {
  it('when a member signs in through the hosted page, then the ID and access tokens carry the organization claims', async () => {
    const { admin } = world;
    const org = await admin.createOrg({ name: 'Acme' });
    const person = await member(admin, org.id, `${uniqueSlug('ann')}@example.com`);
    const { app, config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect);

    const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });

    const expected = {
      sub: person.id,
      email: person.email,
      email_verified: true,
      name: 'Test Person',
      tenant_id: admin.tenant.id,
      org_id: org.id,
      org_slug: org.slug,
      org_role: 'member',
      roles: ['member'],
      permissions: [],
    };
    expect(tokens.claims()).toMatchObject({ ...expected, iss: world.issuer, aud: app.client_id });
    expect(tokens.claims()!.sid).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!), { [Symbol.for('allowInsecureRequests')]: true } as never);
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: world.issuer, audience: app.client_id, typ: 'at+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject(expected);
    expect(payload.exp! - payload.iat!).toBe(600);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, person.id);
    expect(userinfo).toMatchObject(expected);

    const me = await world.app.http.get(`/t/${admin.tenant.slug}/api/v1/me`).set('Authorization', `Bearer ${tokens.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: person.id, email: person.email }, organization: { id: org.id, slug: org.slug, role: 'member' } });

    const types = (await admin.events()).map((e) => e.type);
    expect(types).toContain('user.signed_in');
  });

  it('when the same code is redeemed twice, then the second is refused with invalid_grant', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('reuse')}@example.com`);
    const { config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect);
    const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
    const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state };
    const first = await client.authorizationCodeGrant(config, callback, checks);
    await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    // reuse of a code revokes what it gave: the refresh token from the first redemption is dead too
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('when the redirect_uri is not registered exactly, then the authorization endpoint refuses without redirecting', async () => {
    const { config } = await registeredApp(world);
    const request = await authorizationRequest(config, 'http://127.0.0.1:9/callback/other');
    const res = await new Browser(world.app.url).request(request.url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri');
  });

  it('when PKCE is missing, then the app gets invalid_request and no code', async () => {
    const { config, redirect } = await registeredApp(world, 'web');
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid', state: 'abc' });
    const res = await new Browser(world.app.url).request(url.href);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('when the person is a member of several organizations, then they pick one; `organization` skips the picker; a non-member one is access_denied', async () => {
    const { admin } = world;
    const first = await admin.createOrg({ name: 'Alpha' });
    const second = await admin.createOrg({ name: 'Beta' });
    const other = await admin.createOrg({ name: 'Gamma' });
    const person = await member(admin, first.id, `${uniqueSlug('multi')}@example.com`);
    await admin.addMember(second.id, person.id, 'admin');
    const { config, redirect } = await registeredApp(world, 'spa');
    const browser = new Browser(world.app.url);

    const picked = await authorizationRequest(config, redirect);
    const callback = await authorize(browser, picked.url, { email: person.email }, second.id);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: picked.verifier, expectedState: picked.state });
    expect(tokens.claims()).toMatchObject({ org_id: second.id, org_slug: second.slug, org_role: 'admin', roles: ['admin'] });

    // the same browser session: no password again, and `organization` (a slug) chooses without a page
    const asked = await authorizationRequest(config, redirect, { organization: first.slug });
    const again = await authorize(browser, asked.url, { email: person.email });
    const firstTokens = await client.authorizationCodeGrant(config, again, { pkceCodeVerifier: asked.verifier, expectedState: asked.state });
    expect(firstTokens.claims()).toMatchObject({ org_id: first.id, org_role: 'member' });

    const denied = await authorizationRequest(config, redirect, { organization: other.id });
    const refused = await authorize(browser, denied.url, { email: person.email });
    expect(refused.searchParams.get('error')).toBe('access_denied');
    expect(refused.searchParams.has('code')).toBe(false);
  });

  it('when the app asks prompt=login or a max_age the session is older than, then the password is asked again; otherwise the session is reused', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('again')}@example.com`);
    const { config, redirect } = await registeredApp(world, 'spa');
    const browser = new Browser(world.app.url);
    const signIns = async () => (await admin.events('?type=user.signed_in')).filter((e) => (e.target as { id: string }).id === person.id).length;
    const run = async (extra: Record<string, string>) => {
      const request = await authorizationRequest(config, redirect, extra);
      const callback = await authorize(browser, request.url, { email: person.email });
      return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, maxAge: extra.max_age ? Number(extra.max_age) : undefined });
    };
    const first = await run({});
    expect(await signIns()).toBe(1);
    await run({ max_age: '3600' });
    expect(await signIns()).toBe(1);
    await new Promise((r) => setTimeout(r, 1100)); // auth_time has whole seconds
    const forced = await run({ prompt: 'login' });
    expect(await signIns()).toBe(2);
    expect(forced.claims()!.auth_time).toBeGreaterThan(first.claims()!.auth_time as number);
    await new Promise((r) => setTimeout(r, 1100));
    await run({ max_age: '1' });
    expect(await signIns()).toBe(3);
  });

  it('when the person belongs to no organization, then the tokens say org_id null', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('none')}@example.com`);
    expect((await admin.del(`/organizations/${org.id}/members/${person.id}`)).status).toBe(204);
    const { config, redirect } = await registeredApp(world, 'spa');
    const request = await authorizationRequest(config, redirect);
    const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ sub: person.id, org_id: null, org_slug: null, org_role: null, roles: [], permissions: [] });
  });
});

describe('hosted sign-in page', () => {
  const loginPath = () => `/t/${world.admin.tenant.slug}/login`;

  async function passwordStep(browser: Browser, email: string) {
    const start = await browser.request(loginPath());
    expect(start.status).toBe(200);
    const html = await start.text();
    expect(html).toContain('name="email"');
    const res = await browser.request(loginPath(), { form: { csrf: csrfOf(html), email } });
    return { status: res.status, html: await res.text() };
  }

  it('when an email is unknown, then the password step looks exactly as for a known one, and a wrong password answers the same', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('known')}@example.com`);
    const unknown = `${uniqueSlug('nobody')}@example.com`;
    const known = await passwordStep(new Browser(world.app.url), person.email);
    const missing = await passwordStep(new Browser(world.app.url), unknown);
    expect(known.status).toBe(200);
    expect(missing.status).toBe(200);
    const scrub = (html: string, email: string) => html.replace(email, 'EMAIL').replace(/value="[^"]{20,}"/g, 'value="CSRF"');
    expect(scrub(missing.html, unknown)).toBe(scrub(known.html, person.email));

    const attempt = async (email: string, password: string) => {
      const browser = new Browser(world.app.url);
      const step = await passwordStep(browser, email);
      const res = await browser.request(loginPath(), { form: { csrf: csrfOf(step.html), email, password } });
      return { status: res.status, html: scrub(await res.text(), email), cookie: res.headers.getSetCookie().some((c) => c.startsWith('ob_session=')) };
    };
    const wrong = await attempt(person.email, 'not the password at all');
    const nobody = await attempt(unknown, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(nobody).toEqual(wrong);
    expect(wrong.cookie).toBe(false);
    expect(wrong.html).toContain('wrong email or password');

    const failed = await admin.events('?type=user.login_failed');
    expect(failed.map((e) => (e.data as { reason: string }).reason).slice(0, 2).sort()).toEqual(['unknown_email', 'wrong_password']);
  });

  it('when passwords are tried for a known and an unknown email, then the answers take the same time (median ratio within 20 %)', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('timed')}@example.com`);
    const unknown = `${uniqueSlug('nobody')}@example.com`;
    const timed = async (email: string) => {
      const browser = new Browser(world.app.url);
      const step = await passwordStep(browser, email);
      const started = performance.now();
      const res = await browser.request(loginPath(), { form: { csrf: csrfOf(step.html), email, password: 'not the password at all' } });
      await res.text();
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const known: number[] = [];
    const missing: number[] = [];
    await timed(unknown); // warm-up: the dummy hash is made on first use
    // Interleaved, so that the machine's load changes both series alike (the account locks on the
    // way: a locked account must take the same time too).
    for (let i = 0; i < 10; i++) {
      known.push(await timed(person.email));
      missing.push(await timed(unknown));
    }
    // The median of the pairs' ratios: each pair ran back to back, so a change in the machine's
    // load between pairs cancels out.
    const ratios = known.map((k, i) => k / missing[i]!).sort((x, y) => x - y);
    const median = (ratios[4]! + ratios[5]!) / 2;
    expect(Math.abs(1 - median)).toBeLessThanOrEqual(0.2);
  });

  it('when the CSRF field is missing, then 403 and no session', async () => {
    const res = await new Browser(world.app.url).request(loginPath(), { form: { email: 'a@example.com', password: 'x' } });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('ob_session='))).toBe(false);
  });

  it('when a person signs in without an app and then logs out, then /me answers them, then 401', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('plain')}@example.com`);
    const browser = new Browser(world.app.url);
    const step = await passwordStep(browser, person.email);
    const signedIn = await browser.request(loginPath(), { form: { csrf: csrfOf(step.html), email: person.email, password: GOOD_PASSWORD } });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`/t/${admin.tenant.slug}/account/organizations`);
    const me = await browser.request(`/t/${admin.tenant.slug}/api/v1/me`);
    expect(me.status).toBe(200);
    expect((await me.json()).user.id).toBe(person.id);
    const out = await browser.request(`/t/${admin.tenant.slug}/logout`, { method: 'POST' });
    expect(out.status).toBe(303);
    expect((await browser.request(`/t/${admin.tenant.slug}/api/v1/me`)).status).toBe(401);
  });

  it('when the app sends the person to end_session and they confirm, then the grant and the hosted session both end', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('bye')}@example.com`);
    const res = await admin.post('/applications', { name: 'Bye', type: 'spa', redirect_uris: ['http://127.0.0.1:9/cb'], post_logout_redirect_uris: ['http://127.0.0.1:9/bye'] });
    const config = await client.discovery(new URL(world.issuer), res.body.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const browser = new Browser(world.app.url);
    const request = await authorizationRequest(config, 'http://127.0.0.1:9/cb');
    const callback = await authorize(browser, request.url, { email: person.email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect((await browser.request(`/t/${admin.tenant.slug}/api/v1/me`)).status).toBe(200);

    const endUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye', state: 'st' });
    const page = await browser.request(endUrl.href);
    expect(page.status).toBe(200);
    const html = await page.text();
    const action = /action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirmed = await browser.request(action, { form: { xsrf, logout: 'yes' } });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('http://127.0.0.1:9/bye?state=st');

    expect((await browser.request(`/t/${admin.tenant.slug}/api/v1/me`)).status).toBe(401);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
