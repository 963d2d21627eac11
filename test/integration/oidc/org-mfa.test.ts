import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { totpAt } from '../../../src/auth/totp';
import { uniqueSlug } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { authorizationRequest, authorize, Browser, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld(); // the tenant does not require MFA; some organizations do
});
afterAll(() => world.app.close());

const step = () => Math.floor(Date.now() / 30_000);
const hiddenFields = (html: string) =>
  Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));

/**
 * Follows an authorization request through the hosted pages like `authorize`, and also
 * through the code step: enrols (keeping the key in `factor`) or types the current code.
 */
async function authorizeWithCode(browser: Browser, url: URL, email: string, factor: { secret?: string; pages: string[] }, pick?: string): Promise<URL> {
  let res = await browser.request(String(url));
  for (let hops = 0; hops < 25; hops++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, browser.base);
      if (next.origin !== browser.base || next.searchParams.has('code') || next.searchParams.has('error')) return next;
      res = await browser.request(next.href);
      continue;
    }
    const html = await res.text();
    expect(res.status).toBe(200);
    if (html.includes('class="recovery-code"')) {
      factor.pages.push('recovery-codes');
      res = await browser.request(/<a href="([^"]+)">Continue<\/a>/.exec(html)![1]!.replace(/&amp;/g, '&'));
      continue;
    }
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const fields = hiddenFields(html);
    if (html.includes('name="code"')) {
      factor.pages.push(fields.step_up === '1' ? 'step-up' : 'code');
      factor.secret = /data-secret="([A-Z2-7]+)"/.exec(html)?.[1] ?? factor.secret;
      res = await browser.request(action, { form: { ...fields, code: totpAt(factor.secret!, step()) } });
    } else if (html.includes('name="organization"')) {
      res = await browser.request(action, { form: { ...fields, organization: pick! } });
    } else if (html.includes('name="password"')) {
      res = await browser.request(action, { form: { ...fields, email, password: GOOD_PASSWORD } });
    } else {
      res = await browser.request(action, { form: { ...fields, email } });
    }
  }
  throw new Error('too many redirects');
}

async function mfaOrg() {
  const org = await world.admin.createOrg();
  expect((await world.admin.patch(`/organizations/${org.id}`, { auth_settings: { require_mfa: true } })).status).toBe(200);
  return org;
}

describe("an organization's require_mfa", () => {
  it('when a member signs in to an organization requiring MFA, then the code step (enrolment) comes before the code, and the ID token says amr pwd+otp', async () => {
    const org = await mfaOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('omfa')}@example.com`);
    const { config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect);
    const factor = { pages: [] as string[] } as { secret?: string; pages: string[] };
    const browser = new Browser(world.app.url);
    const callback = await authorizeWithCode(browser, request.url, person.email, factor);
    expect(factor.pages).toEqual(['step-up', 'recovery-codes']);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ org_id: org.id, amr: ['pwd', 'otp'] });
    expect((await world.admin.events(`?type=mfa.step_up`)).some((e) => (e.target as { id: string }).id === person.id)).toBe(true);
    // the refresh keeps amr and passes the organization's rule
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ org_id: org.id, amr: ['pwd', 'otp'] });

    // the same browser session signs in to another app without a second code
    const other = await registeredApp(world);
    const again = await authorizationRequest(other.config, other.redirect);
    const seen = { pages: [] as string[], secret: factor.secret };
    const second = await authorizeWithCode(browser, again.url, person.email, seen);
    expect(seen.pages).toEqual([]);
    const secondTokens = await client.authorizationCodeGrant(other.config, second, { pkceCodeVerifier: again.verifier, expectedState: again.state });
    expect(secondTokens.claims()).toMatchObject({ org_id: org.id, amr: ['pwd', 'otp'] });
  });

  it('when the step-up code is wrong or its token is used without the session, then no code is issued', async () => {
    const org = await mfaOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('omfa')}@example.com`);
    const { config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect);
    const browser = new Browser(world.app.url);
    let res = await browser.request(String(request.url));
    let html = '';
    for (let hops = 0; hops < 10 && !html.includes('name="code"'); hops++) {
      const location = res.headers.get('location');
      if (location) {
        res = await browser.request(location);
        continue;
      }
      html = await res.text();
      if (html.includes('name="code"')) break;
      const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
      res = await browser.request(action, { form: { ...hiddenFields(html), email: person.email, password: GOOD_PASSWORD } });
      html = '';
    }
    const fields = hiddenFields(html);
    expect(fields.step_up).toBe('1');
    const wrong = await browser.request('/t/' + world.admin.tenant.slug + '/login/mfa', { form: { ...fields, code: '12345x' } });
    expect(wrong.status).toBe(401);
    // the step-up token from another browser (no session): refused
    const secret = /data-secret="([A-Z2-7]+)"/.exec(html)![1]!;
    const stranger = new Browser(world.app.url);
    const stolen = await stranger.request('/t/' + world.admin.tenant.slug + '/login/mfa', { form: { ...fields, code: totpAt(secret, step()) } });
    expect(stolen.status).toBe(403);
  });

  it('when the sign-in was into an organization without MFA, then the refresh switch into one requiring it is invalid_grant, and the grant still works', async () => {
    const plain = await world.admin.createOrg();
    const strict = await mfaOrg();
    const person = await member(world.admin, plain.id, `${uniqueSlug('sw')}@example.com`);
    await world.admin.addMember(strict.id, person.id, 'member');
    const { config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect, { organization: plain.slug });
    const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ org_id: plain.id, amr: ['pwd'] });

    const refused = await client.refreshTokenGrant(config, tokens.refresh_token!, { organization: strict.slug }).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('require_mfa') });
    // the refused switch consumed nothing and linked nothing
    const kept = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(kept.claims()).toMatchObject({ org_id: plain.id });
    expect(decodeJwt(kept.access_token)).toMatchObject({ org_id: plain.id });
  });

  it('when a member of several organizations picks one requiring MFA, then the code step comes after the pick, and the pick is kept', async () => {
    const plain = await world.admin.createOrg();
    const strict = await mfaOrg();
    const person = await member(world.admin, plain.id, `${uniqueSlug('pk')}@example.com`);
    await world.admin.addMember(strict.id, person.id, 'member');
    const { config, redirect } = await registeredApp(world);
    const request = await authorizationRequest(config, redirect);
    const factor = { pages: [] as string[] } as { secret?: string; pages: string[] };
    const callback = await authorizeWithCode(new Browser(world.app.url), request.url, person.email, factor, strict.id);
    expect(factor.pages).toEqual(['step-up', 'recovery-codes']);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ org_id: strict.id, amr: ['pwd', 'otp'] });
    // after MFA the session may switch into either organization
    expect((await client.refreshTokenGrant(config, tokens.refresh_token!, { organization: plain.id })).claims()).toMatchObject({ org_id: plain.id });
  });
});
