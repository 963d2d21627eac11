import { ManualClock, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError } from '../../support/api';
import { SECRET_CACHE_TTL_MS } from '../../../src/shared/ttl-cache';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('tenant API keys', () => {
  it('a key is shown once, listed without its secret, and works for its own tenant', async () => {
    const admin = await createTenant(app);
    const created = await admin.post('/api-keys', { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^key_/), name: 'ci', key: expect.stringMatching(/^obk_/), created_at: expect.any(String) });

    const list = await admin.get('/api-keys');
    expect(list.body.data).toEqual([{ id: created.body.id, name: 'ci', created_at: expect.any(String), revoked_at: null }]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const stored = await app.container.models.ApiKey.findByPk(created.body.id);
    expect(stored!.secret_hash).not.toContain(created.body.key.slice(-20));

    const keyed = admin.withKey(created.body.key);
    expect((await keyed.get('/organizations')).status).toBe(200);
    const org = await keyed.createOrg();
    const [event] = await admin.events('?type=organization.created');
    expect(event).toMatchObject({ actor: { type: 'api_key', id: created.body.id }, target: { id: org.id } });
  });

  it('a key of one tenant used on another tenant gets 404 and no data', async () => {
    const a = await createTenant(app);
    const b = await createTenant(app);
    await b.createOrg({ name: 'Secret Org' });
    const key = (await a.post('/api-keys', { name: 'a' })).body.key;
    const res = await b.withKey(key).get('/organizations');
    expectError(res, 404, 'not_found');
    expect(JSON.stringify(res.body)).not.toContain('Secret Org');
  });

  it('a malformed, unknown or tampered key gets 401', async () => {
    const admin = await createTenant(app);
    const key: string = (await admin.post('/api-keys', { name: 'x' })).body.key;
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const bad of ['nope', tampered, key.replace(/_[0-9a-f]{16}_/, '_0000000000000000_')]) {
      expectError(await admin.withKey(bad).get('/organizations'), 401, 'unauthorized');
    }
  });

  it('a revoked key stops working at once here, and within the cache TTL on another process', async () => {
    const admin = await createTenant(app);
    const created = (await admin.post('/api-keys', { name: 'temp' })).body;
    const clock = new ManualClock();
    const other = await startTestApp({ databaseUrl: app.databaseUrl, clock });
    try {
      const elsewhere = new (admin.constructor as typeof import('../../support/api').AdminClient)(other, admin.tenant, created.key);
      expect((await elsewhere.get('/organizations')).status).toBe(200); // now cached on the other process

      expect((await admin.del(`/api-keys/${created.id}`)).status).toBe(204);
      expectError(await admin.withKey(created.key).get('/organizations'), 401, 'unauthorized');

      clock.advance(SECRET_CACHE_TTL_MS);
      expectError(await elsewhere.get('/organizations'), 401, 'unauthorized');
      expect(SECRET_CACHE_TTL_MS).toBeLessThan(5000);
    } finally {
      await other.close();
    }
    expect((await admin.get('/api-keys')).body.data[0].revoked_at).toEqual(expect.any(String));
    expectError(await admin.del('/api-keys/key_01ABCDEFGHJKMNPQRSTVWXYZ00'), 404, 'not_found');
  });
});
