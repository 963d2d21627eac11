import { request } from 'node:http';
import { startTestApp, ROOT_KEY, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

/**
 * Input a fuzzing pass found answering 500 (or writing, or 200) where it must be a 4xx in the
 * contract's shape; the rules are in docs/decisions.md ("Request bodies", "Malformed requests").
 */
let app: TestApp;
let admin: AdminClient;
let orgId: string;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  orgId = (await admin.createOrg()).id;
});
afterAll(() => app.close());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: Record<string, any>;
}

/** A request sent byte for byte as given (supertest would re-encode paths and bodies). */
function send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { method, headers: { ...(payload ? { 'content-length': payload.length } : {}), ...headers } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, any> = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          /* an HTML page */
        }
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
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
