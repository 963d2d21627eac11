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

  it('an unknown key presented again and again reads the database once per cache TTL; SCIM tokens alike', async () => {
    const admin = await createTenant(app);
    const org = await admin.createOrg();
    const dir = await admin.post(`/organizations/${org.id}/directories`, { name: 'd' });
    const unknownKey = `obk_${'1'.repeat(16)}_${'A'.repeat(43)}`;
    const unknownToken = `obs_${'2'.repeat(16)}_${'A'.repeat(43)}`;
    const statements = async (send: () => Promise<unknown>) => {
      let viaSequelize = 0;
      app.container.db.sequelize.addHook('beforeQuery', 'count', () => void viaSequelize++);
      const direct = app.container.db.sql.executed;
      try {
        await send();
        return viaSequelize + app.container.db.sql.executed - direct;
      } finally {
        app.container.db.sequelize.removeHook('beforeQuery', 'count');
      }
    };
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push(await statements(async () => expectError(await admin.withKey(unknownKey).get('/organizations'), 401, 'unauthorized')));
    expect(counts).toEqual([1, 0, 0, 0]);
    const scim = (token: string) => app.http.get(`/t/${admin.tenant.slug}/scim/v2/${dir.body.id}/Users`).set('Authorization', `Bearer ${token}`);
    const scimCounts: number[] = [];
    for (let i = 0; i < 4; i++) scimCounts.push(await statements(async () => expect((await scim(unknownToken)).status).toBe(401)));
    expect(scimCounts).toEqual([1, 0, 0, 0]);
    // A key created meanwhile works at once.
    const created = (await admin.post('/api-keys', { name: 'new' })).body.key;
    expect((await admin.withKey(created).get('/organizations')).status).toBe(200);
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
