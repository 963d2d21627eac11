import { gzipSync } from 'node:zlib';
import type { Router } from 'express';
import { createApp } from '../../../src/app';
import { Browser, csrfOf, startOidcApp } from '../../support/oidc';
import { ROOT_KEY, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { invite } from '../../support/invitations';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';
import { sendRaw } from '../../support/raw-http';

/**
 * Input a fuzzing pass found answering 500 (or writing, or 200) where it must be a 4xx in the
 * contract's shape; the rules are in docs/decisions.md ("Request bodies", "Malformed requests").
 */
let app: TestApp;
let admin: AdminClient;
let orgId: string;
let scim: ScimClient;
beforeAll(async () => {
  app = await startOidcApp();
  admin = await createTenant(app);
  orgId = (await admin.createOrg()).id;
  scim = await createDirectory(admin, orgId);
});
afterAll(() => app.close());

const send = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) => sendRaw(app.url, method, path, body, headers);
const asAdmin = { authorization: `Bearer ${ROOT_KEY}` };
const form = (fields: number) => Array.from({ length: fields }, (_, i) => `f${i}=1`).join('&');

describe('path segments that are not valid percent-encoded UTF-8', () => {
  it.each(['%FF', '%C0%80', '%E2%82'])('%s as an id is 400 invalid_request on reads and writes, and nothing is written', async (segment) => {
    expectError(await send('GET', `${admin.base}/organizations/${segment}`, undefined, asAdmin), 400, 'invalid_request');
    expectError(await send('PATCH', `${admin.base}/organizations/${segment}`, '{"name":"Renamed"}', { ...asAdmin, 'content-type': 'application/json' }), 400, 'invalid_request');
    expectError(await send('DELETE', `${admin.base}/organizations/${orgId}/members/${segment}`, undefined, asAdmin), 400, 'invalid_request');
    expectError(await send('GET', `/api/v1/tenants/${segment}`, undefined, asAdmin), 400, 'invalid_request');
    // As the tenant: refused before anything is written.
    const before = (await admin.get('/organizations?limit=200')).body.data.length;
    expectError(await send('POST', `/t/${segment}/api/v1/admin/organizations`, '{"name":"Nowhere"}', { ...asAdmin, 'content-type': 'application/json' }), 400, 'invalid_request');
    expect((await admin.get('/organizations?limit=200')).body.data.length).toBe(before);
    expect((await admin.get(`/organizations/${orgId}`)).status).toBe(200);
  });
});

describe('urlencoded forms with more fields than they take', () => {
  it.each([
    ['sign-in', () => `/t/${admin.tenant.slug}/login`, 21],
    ['password reset', () => `/t/${admin.tenant.slug}/login/forgot`, 21],
    ['invitation acceptance', () => `/t/${admin.tenant.slug}/invitations/accept`, 1001],
    ['account page', () => `/t/${admin.tenant.slug}/account/security/password`, 21],
    ['SAML start', () => `/t/${admin.tenant.slug}/sso/saml/conn_x/start`, 6],
  ])('%s: too many fields is 413 payload_too_large, not 500', async (_name, path, fields) => {
    const res = await send('POST', path(), form(fields), { 'content-type': 'application/x-www-form-urlencoded' });
    expectError(res, 413, 'payload_too_large');
    expect(res.body.error.message).toMatch(/fields/);
  });

  it('the SAML ACS answers its HTML error page with 413', async () => {
    const res = await send('POST', `/t/${admin.tenant.slug}/sso/saml/conn_x/acs`, form(11), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('SCIM PATCH that changes nothing', () => {
  it.each([
    ['remove of a value that is not there', { op: 'remove', path: 'emails[value eq "nobody@example.com"]' }],
    ['remove of an attribute that is not set', { op: 'remove', path: 'nickName' }],
    ['replace with the value it has', { op: 'replace', path: 'active', value: true }],
  ])('%s is 200 with the resource as it was: same version, no event (was 500)', async (_name, operation) => {
    const user = await scim.createUser(`noop-${Math.random().toString(36).slice(2)}@example.com`);
    const before = await scim.get(`/Users/${user.id}`);
    const eventsBefore = (await admin.events('?limit=100')).length;
    const res = await scim.patchOps(`/Users/${user.id}`, [operation]);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(before.headers.etag);
    expect(res.body.meta.version).toBe(before.body.meta.version);
    expect(res.body.emails).toEqual(before.body.emails);
    expect((await admin.events('?limit=100')).length).toBe(eventsBefore);
  });
});

describe('SCIM multi-valued attributes with a null item', () => {
  it('POST, PUT and PATCH with "emails": [null] are 400 invalidValue and write nothing (POST was 500)', async () => {
    const count = async () => (await scim.get('/Users?count=1')).body.totalResults as number;
    const before = await count();
    const body = (userName: string, emails: unknown) => ({ schemas: [SCIM.user], userName, emails });
    expectScimError(await scim.post('/Users', body('null-item@example.com', [null])), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', body('null-item@example.com', [null, { value: 'null-item@example.com' }])), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', { ...body('null-phone@example.com', undefined), phoneNumbers: [null] }), 400, 'invalidValue');
    expect(await count()).toBe(before);

    const user = await scim.createUser('has-email@example.com');
    expectScimError(await scim.put(`/Users/${user.id}`, body('has-email@example.com', [null])), 400, 'invalidValue');
    expectScimError(await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', path: 'emails', value: [null] }]), 400, 'invalidValue');
    const after = await scim.get(`/Users/${user.id}`);
    expect(after.body.meta.version).toBe(user.meta && (user.meta as { version: string }).version);
    expect(after.body.emails).toEqual([{ value: 'has-email@example.com', type: 'work', primary: true }]);
  });
});

describe('whole numbers in query strings', () => {
  it.each(['0x10', '1.0', '1e2', '+5', '%205', '', '-0', '1e300', '99999999999999999999999', '5&limit=6'])('limit=%s is 400 invalid_request on every list (0x10, 1.0, 1e2, +5 used to be read as numbers)', async (value) => {
    for (const list of ['/organizations', '/users', '/events', '/invitations', '/webhooks', '/api-keys']) {
      const res = await send('GET', `${admin.base}${list}?limit=${value}`, undefined, asAdmin);
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.details?.[0]?.path).toBe('limit');
    }
    expectError(await send('GET', `/api/v1/tenants?limit=${value}`, undefined, asAdmin), 400, 'invalid_request');
  });

  it.each(['0x10', '1.0', '1e2', '+5', '', '-0'])('events after=%s is 400 invalid_request', async (value) => {
    expectError(await send('GET', `${admin.base}/events?after=${value}`, undefined, asAdmin), 400, 'invalid_request');
  });

  it('decimal digits (leading zeros too) are read as before', async () => {
    const res = await send('GET', `${admin.base}/organizations?limit=0010`, undefined, asAdmin);
    expect(res.status).toBe(200);
    expect((await send('GET', `${admin.base}/events?after=0&limit=2`, undefined, asAdmin)).body.data.length).toBe(2);
  });
});

describe("oidc-provider's endpoints: bodies it would misread", () => {
  it.each([
    ['gzip', { 'content-encoding': 'gzip' }, true],
    ['an unknown Content-Encoding', { 'content-encoding': 'x-foo' }, false],
    ['"gzip, gzip"', { 'content-encoding': 'gzip, gzip' }, true],
    ['charset=utf-16', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' }, false],
    ['an unknown charset', { 'content-type': 'application/x-www-form-urlencoded; charset=foo' }, false],
  ])('token, introspection and revocation refuse a body sent with %s: 400 invalid_request, no token issued (an unknown encoding or charset answered 200)', async (_name, headers, compress) => {
    const registered = await admin.post('/applications', { name: 'Machine', type: 'web', redirect_uris: ['http://127.0.0.1:9/cb'] });
    const basic = `Basic ${Buffer.from(`${registered.body.client_id}:${registered.body.client_secret}`).toString('base64')}`;
    const base = `/t/${admin.tenant.slug}/oidc`;
    for (const [endpoint, body] of [['/token', 'grant_type=client_credentials'], ['/token/introspection', 'token=abc'], ['/token/revocation', 'token=abc']] as const) {
      const res = await send('POST', `${base}${endpoint}`, compress ? gzipSync(body) : body, { 'content-type': 'application/x-www-form-urlencoded', authorization: basic, ...headers });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/Content-Encoding|charset/) });
    }
    // The same request, plain, works.
    const plain = await send('POST', `${base}/token`, 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', authorization: basic });
    expect(plain.status).toBe(200);
    expect(plain.body.access_token).toEqual(expect.any(String));
  });
});

describe('the public invitation API reads JSON with the shared parser', () => {
  it('a body nested deeper than 64 levels is 400 invalid_request naming the depth, and the invitation stays pending', async () => {
    const { invitation, token } = await invite(admin, orgId, 'deep-accept@example.com');
    const deep = `{"token":"${token}","name":"Deep","password":"correct horse battery staple","x":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const res = await send('POST', `/t/${admin.tenant.slug}/api/v1/invitations/accept`, deep, { 'content-type': 'application/json' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/nested more than 64 levels/);
    expect((await admin.get(`/organizations/${orgId}/invitations/${invitation.id}`)).body.status).toBe('pending');
  });
});

describe('hosted sign-in with a malformed address', () => {
  const path = (rest: string) => `/t/${admin.tenant.slug}${rest}`;

  it.each([
    ['alice@@x.example', 'alice@@x.example'],
    ['a@b@c.example', 'a@b@c.example'],
    ['invalid punycode', 'x@xn--zz.example'],
    ['a 300-character local part', `${'a'.repeat(300)}@x.example`],
  ])('POST /login with %s asks again for the address: 400 identifier page, not the password step (was 200)', async (_name, email) => {
    const browser = new Browser(app.url);
    const start = await browser.request(path('/login'));
    const csrf = csrfOf(await start.text());
    const step = await browser.request(path('/login'), { form: { csrf, email } });
    expect(step.status).toBe(400);
    const html = await step.text();
    expect(html).toContain('Enter a valid email address.');
    expect(html).not.toContain('type="password"');
    const withPassword = await browser.request(path('/login'), { form: { csrf: csrfOf(html), email, password: 'whatever it is' } });
    expect(withPassword.status).toBe(400);
    expect(withPassword.headers.get('set-cookie') ?? '').not.toMatch(/ob_session=[^;]/);
  });

  it('a malformed login_hint shows the identifier step filled in with it', async () => {
    const res = await new Browser(app.url).request(path('/login?login_hint=alice%40%40x.example'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('value="alice@@x.example"');
    expect(html).not.toContain('type="password"');
  });

  it('POST /login/forgot with a malformed address is 400 with the form again, and no mail is queued', async () => {
    const browser = new Browser(app.url);
    const start = await browser.request(path('/login/forgot'));
    const outboxBefore = (await admin.get('/outbox?limit=200')).body.data.length;
    const res = await browser.request(path('/login/forgot'), { form: { csrf: csrfOf(await start.text()), email: 'alice@@x.example' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Enter a valid email address.');
    expect((await admin.get('/outbox?limit=200')).body.data.length).toBe(outboxBefore);
  });
});

describe('SCIM values longer than their columns (MariaDB answered 500, SQLite stored them)', () => {
  const long = 'x'.repeat(401);
  const userCount = async () => (await scim.get('/Users?count=1')).body.totalResults as number;
  const groupCount = async () => (await scim.get('/Groups?count=1')).body.totalResults as number;

  it('userName, externalId or displayName over 400 characters is 400 invalidValue on POST, PUT and PATCH, and nothing is written', async () => {
    const before = await userCount();
    for (const extra of [{ userName: `${long}@example.com` }, { externalId: long }, { displayName: long }]) {
      const res = await scim.post('/Users', { schemas: [SCIM.user], userName: 'long-fields@example.com', ...extra });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toMatch(/at most 400 characters/);
    }
    expect(await userCount()).toBe(before);
    const user = await scim.createUser('long-fields@example.com');
    expectScimError(await scim.put(`/Users/${user.id}`, { schemas: [SCIM.user], userName: 'long-fields@example.com', externalId: long }), 400, 'invalidValue');
    expectScimError(await scim.patchOps(`/Users/${user.id}`, [{ op: 'replace', path: 'displayName', value: long }]), 400, 'invalidValue');
    const after = await scim.get(`/Users/${user.id}`);
    expect(after.body.meta.version).toBe((user.meta as { version: string }).version);
    expect(after.body.displayName).toBeUndefined();
  });

  it('a Group displayName or externalId over 400 characters is 400 invalidValue on POST, PUT and PATCH', async () => {
    const before = await groupCount();
    expectScimError(await scim.post('/Groups', { schemas: [SCIM.group], displayName: 'Long', externalId: long }), 400, 'invalidValue');
    expect(await groupCount()).toBe(before);
    const group = await scim.createGroup('Long enough');
    expectScimError(await scim.put(`/Groups/${group.id}`, { schemas: [SCIM.group], displayName: 'Long enough', externalId: long }), 400, 'invalidValue');
    expectScimError(await scim.patchOps(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: long }]), 400, 'invalidValue');
    expectScimError(await scim.patchOps(`/Groups/${group.id}`, [{ op: 'replace', path: 'externalId', value: long }]), 400, 'invalidValue');
    const after = await scim.get(`/Groups/${group.id}`);
    expect(after.body.displayName).toBe('Long enough');
    expect(after.body.externalId).toBeUndefined();
  });

  it('400 characters are stored; a 300-character display name gives the tenant user its first 200', async () => {
    const fits = 'y'.repeat(400);
    const res = await scim.post('/Users', { schemas: [SCIM.user], userName: `${'u'.repeat(388)}@example.com`, externalId: fits, displayName: 'z'.repeat(300), emails: [{ value: 'long-name@example.com', primary: true }] });
    expect(res.status).toBe(201);
    expect(res.body.externalId).toBe(fits);
    const tenantUser = (await admin.get(`/users?search=${encodeURIComponent('long-name@example.com')}`)).body.data[0];
    expect(tenantUser.name).toBe('z'.repeat(200));
  });

  it('a resource larger than 64 KiB (within the 1 MiB body) is stored and read back whole', async () => {
    const addresses = Array.from({ length: 400 }, (_, i) => ({ type: 'work', streetAddress: `${i} ${'Long Street '.repeat(20)}`, locality: 'Springfield' }));
    const res = await scim.post('/Users', { schemas: [SCIM.user], userName: 'big-resource@example.com', addresses });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body).length).toBeGreaterThan(64 * 1024);
    const read = await scim.get(`/Users/${res.body.id}`);
    expect(read.body.addresses).toHaveLength(400);
    expect(read.body.addresses[399].streetAddress).toBe(addresses[399]!.streetAddress);
  });
});

describe('every route, fuzzed', () => {
  /** `[METHOD, /path/:param]` of every route of the Express app (the SCIM handler is covered above and in test/integration/scim). */
  function routesOf(router: Router, prefix = ''): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const layer of (router as unknown as { stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> }; handle: unknown; rawPath?: unknown }> }).stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) for (const m of Object.keys(layer.route.methods)) out.push([m === '_all' ? 'POST' : m.toUpperCase(), joinPath(prefix, p)]);
      } else if ((layer.handle as { stack?: unknown }).stack) {
        out.push(...routesOf(layer.handle as Router, joinPath(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : '/')));
      }
    }
    return out;
  }
  const joinPath = (a: string, b: string) => `${a.replace(/\/$/, '')}${b === '/' ? '' : b}` || '/';
  const fill = (path: string, bad?: string) => path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === bad ? '%C0%80' : name === 'tenant' ? admin.tenant.slug : name === 'orgId' ? orgId : 'x'));
  const withBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

  it('a path parameter that is not UTF-8 never answers 5xx, and on the JSON API is 400 invalid_request', async () => {
    const routes = [...new Map(routesOf(createApp(app.container).router as unknown as Router).map((r) => [r.join(' '), r])).values()];
    expect(routes.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const [method, path] of routes) {
      for (const param of [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!)) {
        const target = fill(path, param);
        const res = await send(method, target, withBody(method) ? '{}' : undefined, { ...asAdmin, ...(withBody(method) ? { 'content-type': 'application/json' } : {}) });
        const jsonApi = /\/api\/v1\//.test(path) && !/\/me$/.test(path);
        if (res.status >= 500 || (jsonApi && !(res.status === 400 && res.body.error?.code === 'invalid_request'))) failures.push(`${res.status} ${method} ${target}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('bodies that are too deep, too many fields, or do not decode never answer 5xx on any route that takes one', async () => {
    const routes = [...new Map(routesOf(createApp(app.container).router as unknown as Router).map((r) => [r.join(' '), r])).values()].filter(([m]) => withBody(m));
    const bodies: Array<[string, string | Buffer, Record<string, string>]> = [
      ['application/json', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, {}],
      ['application/json', 'not compressed', { 'content-encoding': 'gzip' }],
      ['application/json', gzipSync(gzipSync('{}')), { 'content-encoding': 'gzip, gzip' }],
      ['application/json; charset=utf-16', '{}', {}],
      ['application/x-www-form-urlencoded', form(1_001), {}],
      ['application/x-www-form-urlencoded', `a${'[b]'.repeat(10_000)}=1`, {}],
      ['application/x-www-form-urlencoded', 'not compressed', { 'content-encoding': 'br' }],
    ];
    const failures: string[] = [];
    for (const [method, path] of routes) {
      for (const [type, body, headers] of bodies) {
        const res = await send(method, fill(path), body, { ...asAdmin, 'content-type': type, ...headers });
        if (res.status >= 500) failures.push(`${res.status} ${method} ${path} ${type} ${JSON.stringify(headers)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('names with control characters', () => {
  it.each(['Eve\r\nBcc: victim@example.com', 'Null\u0000byte', 'Line\nbreak'])('%j is 400 invalid_request for users, organizations, tenants and invitation acceptance, and nothing is written', async (name) => {
    const usersBefore = (await admin.get('/users?limit=200')).body.data.length;
    expectError(await admin.post('/users', { email: `ctl-${Math.random().toString(36).slice(2)}@example.com`, name }), 400, 'invalid_request');
    expect((await admin.get('/users?limit=200')).body.data.length).toBe(usersBefore);
    const user = await admin.createUser();
    expectError(await admin.patch(`/users/${user.id}`, { name }), 400, 'invalid_request');
    expect((await admin.get(`/users/${user.id}`)).body.name).toBeNull();
    expectError(await admin.post('/organizations', { name }), 400, 'invalid_request');
    expectError(await admin.patch(`/organizations/${orgId}`, { name }), 400, 'invalid_request');
    expect((await admin.get(`/organizations/${orgId}`)).body.name).toBe('Org');
    const tenant = await send('POST', '/api/v1/tenants', JSON.stringify({ slug: `ctl-${Math.random().toString(36).slice(2, 8)}`, name }), { ...asAdmin, 'content-type': 'application/json' });
    expectError(tenant, 400, 'invalid_request');
    const { invitation, token } = await invite(admin, orgId, `ctl-${Math.random().toString(36).slice(2)}@example.com`);
    const accepted = await send('POST', `/t/${admin.tenant.slug}/api/v1/invitations/accept`, JSON.stringify({ token, name, password: 'correct horse battery staple' }), { 'content-type': 'application/json' });
    expectError(accepted, 400, 'invalid_request');
    expect((await admin.get(`/organizations/${orgId}/invitations/${invitation.id}`)).body.status).toBe('pending');
  });
});

describe('a JSON API body under another Content-Type', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])('%j: 400 naming the expected Content-Type (admin API, SCIM), nothing written', async (type) => {
    const headers = { ...asAdmin, ...(type ? { 'content-type': type } : {}) };
    const before = (await admin.get('/organizations?limit=200')).body.data.length;
    const res = await send('POST', `${admin.base}/organizations`, '{"name":"Plain"}', headers);
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/must be JSON \(Content-Type: application\/json\)/);
    expect((await admin.get('/organizations?limit=200')).body.data.length).toBe(before);
    const scimRes = await send('POST', `${scim.path}/Users`, JSON.stringify({ schemas: [SCIM.user], userName: 'plain-type@example.com' }), { authorization: `Bearer ${scim.token}`, ...(type ? { 'content-type': type } : {}) });
    expectScimError(scimRes, 400, 'invalidSyntax');
    expect(scimRes.body.detail).toMatch(/application\/scim\+json/);
  });

  it('an empty body under any Content-Type is still no body (POST actions without one)', async () => {
    const res = await send('POST', `${admin.base}/organizations`, '', { ...asAdmin, 'content-type': 'text/plain' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).not.toMatch(/must be JSON/);
  });
});

describe('the key "__proto__" in a JSON body', () => {
  it('is 400 invalid_request on the admin API (metadata used to answer 201 and drop it) and writes nothing', async () => {
    const before = (await admin.get('/organizations?limit=200')).body.data.length;
    const res = await send('POST', `${admin.base}/organizations`, '{"name":"Proto","metadata":{"__proto__":{"polluted":true},"plan":"pro"}}', { ...asAdmin, 'content-type': 'application/json' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/__proto__/);
    expect((await admin.get('/organizations?limit=200')).body.data.length).toBe(before);
    const user = await admin.createUser();
    expectError(await send('PATCH', `${admin.base}/users/${user.id}`, '{"app_metadata":{"__proto__":{"isAdmin":true}}}', { ...asAdmin, 'content-type': 'application/json' }), 400, 'invalid_request');
    expect((await admin.get(`/users/${user.id}`)).body.app_metadata).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is 400 invalidSyntax on SCIM, at any depth', async () => {
    const body = `{"schemas":["${SCIM.user}","${SCIM.enterprise}"],"userName":"proto@example.com","${SCIM.enterprise}":{"manager":{"__proto__":{"value":"x"}}}}`;
    expectScimError(await send('POST', `${scim.path}/Users`, body, { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
    expect((await scim.get('/Users?filter=userName%20eq%20%22proto%40example.com%22')).body.totalResults).toBe(0);
  });

  it('stays an ordinary key inside a string value', async () => {
    const res = await admin.post('/organizations', { name: 'Proto text', metadata: { note: '"__proto__"' } });
    expect(res.status).toBe(201);
    expect(res.body.metadata).toEqual({ note: '"__proto__"' });
  });
});
