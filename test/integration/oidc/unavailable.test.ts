import * as client from 'openid-client';
import { uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, csrfOf, member, oidcWorld, registeredApp } from '../../support/oidc';
import { GOOD_PASSWORD } from '../../support/invitations';
import { ManualClock } from '../../support/test-app';

/**
 * The OpenID provider while the database is down. The tenant, its provider and its keys are
 * still cached (a clock that does not move keeps them so), so every request reaches oidc-provider
 * and our token checks, which then meet the closed database: what a node sees in the seconds
 * after its database goes away.
 */
describe('the OpenID provider while the database is down', () => {
  it('token, authorization, revocation, introspection, userinfo, /me and end_session answer 503 with Retry-After: never a 500 server_error, a 401 or an inactive token', async () => {
    const clock = new ManualClock();
    const world = await oidcWorld({ clock });
    const { app, admin } = world;
    try {
      const org = await admin.createOrg();
      const person = await member(admin, org.id, `${uniqueSlug('p')}@example.com`);
      const registered = await registeredApp(world);
      const request = await authorizationRequest(registered.config, registered.redirect);
      const callback = await authorize(new Browser(app.url), request.url, { email: person.email });
      const tokens = await client.authorizationCodeGrant(registered.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      const next = await authorizationRequest(registered.config, registered.redirect);
      await app.container.db.close();

      const basic = `Basic ${Buffer.from(`${registered.app.client_id}:${registered.app.client_secret}`).toString('base64')}`;
      const formPost = (path: string, body: Record<string, string>) =>
        fetch(`${world.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new URLSearchParams(body).toString() });
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      const oauthJson: Array<[string, () => Promise<Response>]> = [
        ['refresh', () => formPost('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })],
        ['code', () => formPost('/token', { grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: registered.redirect })],
        ['revocation', () => formPost('/token/revocation', { token: tokens.refresh_token! })],
        ['introspection', () => formPost('/token/introspection', { token: tokens.access_token })],
        ['userinfo', () => fetch(`${world.issuer}/me`, { headers: bearer })],
      ];
      const expectOauth503 = async () => {
        for (const [name, send] of oauthJson) {
          const res = await send();
          const text = await res.text();
          expect({ name, status: res.status, retryAfter: Number(res.headers.get('retry-after')) }).toEqual({ name, status: 503, retryAfter: 5 });
          expect(JSON.parse(text)).toEqual({ error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable' });
        }
      };
      await expectOauth503();
      // A browser at the authorization and end-session endpoints gets a page.
      for (const url of [next.url.href, `${world.issuer}/session/end?client_id=${registered.app.client_id}`]) {
        const res = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
        expect({ url, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ url, status: 503, retryAfter: '5' });
        expect(res.headers.get('content-type')).toMatch(/html/);
        expect(await res.text()).not.toMatch(/SQLITE|mysql|at .*\.ts/i);
      }
      // Once the tenant, provider and keys caches lapse, the same, discovery and keys included
      // (they were served from the cache until now).
      clock.advance(60_000);
      oauthJson.push(['discovery', () => fetch(`${world.issuer}/.well-known/openid-configuration`)], ['jwks', () => fetch(`${world.issuer}/jwks`)]);
      await expectOauth503();
      const page = await fetch(next.url.href, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect({ status: page.status, retryAfter: page.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
      expect(page.headers.get('content-type')).toMatch(/html/);
      // The API's /me, in the API's error shape.
      const me = await fetch(`${app.url}/t/${admin.tenant.slug}/api/v1/me`, { headers: bearer });
      expect(me.status).toBe(503);
      expect(me.headers.get('retry-after')).toBe('5');
      expect(((await me.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('hosted pages answer a 503 page with Retry-After: a sign-in is not told the tenant does not exist, a signed-in person is not signed out', async () => {
    const world = await oidcWorld({ clock: new ManualClock() });
    const { app, admin } = world;
    try {
      const slug = admin.tenant.slug;
      const org = await admin.createOrg();
      const person = await member(admin, org.id, `${uniqueSlug('p')}@example.com`);
      const registered = await registeredApp(world);
      const signedIn = new Browser(app.url);
      await authorize(signedIn, (await authorizationRequest(registered.config, registered.redirect)).url, { email: person.email });
      expect((await signedIn.request(`/t/${slug}/account/organizations`)).status).toBe(200);
      const stranger = new Browser(app.url);
      const csrf = csrfOf(await (await stranger.request(`/t/${slug}/login`)).text());
      await app.container.db.close();

      const pages: Array<[string, () => Promise<Response>]> = [
        // was a 404 page: the tenant look-up's failure was taken for an unknown tenant
        ['password sign-in', () => stranger.request(`/t/${slug}/login`, { form: { csrf, email: person.email, password: GOOD_PASSWORD } })],
        ['forgot password', () => stranger.request(`/t/${slug}/login/forgot`, { form: { csrf, email: person.email } })],
        // were a 404 page and a redirect to sign in again
        ['account page', () => signedIn.request(`/t/${slug}/account/organizations`)],
        ['portal', () => signedIn.request(`/t/${slug}/portal/`)],
      ];
      for (const [name, open] of pages) {
        const res = await open();
        expect({ name, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ name, status: 503, retryAfter: '5' });
        expect(res.headers.get('content-type')).toMatch(/html/);
        expect(await res.text()).not.toMatch(/SQLITE|mysql|at .*\.ts/i);
      }
    } finally {
      await app.close();
    }
  }, 60_000);
});
