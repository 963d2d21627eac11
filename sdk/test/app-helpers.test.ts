import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { AccessTokenError, OrgbridgeError, requireAccessToken, requireOrgPermission, requireOrgRole, switchOrg, verifyAccessToken, type AuthResponse, type Middleware } from '../src';

/**
 * A stand-in provider (discovery, JWKS, token endpoint) with its own ES256 key, so the SDK can be
 * tested on its own; test/integration/sdk/ in the repository runs the same helpers against the
 * real service.
 */
let server: Server;
let origin: string;
let issuer: string;
let key: CryptoKey;
let tokenRequests: Array<{ authorization?: string; form: URLSearchParams }> = [];

before(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/t/acme/oidc/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` }));
      } else if (req.url === '/t/liar/oidc/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` }));
      } else if (req.url === '/t/acme/oidc/jwks') {
        res.end(JSON.stringify({ keys: [jwk] }));
      } else if (req.url === '/t/acme/oidc/token') {
        const form = new URLSearchParams(body);
        tokenRequests.push({ authorization: req.headers.authorization, form });
        if (form.get('organization') === 'org_stranger') {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }));
        } else res.end(JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt2' }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such page' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${origin}/t/acme/oidc`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const userClaims = {
  email: 'ada@example.com',
  tenant_id: 'ten_1',
  org_id: 'org_1',
  org_slug: 'acme',
  org_role: 'owner',
  roles: ['owner', 'billing'],
  permissions: ['invoices:read'],
  parent_org_id: null,
  sid: 'sid-1',
};

function sign(claims: JWTPayload = userClaims, options: { typ?: string; exp?: string | number; aud?: string; iss?: string; sub?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? 'app_client')
    .setSubject(options.sub ?? 'usr_1')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '10m')
    .sign(key);
}

async function reasonOf(attempt: Promise<unknown>): Promise<string> {
  const err = await attempt.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof AccessTokenError, `expected an AccessTokenError, got ${String(err)}`);
  return err.reason;
}

describe('verifyAccessToken', () => {
  it('answers the claims of a good token', async () => {
    const claims = await verifyAccessToken(await sign(), { issuer, audience: 'app_client' });
    assert.equal(claims.sub, 'usr_1');
    assert.deepEqual(claims.roles, ['owner', 'billing']);
    assert.equal(claims.parent_org_id, null);
  });

  it('refuses an expired token, another audience, another issuer, a wrong typ, a machine token and garbage', async () => {
    const options = { issuer, audience: 'app_client' };
    assert.equal(await reasonOf(verifyAccessToken(await sign(userClaims, { exp: Math.floor(Date.now() / 1000) - 5 }), options)), 'expired');
    assert.equal(await reasonOf(verifyAccessToken(await sign(userClaims, { aud: 'other' }), options)), 'invalid_claims');
    assert.equal(await reasonOf(verifyAccessToken(await sign(userClaims, { iss: `${origin}/t/other/oidc` }), options)), 'invalid_claims');
    assert.equal(await reasonOf(verifyAccessToken(await sign(userClaims, { typ: 'JWT' }), options)), 'invalid_claims');
    assert.equal(await reasonOf(verifyAccessToken(await sign({ client_id: 'app_client', tenant_id: 'ten_1' }, { sub: 'app_client' }), options)), 'not_a_user_token');
    assert.equal(await reasonOf(verifyAccessToken(await sign({ ...userClaims, roles: 'owner' }), options)), 'invalid_claims');
    assert.equal(await reasonOf(verifyAccessToken('not-a-jwt', options)), 'malformed');
  });

  it('refuses when discovery names another issuer (the keys could be anyone\'s)', async () => {
    assert.equal(await reasonOf(verifyAccessToken(await sign(), { issuer: `${origin}/t/liar/oidc`, audience: 'app_client' })), 'jwks_unavailable');
  });
});

/** A response object as small as the middlewares need, recording what they wrote. */
function recorder() {
  const res = { statusCode: 200, headers: {} as Record<string, string>, body: '' };
  const response: AuthResponse = {
    get statusCode() {
      return res.statusCode;
    },
    set statusCode(code: number) {
      res.statusCode = code;
    },
    setHeader: (name, value) => (res.headers[name.toLowerCase()] = value),
    end: (body) => (res.body = body ?? ''),
  };
  return { res, response };
}

async function run(headers: Record<string, string>, ...roles: [string, ...string[]]) {
  return runWith(headers, requireOrgRole(...roles));
}

async function runWith(headers: Record<string, string>, check: Middleware) {
  const req = { headers };
  const { res, response } = recorder();
  let passed = false;
  await requireAccessToken({ issuer, audience: 'app_client' })(req, response, (err) => {
    if (err) throw err;
    passed = true;
  });
  if (!passed) return { ...res, passed };
  passed = false;
  await check(req, response, () => (passed = true));
  return { ...res, passed };
}

describe('requireOrgRole', () => {
  it('lets through a holder of any listed role, including a role that is not the highest', async () => {
    assert.equal((await run({ authorization: `Bearer ${await sign()}` }, 'owner')).passed, true);
    assert.equal((await run({ authorization: `Bearer ${await sign()}` }, 'billing')).passed, true);
  });

  it('answers 403 to a member and to a token outside any organization, 401 without a token', async () => {
    const memberToken = await sign({ ...userClaims, org_role: 'member', roles: ['member'] });
    const refused = await run({ authorization: `Bearer ${memberToken}` }, 'owner', 'admin');
    assert.equal(refused.passed, false);
    assert.equal(refused.statusCode, 403);
    assert.equal(JSON.parse(refused.body).error.code, 'forbidden');

    const noOrg = await run({ authorization: `Bearer ${await sign({ ...userClaims, org_id: null, org_slug: null, org_role: null, roles: [] })}` }, 'owner');
    assert.equal(noOrg.statusCode, 403);

    const anonymous = await run({}, 'owner');
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
  });
});

describe('requireAccessToken', () => {
  it('passes an unreachable provider to next(err) instead of blaming the caller with a 401', async () => {
    const { res, response } = recorder();
    let forwarded: unknown;
    await requireAccessToken({ issuer: 'http://127.0.0.1:9/t/acme/oidc', audience: 'app_client' })({ headers: { authorization: `Bearer ${await sign()}` } }, response, (err) => (forwarded = err));
    assert.ok(forwarded instanceof AccessTokenError);
    assert.equal(forwarded.reason, 'jwks_unavailable');
    assert.equal(res.body, '');
  });
});

describe('requireOrgPermission', () => {
  it('lets through a token holding every listed permission, and answers 403 naming what is missing', async () => {
    const headers = { authorization: `Bearer ${await sign()}` };
    assert.equal((await runWith(headers, requireOrgPermission('invoices:read'))).passed, true);
    const refused = await runWith(headers, requireOrgPermission('invoices:read', 'invoices:write'));
    assert.equal(refused.statusCode, 403);
    assert.match(JSON.parse(refused.body).error.message, /invoices:write/);
  });
});

describe('switchOrg', () => {
  it('sends the refresh-token grant with organization, authenticating a web app with Basic', async () => {
    tokenRequests = [];
    const tokens = await switchOrg('beta', { issuer, clientId: 'app:1', clientSecret: 'se cret', refreshToken: 'rt1' });
    assert.equal(tokens.refresh_token, 'rt2');
    const [sent] = tokenRequests;
    assert.equal(sent?.authorization, `Basic ${Buffer.from('app%3A1:se+cret').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(sent!.form), { grant_type: 'refresh_token', refresh_token: 'rt1', organization: 'beta' });
  });

  it('sends client_id for a public app, and throws invalid_grant for an organization the user is not in', async () => {
    tokenRequests = [];
    const err = await switchOrg('org_stranger', { issuer, clientId: 'app_spa', refreshToken: 'rt1' }).catch((e: unknown) => e);
    assert.ok(err instanceof OrgbridgeError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_grant');
    assert.equal(tokenRequests[0]?.authorization, undefined);
    assert.equal(tokenRequests[0]?.form.get('client_id'), 'app_spa');
  });
});
