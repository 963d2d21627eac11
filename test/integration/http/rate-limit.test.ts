import { ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError } from '../../support/api';
import { createDirectory, expectScimError } from '../../support/scim';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_API: '5', RATE_LIMIT_SCIM: '3', RATE_LIMIT_PUBLIC: '4' } });
});
afterAll(() => app.close());

describe('rate limits', () => {
  it('per key on the admin API: the 6th request in a minute is 429 with Retry-After; another key has its own budget', async () => {
    const admin = await createTenant(app); // 1 request with the root key
    const key = (await admin.post('/api-keys', { name: 'k' })).body.key; // 2
    for (let i = 0; i < 3; i++) expect((await admin.get('/organizations')).status).toBe(200); // 3..5
    const limited = await admin.get('/organizations');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await app.http.get('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`), 429, 'rate_limited');
    expect((await admin.withKey(key).get('/organizations')).status).toBe(200);
  });

  it('per directory token on SCIM, in the SCIM error shape', async () => {
    const setup = await startTestApp({ databaseUrl: app.databaseUrl });
    const admin = await createTenant(setup);
    const org = await admin.createOrg();
    const dir = await createDirectory(admin, org.id);
    await setup.close();
    const scim = new (dir.constructor as typeof import('../../support/scim').ScimClient)(new (admin.constructor as typeof import('../../support/api').AdminClient)(app, admin.tenant), dir.directoryId, dir.token);
    for (let i = 0; i < 3; i++) expect((await scim.get('/Users')).status).toBe(200);
    const limited = await scim.get('/Users');
    expectScimError(limited, 429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('per client address on public endpoints', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.http.get('/t/nobody/login/route?email=a@b.example')).status);
    expect(statuses.slice(0, 4)).not.toContain(429);
    expect(statuses[4]).toBe(429);
  });
});
