import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as client from 'openid-client';
import { accessClaimsOf, AccessTokenError, JWKS_COOLDOWN_MS, OrgbridgeError, requireAccessToken, requireOrgPermission, requireOrgRole, switchOrg, verifyAccessToken } from '../../../sdk/src';
import { createTenant, uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
});
afterAll(() => world.app.close());

/** A member of a new organization of `target`'s tenant signed in to a new app, through the real code flow. */
async function signedIn(target: OidcWorld = world, role = 'member', app?: Awaited<ReturnType<typeof registeredApp>>) {
  const { admin } = target;
  const org = await admin.createOrg();
  const person = await member(admin, org.id, `${uniqueSlug('p')}@example.com`);
  if (role !== 'member') expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { role })).status).toBe(200);
  const registered = app ?? (await registeredApp(target));
  const request = await authorizationRequest(registered.config, registered.redirect);
  const callback = await authorize(new Browser(target.app.url), request.url, { email: person.email });
  const tokens = await client.authorizationCodeGrant(registered.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
  return { org, person, tokens, ...registered };
}

async function rejection(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('verifyAccessToken', () => {
  it('when given a real access token, then it answers its organization claims', async () => {
    const { tokens, app, org, person } = await signedIn(world, 'admin');
    const claims = await verifyAccessToken(tokens.access_token, { issuer: world.issuer, audience: app.client_id });
    expect(claims).toMatchObject({
      sub: person.id,
      email: person.email,
      tenant_id: world.admin.tenant.id,
      org_id: org.id,
      org_slug: org.slug,
      org_role: 'admin',
      roles: ['admin'],
      permissions: expect.any(Array),
      parent_org_id: null,
      iss: world.issuer,
      aud: app.client_id,
    });
    expect(typeof claims.sid).toBe('string');
  });

  it('when the token comes from another tenant, then its signature is refused', async () => {
    const other: OidcWorld = { app: world.app, admin: await createTenant(world.app), issuer: '' };
    other.issuer = `${world.app.url}/t/${other.admin.tenant.slug}/oidc`;
    const foreign = await signedIn(other);
    // genuine for its own tenant
    await expect(verifyAccessToken(foreign.tokens.access_token, { issuer: other.issuer, audience: foreign.app.client_id })).resolves.toMatchObject({ tenant_id: other.admin.tenant.id });
    const err = await rejection(verifyAccessToken(foreign.tokens.access_token, { issuer: world.issuer, audience: foreign.app.client_id }));
    expect(err).toBeInstanceOf(AccessTokenError);
    expect((err as AccessTokenError).reason).toBe('invalid_signature');
  });

  it('when the token has expired, then it is refused as expired', async () => {
    const { tokens, app } = await signedIn();
    const { exp } = await verifyAccessToken(tokens.access_token, { issuer: world.issuer, audience: app.client_id });
    expect(exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600); // 10 minutes
    const err = await rejection(verifyAccessToken(tokens.access_token, { issuer: world.issuer, audience: app.client_id, currentDate: new Date((exp + 1) * 1000) }));
    expect(err).toBeInstanceOf(AccessTokenError);
    expect((err as AccessTokenError).reason).toBe('expired');
  });

  it('when the audience is another application, then it is refused', async () => {
    const { tokens } = await signedIn();
    const other = await registeredApp(world);
    const err = await rejection(verifyAccessToken(tokens.access_token, { issuer: world.issuer, audience: other.app.client_id }));
    expect(err).toBeInstanceOf(AccessTokenError);
    expect((err as AccessTokenError).reason).toBe('invalid_claims');
  });

  it('when the signing key is rotated, then tokens of the new key verify within the JWKS cooldown, and older ones still do', async () => {
    const { tokens, app, config } = await signedIn();
    const options = { issuer: world.issuer, audience: app.client_id };
    await verifyAccessToken(tokens.access_token, options); // the key set is now cached
    expect((await world.admin.post('/signing-keys/rotate')).status).toBe(201);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 100));
    await expect(verifyAccessToken(refreshed.access_token, options)).resolves.toMatchObject({ sub: tokens.claims()!.sub });
    await expect(verifyAccessToken(tokens.access_token, options)).resolves.toMatchObject({ sub: tokens.claims()!.sub });
  });

  it('when the token is an ID token or a client-credentials token, then it is refused', async () => {
    const { tokens, app, config } = await signedIn();
    const idToken = await rejection(verifyAccessToken(tokens.id_token!, { issuer: world.issuer, audience: app.client_id }));
    expect((idToken as AccessTokenError).reason).toBe('invalid_claims'); // typ is not at+jwt
    const machine = await client.clientCredentialsGrant(config, { resource: 'https://api.example.com' });
    const err = await rejection(verifyAccessToken(machine.access_token, { issuer: world.issuer, audience: 'https://api.example.com' }));
    expect((err as AccessTokenError).reason).toBe('not_a_user_token');
  });
});

describe('requireOrgRole', () => {
  let server: Server;
  let api: string;
  let registered: Awaited<ReturnType<typeof registeredApp>>;

  beforeAll(async () => {
    registered = await registeredApp(world);
    const app = express();
    const authenticated = requireAccessToken({ issuer: world.issuer, audience: registered.app.client_id });
    app.get('/projects', authenticated, requireOrgRole('owner', 'admin'), (req, res) => {
      const claims = accessClaimsOf(req)!;
      res.json({ org_id: claims.org_id, org_role: claims.org_role });
    });
    app.get('/invoices', authenticated, requireOrgPermission('invoices:read'), (_req, res) => {
      res.json({ invoices: [] });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const call = (authorization?: string) => fetch(`${api}/projects`, { headers: authorization ? { authorization } : {} });

  it('when an owner of the organization calls, then the route answers with its claims', async () => {
    const { tokens, org } = await signedIn(world, 'owner', registered);
    const res = await call(`Bearer ${tokens.access_token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ org_id: org.id, org_role: 'owner' });
  });

  it('when a member calls, then 403 forbidden with the error body', async () => {
    const { tokens } = await signedIn(world, 'member', registered);
    const res = await call(`Bearer ${tokens.access_token}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('owner or admin') } });
  });

  it('when a member holds a custom role with the permission, then requireOrgPermission lets them through; a plain member gets 403', async () => {
    const { admin } = world;
    const billing = await signedIn(world, 'member', registered);
    expect((await admin.post(`/organizations/${billing.org.id}/roles`, { key: 'billing', name: 'Billing', permissions: ['invoices:read'] })).status).toBe(201);
    expect((await admin.patch(`/organizations/${billing.org.id}/members/${billing.person.id}`, { roles: ['member', 'billing'] })).status).toBe(200);
    const refreshed = await client.refreshTokenGrant(registered.config, billing.tokens.refresh_token!); // the new role shows in the next tokens
    const invoices = (token: string) => fetch(`${api}/invoices`, { headers: { authorization: `Bearer ${token}` } });
    expect((await invoices(refreshed.access_token)).status).toBe(200);
    expect((await invoices(billing.tokens.access_token)).status).toBe(403); // issued before the role
    expect((await call(`Bearer ${refreshed.access_token}`)).status).toBe(403); // billing is not owner or admin
  });

  it('when no token, a token for another application, or a tampered one is sent, then 401 with a Bearer challenge', async () => {
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });

    const elsewhere = await signedIn(world, 'owner'); // its own app: another audience
    const wrongAudience = await call(`Bearer ${elsewhere.tokens.access_token}`);
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const [header, payload] = elsewhere.tokens.access_token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.aud = registered.app.client_id;
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${elsewhere.tokens.access_token.split('.')[2]}`;
    const res = await call(`Bearer ${tampered}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_signature');
  });
});

describe('switchOrg', () => {
  it('when switched to another organization of the user, then the new tokens carry its claims; an organization the user is not in is invalid_grant', async () => {
    const { admin } = world;
    const { tokens, app, person } = await signedIn();
    const other = await admin.createOrg();
    await admin.addMember(other.id, person.id, 'admin');
    const stranger = await admin.createOrg();
    const options = { issuer: world.issuer, clientId: app.client_id, clientSecret: app.client_secret };

    const switched = await switchOrg(other.slug, { ...options, refreshToken: tokens.refresh_token! });
    expect(switched.refresh_token).toBeDefined();
    expect(switched.refresh_token).not.toBe(tokens.refresh_token);
    const claims = await verifyAccessToken(switched.access_token, { issuer: world.issuer, audience: app.client_id });
    expect(claims).toMatchObject({ sub: person.id, org_id: other.id, org_slug: other.slug, org_role: 'admin' });

    const err = await rejection(switchOrg(stranger.id, { ...options, refreshToken: switched.refresh_token! }));
    expect(err).toBeInstanceOf(OrgbridgeError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_grant' });
  });

  it('when the app is a public (spa) client, then switchOrg authenticates with client_id alone', async () => {
    const { admin } = world;
    const spa = await registeredApp(world, 'spa');
    const { tokens, person } = await signedIn(world, 'member', spa);
    const other = await admin.createOrg();
    await admin.addMember(other.id, person.id, 'guest');
    const switched = await switchOrg(other.id, { issuer: world.issuer, clientId: spa.app.client_id, refreshToken: tokens.refresh_token! });
    expect(await verifyAccessToken(switched.access_token, { issuer: world.issuer, audience: spa.app.client_id })).toMatchObject({ org_id: other.id, org_role: 'guest' });
  });
});
