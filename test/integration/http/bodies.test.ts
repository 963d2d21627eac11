import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';
import { sendRaw } from '../../support/raw-http';

/** `{"a":{"a":…}}` nested `depth` levels, built as text (nothing here walks it recursively). */
const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const DEEP = 100_000;

let app: TestApp;
let admin: AdminClient;
let scim: ScimClient;
let orgId: string;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  orgId = (await admin.createOrg()).id;
  scim = await createDirectory(admin, orgId);
});
afterAll(() => app.close());

/** A POST sent as given (supertest re-encodes a Buffer body sent as JSON). */
const post = (path: string, token: string, contentType: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') =>
  sendRaw(app.url, method, path, body, { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers });
const adminPost = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => post(`${admin.base}${path}`, admin.key, 'application/json', body, headers);
const scimPost = (path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') =>
  post(`${scim.path}${path}`, scim.token, 'application/scim+json', body, headers, method);
const orgCount = async () => (await admin.get('/organizations?limit=200')).body.data.length as number;
const scimUserCount = async () => (await scim.get('/Users?count=1')).body.totalResults as number;

describe('deeply nested JSON bodies', () => {
  it('admin API: organization metadata 100,000 levels deep is 400 invalid_request, and nothing is written', async () => {
    const before = await orgCount();
    const res = await adminPost('/organizations', `{"name":"Deep","metadata":${nested(DEEP)}}`);
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/nested/);
    expect(await orgCount()).toBe(before);
  });

  it('admin API: 64 levels are accepted (then judged by the route), 65 are refused', async () => {
    // The body itself is level 1: metadata's value starts at level 2.
    const ok = await adminPost('/organizations', `{"name":"Deep enough","metadata":${nested(62)}}`);
    expect(ok.status).toBe(201);
    expectError(await adminPost('/organizations', `{"name":"Too deep","metadata":${nested(64)}}`), 400, 'invalid_request');
    expectError(await adminPost('/organizations', `{"name":"Too deep","metadata":{"a":${'['.repeat(70)}${']'.repeat(70)}}}`), 400, 'invalid_request');
  });

  it('SCIM: a deep extension object or name.givenName is 400 in SCIM shape (invalidSyntax), and nothing is written', async () => {
    const before = await scimUserCount();
    const base = `"schemas":["${SCIM.user}","${SCIM.enterprise}"],"userName":"deep@example.com"`;
    for (const body of [
      `{${base},"${SCIM.enterprise}":${nested(DEEP)}}`,
      `{${base},"name":{"givenName":${nested(DEEP, '"x"')}}}`,
      `{${base},"emails":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`,
    ]) {
      expectScimError(await scimPost('/Users', body), 400, 'invalidSyntax');
    }
    const user = await scim.createUser('shallow@example.com');
    const patch = `{"schemas":["${SCIM.patch}"],"Operations":[{"op":"add","path":"name","value":${nested(DEEP)}}]}`;
    expectScimError(await scimPost(`/Users/${user.id}`, patch, {}, 'PATCH'), 400, 'invalidSyntax');
    expect(await scimUserCount()).toBe(before + 1);
  });
});

describe('Content-Encoding', () => {
  const body = JSON.stringify({ name: 'Compressed' });
  const garbage = Buffer.from('this is not compressed at all');

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('admin API: a good %s body is read; a malformed one is 400 invalid_request and writes nothing', async (encoding, compress) => {
    const good = await adminPost('/organizations', compress(Buffer.from(body)), { 'Content-Encoding': encoding });
    expect(good.status).toBe(201);
    expect(good.body.name).toBe('Compressed');
    const before = await orgCount();
    const bad = await adminPost('/organizations', garbage, { 'Content-Encoding': encoding });
    expectError(bad, 400, 'invalid_request');
    expect(bad.body.error.message).toMatch(/decod|compress/i);
    // A valid stream cut short.
    const truncated = compress(Buffer.from(JSON.stringify({ name: 'x'.repeat(5000) })));
    expectError(await adminPost('/organizations', truncated.subarray(0, truncated.length - 8), { 'Content-Encoding': encoding }), 400, 'invalid_request');
    expect(await orgCount()).toBe(before);
  });

  it('admin API: an unsupported encoding is 400 invalid_request', async () => {
    const res = await adminPost('/organizations', Buffer.from(body), { 'Content-Encoding': 'compress' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/Content-Encoding/);
  });

  it('the 1 MiB limit applies to the decoded body: a small gzip of 2 MiB is 413 (no zip bombs)', async () => {
    const bomb = gzipSync(Buffer.from(`{"name":"Bomb","description":"${' '.repeat(2 * 1024 * 1024)}"}`));
    expect(bomb.length).toBeLessThan(10_000);
    const before = await orgCount();
    expectError(await adminPost('/organizations', bomb, { 'Content-Encoding': 'gzip' }), 413, 'payload_too_large');
    expectScimError(await scimPost('/Users', bomb, { 'Content-Encoding': 'gzip' }), 413);
    expect(await orgCount()).toBe(before);
  });

  it('SCIM: malformed gzip/deflate/br is 400 in SCIM shape; an unsupported encoding too; a good one is read', async () => {
    const before = await scimUserCount();
    for (const encoding of ['gzip', 'deflate', 'br']) expectScimError(await scimPost('/Users', garbage, { 'Content-Encoding': encoding }), 400, 'invalidSyntax');
    expectScimError(await scimPost('/Users', garbage, { 'Content-Encoding': 'compress' }), 400, 'invalidSyntax');
    expect(await scimUserCount()).toBe(before);
    const user = { schemas: [SCIM.user], userName: 'gzipped@example.com', active: true };
    const good = await scimPost('/Users', gzipSync(Buffer.from(JSON.stringify(user))), { 'Content-Encoding': 'gzip' });
    expect(good.status).toBe(201);
  });
});
