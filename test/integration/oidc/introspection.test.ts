import * as client from 'openid-client';
import { uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';
import { createDirectory } from '../../support/scim';
import { StubVerifiedDomains } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

const domains = new StubVerifiedDomains();
let world: OidcWorld;
/** A second orgbridge process on the same database and public URL. */
let second: TestApp;
beforeAll(async () => {
  world = await oidcWorld({ overrides: { verifiedDomains: domains } });
  second = await startTestApp({ databaseUrl: world.app.databaseUrl, env: { PUBLIC_URL: world.app.url }, overrides: { verifiedDomains: domains } });
});
afterAll(async () => {
  await second?.close();
  await world?.app.close();
});

/** A member of a new organization signed in to a new web app, with its tokens. */
async function signedIn(email = `${uniqueSlug('p')}@example.com`) {
  const { admin } = world;
  const org = await admin.createOrg();
  const person = await member(admin, org.id, email);
  const registered = await registeredApp(world);
  const request = await authorizationRequest(registered.config, registered.redirect);
  const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
  const tokens = await client.authorizationCodeGrant(registered.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
  return { org, person, tokens, ...registered };
}

type Credentials = { client_id: string; client_secret?: string };
async function introspectRaw(base: string, app: Credentials, token: string) {
  return fetch(`${base}/t/${world.admin.tenant.slug}/oidc/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
}
async function introspect(base: string, app: Credentials, token: string) {
  const res = await introspectRaw(base, app, token);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toContain('no-store');
  return (await res.json()) as { active: boolean; [k: string]: unknown };
}

describe('introspection of JWT access tokens', () => {
  it('when the app introspects its good access token, then it is active with RFC 7662 fields and the claims of now, on both processes', async () => {
    const { tokens, app, person, org, config } = await signedIn();
    for (const base of [world.app.url, second.url]) {
      const answer = await introspect(base, app, tokens.access_token);
      expect(answer).toMatchObject({
        active: true,
        sub: person.id,
        client_id: app.client_id,
        iss: world.issuer,
        aud: app.client_id,
        token_type: 'Bearer',
        scope: expect.stringContaining('openid'),
        tenant_id: world.admin.tenant.id,
        org_id: org.id,
        org_slug: org.slug,
        org_role: 'member',
        roles: ['member'],
        email: person.email,
      });
      expect((answer.exp as number) - (answer.iat as number)).toBe(600);
    }
    // a role change shows at once, though the token still says member
    expect((await world.admin.patch(`/organizations/${org.id}/members/${person.id}`, { role: 'admin' })).status).toBe(200);
    expect(await introspect(second.url, app, tokens.access_token)).toMatchObject({ active: true, org_role: 'admin' });
    // openid-client reads the same answer
    expect(await client.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, sub: person.id });
  });

  it('when another app introspects the token, then it is inactive; a wrong secret is invalid_client', async () => {
    const { tokens, app } = await signedIn();
    const other = await registeredApp(world);
    expect(await introspect(world.app.url, other.app, tokens.access_token)).toEqual({ active: false });
    const wrong = await introspectRaw(world.app.url, { ...app, client_secret: `${app.client_secret}x` }, tokens.access_token);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('when the token is tampered with, expired-shaped or not ours, then it is inactive', async () => {
    const { tokens, app } = await signedIn();
    const [h, p, s] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, org_role: 'owner' })).toString('base64url')}.${s}`;
    expect(await introspect(world.app.url, app, forged)).toEqual({ active: false });
    expect(await introspect(world.app.url, app, tokens.id_token!)).toEqual({ active: false }); // an ID token is no access token
    // a refresh token (opaque) still goes to oidc-provider
    expect(await introspect(world.app.url, app, tokens.refresh_token!)).toMatchObject({ active: true, client_id: app.client_id });
  });

  it('when the user is blocked, then the access token is inactive on the other process at once', async () => {
    const { tokens, app, person } = await signedIn();
    expect(await introspect(second.url, app, tokens.access_token)).toMatchObject({ active: true });
    expect((await world.admin.patch(`/users/${person.id}`, { blocked: true })).status).toBe(200);
    expect(await introspect(second.url, app, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(world.app.url, app, tokens.access_token)).toEqual({ active: false });
  });

  it('when a token was just accepted at /me and userinfo (its signature remembered), then blocking the user refuses it at once on both processes, and an altered copy never passes', async () => {
    const { tokens, person } = await signedIn();
    const slug = world.admin.tenant.slug;
    const me = (url: string, token: string) => fetch(`${url}/t/${slug}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const userinfo = (url: string, token: string) => fetch(`${url}/t/${slug}/oidc/me`, { headers: { authorization: `Bearer ${token}` } });
    for (const url of [world.app.url, second.url]) {
      expect((await me(url, tokens.access_token)).status).toBe(200);
      expect((await userinfo(url, tokens.access_token)).status).toBe(200);
    }
    const [head, body, signature] = tokens.access_token.split('.');
    const altered = `${head}.${body}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await me(world.app.url, altered)).status).toBe(401);
    expect((await world.admin.patch(`/users/${person.id}`, { blocked: true })).status).toBe(200);
    for (const url of [world.app.url, second.url]) {
      expect((await me(url, tokens.access_token)).status).toBe(401);
      expect((await userinfo(url, tokens.access_token)).status).toBe(401);
    }
  });

  it('when the member is removed, then the access token is inactive on both processes', async () => {
    const { tokens, app, person, org } = await signedIn();
    expect((await world.admin.del(`/organizations/${org.id}/members/${person.id}`)).status).toBe(204);
    expect(await introspect(second.url, app, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(world.app.url, app, tokens.access_token)).toEqual({ active: false });
  });

  it('when the directory suspends the member, then the access token is inactive', async () => {
    const domain = `${uniqueSlug('susp')}.example`;
    const { tokens, app, org } = await signedIn(`kim@${domain}`);
    domains.verify(org.id, domain);
    const scim = await createDirectory(world.admin, org.id, 'okta');
    const directoryUser = await scim.createUser(`kim@${domain}`); // takes over the membership
    expect(await introspect(second.url, app, tokens.access_token)).toMatchObject({ active: true });
    await scim.patchOps(`/Users/${directoryUser.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect((await world.admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ status: 'suspended' });
    expect(await introspect(second.url, app, tokens.access_token)).toEqual({ active: false });
  });

  it('when the grant is revoked (its refresh token revoked), then its access token is inactive and /me refuses it', async () => {
    const { tokens, app, config } = await signedIn();
    const slug = world.admin.tenant.slug;
    expect((await world.app.http.get(`/t/${slug}/api/v1/me`).set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect(await introspect(second.url, app, tokens.access_token)).toEqual({ active: false });
    expect((await world.app.http.get(`/t/${slug}/api/v1/me`).set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
  });

  it('when a refresh token is reused (the grant is revoked), then the access tokens of the grant are inactive', async () => {
    const { tokens, app, config } = await signedIn();
    const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(await introspect(world.app.url, app, rotated.access_token)).toMatchObject({ active: true });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await introspect(world.app.url, app, rotated.access_token)).toEqual({ active: false });
    expect(await introspect(world.app.url, app, tokens.access_token)).toEqual({ active: false });
  });

  it('when a machine token is introspected by its app, then it is active with no user claims; by another app inactive', async () => {
    const { app, config } = await registeredApp(world);
    const tokens = await client.clientCredentialsGrant(config);
    const answer = await introspect(second.url, app, tokens.access_token);
    expect(answer).toMatchObject({ active: true, sub: app.client_id, client_id: app.client_id, tenant_id: world.admin.tenant.id, token_type: 'Bearer' });
    expect(answer.org_id).toBeUndefined();
    const other = await registeredApp(world);
    expect(await introspect(second.url, other.app, tokens.access_token)).toEqual({ active: false });
  });
});
