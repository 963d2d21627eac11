import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { createTenant, uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';
import { ROOT_KEY, startTestApp } from '../../support/test-app';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
});
afterAll(() => world.app.close());

/** A member of a new organization signed in to a new web app: its tokens and what made them. */
async function signedIn(role = 'member') {
  const { admin } = world;
  const org = await admin.createOrg();
  const person = await member(admin, org.id, `${uniqueSlug('p')}@example.com`);
  if (role !== 'member') expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { role })).status).toBe(200);
  const registered = await registeredApp(world);
  const request = await authorizationRequest(registered.config, registered.redirect);
  const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
  const tokens = await client.authorizationCodeGrant(registered.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
  return { org, person, tokens, ...registered };
}

/** Another member of `org` signs in to the same app. */
async function signedInTo(org: { id: string }, config: client.Configuration) {
  const person = await member(world.admin, org.id, `${uniqueSlug('q')}@example.com`);
  const redirect = 'http://127.0.0.1:9/callback';
  const request = await authorizationRequest(config, redirect);
  const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
}

const jwksOf = (config: client.Configuration) =>
  createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!), { [Symbol.for('allowInsecureRequests')]: true } as never);

/** openid-client reports a 401 invalid_client as a WWW-Authenticate challenge. */
async function expectInvalidClient(attempt: Promise<unknown>) {
  const err = (await attempt.then(() => null, (e: unknown) => e)) as { error?: string; cause?: unknown } | null;
  expect(err).not.toBeNull();
  expect(`${err!.error ?? ''} ${JSON.stringify(err!.cause ?? '')}`).toContain('invalid_client');
}

async function introspect(base: string, slug: string, app: { client_id: string; client_secret?: string }, token: string) {
  const res = await fetch(`${base}/t/${slug}/oidc/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { active: boolean; [k: string]: unknown };
}

describe('refresh tokens', () => {
  it('when a refresh token is used, then it is rotated; using the old one again revokes the whole grant', async () => {
    const { tokens, config } = await signedIn();
    const first = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('when refreshed with `organization`, then the tokens are for that organization and the next refresh keeps it', async () => {
    const { admin } = world;
    const { tokens, config, person, org } = await signedIn();
    const other = await admin.createOrg();
    await admin.addMember(other.id, person.id, 'admin');
    const stranger = await admin.createOrg();

    const switched = await client.refreshTokenGrant(config, tokens.refresh_token!, { organization: other.slug });
    expect(switched.claims()).toMatchObject({ org_id: other.id, org_slug: other.slug, org_role: 'admin' });
    const { payload } = await jwtVerify(switched.access_token, jwksOf(config), { issuer: world.issuer });
    expect(payload).toMatchObject({ org_id: other.id, org_role: 'admin' });

    const kept = await client.refreshTokenGrant(config, switched.refresh_token!);
    expect(kept.claims()).toMatchObject({ org_id: other.id });

    await expect(client.refreshTokenGrant(config, kept.refresh_token!, { organization: stranger.id })).rejects.toMatchObject({ error: 'invalid_grant' });
    const back = await client.refreshTokenGrant(config, kept.refresh_token!, { organization: org.id });
    expect(back.claims()).toMatchObject({ org_id: org.id, org_role: 'member' });
  });

  it('when the member is demoted, then the next tokens carry the new role', async () => {
    const { admin } = world;
    const { tokens, config, person, org } = await signedIn('admin');
    expect(tokens.claims()).toMatchObject({ org_role: 'admin' });
    expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { role: 'guest' })).status).toBe(200);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ org_role: 'guest', roles: ['guest'] });
    const { payload } = await jwtVerify(refreshed.access_token, jwksOf(config), { issuer: world.issuer });
    expect(payload).toMatchObject({ org_role: 'guest', roles: ['guest'] });
  });

  it('when the member holds several roles and the tenant adds its permissions, then the tokens carry them all (issue 22)', async () => {
    const { admin } = world;
    const { tokens, config, person, org } = await signedIn();
    expect((await admin.post(`/organizations/${org.id}/roles`, { key: 'billing', name: 'Billing', permissions: ['invoices:read'] })).status).toBe(201);
    expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { roles: ['member', 'billing'] })).status).toBe(200);
    expect((await admin.post('/roles', { key: 'auditor', name: 'Auditor', permissions: ['audit:read'] })).status).toBe(201);
    expect((await admin.patch(`/users/${person.id}`, { tenant_roles: ['auditor'] })).status).toBe(200);
    expect((await admin.patch('/settings', { inherit_global_permissions_in_organizations: true })).status).toBe(200);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    const expected = { org_role: 'member', roles: ['member', 'billing'], permissions: ['audit:read', 'invoices:read'], parent_org_id: null };
    expect(refreshed.claims()).toMatchObject(expected);
    const { payload } = await jwtVerify(refreshed.access_token, jwksOf(config), { issuer: world.issuer });
    expect(payload).toMatchObject(expected);
    // /me answers every membership with all the roles it holds, highest rank first
    const other = await admin.createOrg({ name: 'Other' });
    await admin.addMember(other.id, person.id);
    const me = await world.app.http.get(`/t/${admin.tenant.slug}/api/v1/me`).set('Authorization', `Bearer ${refreshed.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ id: person.id, email: person.email, name: expect.any(String) });
    expect(me.body.organization).toEqual({ id: org.id, slug: org.slug, name: org.name, role: 'member', roles: ['member', 'billing'] });
    expect(me.body.organizations).toEqual([me.body.organization, { id: other.id, slug: other.slug, name: other.name, role: 'member', roles: ['member'] }]);
    expect((await admin.patch('/settings', { inherit_global_permissions_in_organizations: false })).status).toBe(200);
  });

  it('when the organization is a workspace, then the tokens name its parent in parent_org_id', async () => {
    const { admin } = world;
    const { tokens, config, person, org } = await signedIn();
    const workspace = await admin.createOrg({ name: 'Workspace', parent_id: org.id });
    await admin.addMember(workspace.id, person.id);
    const switched = await client.refreshTokenGrant(config, tokens.refresh_token!, { organization: workspace.id });
    expect(switched.claims()).toMatchObject({ org_id: workspace.id, parent_org_id: org.id });
  });

  it('when the member is removed, then refresh is invalid_grant and introspection says inactive on another process too', async () => {
    const { admin } = world;
    const { tokens, config, person, org, app } = await signedIn();
    const slug = admin.tenant.slug;
    // a second orgbridge process on the same database, with the same public URL
    const second = await startTestApp({ databaseUrl: world.app.databaseUrl, env: { PUBLIC_URL: world.app.url } });
    try {
      expect(await introspect(second.url, slug, app, tokens.refresh_token!)).toMatchObject({ active: true, sub: person.id });
      expect((await admin.del(`/organizations/${org.id}/members/${person.id}`)).status).toBe(204);
      expect(await introspect(second.url, slug, app, tokens.refresh_token!)).toEqual({ active: false });
      expect(await introspect(world.app.url, slug, app, tokens.refresh_token!)).toEqual({ active: false });
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      // the access token is refused where orgbridge reads it (/me), though its signature is still good
      const me = await world.app.http.get(`/t/${slug}/api/v1/me`).set('Authorization', `Bearer ${tokens.access_token}`);
      expect(me.status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('when the user is blocked, then refresh is invalid_grant', async () => {
    const { admin } = world;
    const { tokens, config, person } = await signedIn();
    expect((await admin.patch(`/users/${person.id}`, { blocked: true })).status).toBe(200);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('when the organization is deleted, then refresh is invalid_grant', async () => {
    const { admin } = world;
    const { tokens, config, org } = await signedIn();
    expect((await admin.del(`/organizations/${org.id}`)).status).toBe(204);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it("when the organization's session_ttl_hours is 2, then the refresh token lives 2 h from sign-in, and rotation does not extend it", async () => {
    const { admin } = world;
    const { tokens, config, org, app } = await signedIn();
    const slug = admin.tenant.slug;
    const first = await introspect(world.app.url, slug, app, tokens.refresh_token!);
    expect((first.exp as number) - (first.iat as number)).toBe(24 * 3600); // the built-in default

    expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { session_ttl_hours: 2 } })).status).toBe(200);
    const again = await signedInTo(org, config);
    const short = await introspect(world.app.url, slug, app, again.refresh_token!);
    expect((short.exp as number) - (short.iat as number)).toBe(2 * 3600);
    const rotated = await client.refreshTokenGrant(config, again.refresh_token!);
    const next = await introspect(world.app.url, slug, app, rotated.refresh_token!);
    expect(Math.abs((next.exp as number) - (short.exp as number))).toBeLessThanOrEqual(1);
  });

  it('when a refresh token is revoked, then it no longer refreshes', async () => {
    const { tokens, config } = await signedIn();
    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('signing keys', () => {
  it('when the key is rotated, then old tokens still verify against the JWKS and new ones use the new key', async () => {
    const { admin } = world;
    const { tokens, config } = await signedIn();
    const oldKid = decodeProtectedHeader(tokens.access_token).kid;
    const rotated = await admin.post('/signing-keys/rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.body.kid).not.toBe(oldKid);

    const jwks = await (await fetch(config.serverMetadata().jwks_uri!)).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.body.kid, oldKid]);
    expect(jwks.keys.every((k: Record<string, unknown>) => k.d === undefined)).toBe(true); // no private parts published
    await jwtVerify(tokens.access_token, jwksOf(config), { issuer: world.issuer });
    await jwtVerify(tokens.id_token!, jwksOf(config), { issuer: world.issuer });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeProtectedHeader(refreshed.access_token).kid).toBe(rotated.body.kid);
    expect(decodeProtectedHeader(refreshed.id_token!).kid).toBe(rotated.body.kid);
    await jwtVerify(refreshed.access_token, jwksOf(config), { issuer: world.issuer });
  });
});

describe('tenant deletion', () => {
  it('when a tenant with applications, keys, grants and sessions is deleted, then all of it goes and its issuer is gone', async () => {
    const admin = await createTenant(world.app);
    const local = { ...world, admin, issuer: `${world.app.url}/t/${admin.tenant.slug}/oidc` };
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('gone')}@example.com`);
    const { config, redirect } = await registeredApp(local);
    const request = await authorizationRequest(config, redirect);
    const callback = await authorize(new Browser(world.app.url), request.url, { email: person.email });
    await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });

    const res = await world.app.http.delete(`/api/v1/tenants/${admin.tenant.slug}`).set('Authorization', `Bearer ${ROOT_KEY}`);
    expect(res.status).toBe(204);
    const sequelize = world.app.container.db.sequelize;
    for (const table of ['applications', 'signing_keys', 'oidc_payloads', 'oidc_grant_organizations', 'sessions']) {
      const [rows] = await sequelize.query(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`, { replacements: [admin.tenant.id] });
      expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(0);
    }
    // a deleted tenant stops answering within the tenant cache's 4 s, like everything of it
    await new Promise((r) => setTimeout(r, 4100));
    expect((await fetch(`${local.issuer}/.well-known/openid-configuration`)).status).toBe(404);
  });
});

describe('client credentials', () => {
  it('when a web app asks with its secret, then it gets a tenant machine token with no user', async () => {
    const { app, config } = await registeredApp(world);
    const tokens = await client.clientCredentialsGrant(config);
    const { payload } = await jwtVerify(tokens.access_token, jwksOf(config), { issuer: world.issuer, audience: app.client_id, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: app.client_id, client_id: app.client_id, tenant_id: world.admin.tenant.id });
    expect(payload.org_id).toBeUndefined();
    // a machine token is no one at /me
    expect((await world.app.http.get(`/t/${world.admin.tenant.slug}/api/v1/me`).set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
  });

  it('when the secret is wrong or was rotated, then invalid_client', async () => {
    const { admin } = world;
    const { app } = await registeredApp(world);
    const wrong = await client.discovery(new URL(world.issuer), app.client_id, undefined, client.ClientSecretBasic(`${app.client_secret}x`), {
      execute: [client.allowInsecureRequests],
    });
    await expectInvalidClient(client.clientCredentialsGrant(wrong));
    expect((await admin.post(`/applications/${app.id}/secret`)).status).toBe(200);
    const old = await client.discovery(new URL(world.issuer), app.client_id, undefined, client.ClientSecretBasic(app.client_secret!), {
      execute: [client.allowInsecureRequests],
    });
    await expectInvalidClient(client.clientCredentialsGrant(old));
  });

  it('when a spa asks, then it is refused', async () => {
    const { config } = await registeredApp(world, 'spa');
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({ error: expect.stringMatching(/invalid_request|unauthorized_client|invalid_client/) });
  });
});
