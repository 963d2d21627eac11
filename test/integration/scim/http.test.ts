import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

// The SCIM service runs on Node's http, not Express (src/scim/scim.handler.ts): what Express
// gave it for free is checked here.
let app: TestApp;
let admin: AdminClient;
let scim: ScimClient;
const lines: Array<Record<string, unknown>> = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  app = await startTestApp({ logDestination: sink });
  admin = await createTenant(app);
  scim = await createDirectory(admin, (await admin.createOrg()).id);
  await scim.createUser('edge@x.example');
});
afterAll(() => app.close());

describe('SCIM over HTTP', () => {
  it('the path may differ in letter case and end in a slash, as IdPs send it', async () => {
    for (const path of ['/users', '/Users/', '/USERS?filter=userName%20eq%20%22edge%40x.example%22']) {
      const res = await scim.get(path);
      expect(res.status).toBe(200);
      expect(res.body.totalResults).toBe(1);
    }
    const upper = await app.http.get(scim.path.replace('/scim/v2/', '/SCIM/v2/') + '/ServiceProviderConfig').set('Authorization', `Bearer ${scim.token}`);
    expect(upper.status).toBe(200);
  });

  it('HEAD answers as GET does, without a body', async () => {
    const res = await app.http.head(`${scim.path}/Users`).set('Authorization', `Bearer ${scim.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.text ?? '').toBe('');
  });

  it('an unknown endpoint or method is 401 without the token and 404 with it, in SCIM’s shape', async () => {
    for (const [method, path] of [
      ['get', '/Unknown'], // /Bulk and /Me are 501 (scim2-tester-checks.test.ts)
      ['get', '/Users/a/b'],
      ['post', '/ServiceProviderConfig/x/y'],
      ['put', '/Users'],
      ['get', '/Users/%E0%A4%A'],
      ['get', '/Users/%00'],
      ['delete', '/Groups/a%00b'],
    ] as const) {
      expectScimError(await scim.withToken('').request(method, path), 401);
      expectScimError(await scim.request(method, path), 404);
    }
  });

  it('a NUL in a path, a filter or a value is refused or stored, never a 500', async () => {
    expectScimError(await app.http.get(scim.path.replace(admin.tenant.slug, `${admin.tenant.slug}%00`) + '/Users').set('Authorization', `Bearer ${scim.token}`), 401);
    expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "edge\u0000@x.example"')}`), 400, 'invalidFilter');
    const created = await scim.post('/Users', { schemas: [SCIM.user], userName: 'nul@x.example', displayName: 'a\u0000b' });
    expect(created.status).toBe(201);
    expect((await scim.get(`/Users/${created.body.id}`)).body.displayName).toBe('a\u0000b');
  });

  it('a body that is not JSON by its content type is 400 and writes nothing', async () => {
    const count = () => app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId } });
    const before = await count();
    const res = await scim.request('post', '/Users').set('Content-Type', 'text/plain').send(JSON.stringify({ schemas: [SCIM.user], userName: 'plain@x.example' }));
    expectScimError(res, 400);
    expect(await count()).toBe(before);
  });

  it('carries the request id, the security headers and a completion log line without the token', async () => {
    const res = await scim.get('/Users/no-such-id', { 'X-Request-Id': 'scim-req-1' });
    expectScimError(res, 404);
    expect(res.headers['x-request-id']).toBe('scim-req-1');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    await new Promise((r) => setTimeout(r, 20));
    const mine = lines.filter((l) => l.reqId === 'scim-req-1');
    expect(mine.map((l) => l.msg)).toEqual(['scim request rejected', 'request completed']);
    expect(mine[1]).toMatchObject({ req: { method: 'GET', url: `${scim.path}/Users/no-such-id` }, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain(scim.token);
  });
});
