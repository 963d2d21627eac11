import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const big = () => ({ blob: 'x'.repeat(16 * 1024) });

describe('user metadata (issue 22)', () => {
  it('POST /users takes app_metadata and user_metadata; GET and lists show them ({} when unset)', async () => {
    const res = await admin.post('/users', { email: 'meta@example.com', app_metadata: { plan: 'pro', seats: 3 }, user_metadata: { theme: 'dark' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ app_metadata: { plan: 'pro', seats: 3 }, user_metadata: { theme: 'dark' } });
    const plain = await admin.createUser();
    expect((await admin.get(`/users/${plain.id}`)).body).toMatchObject({ app_metadata: {}, user_metadata: {} });
    const listed = (await admin.get('/users?search=meta@')).body.data;
    expect(listed).toEqual([expect.objectContaining({ id: res.body.id, app_metadata: { plan: 'pro', seats: 3 }, user_metadata: { theme: 'dark' } })]);
    expect((await admin.get(`/users/${res.body.id}`)).body.user_metadata).toEqual({ theme: 'dark' });
  });

  it('PATCH merges the top level (RFC 7396): null removes a key, a null field clears it', async () => {
    const u = (await admin.post('/users', { email: 'merge@example.com', app_metadata: { a: 1, b: { x: 1 } }, user_metadata: { keep: true } })).body;
    const patched = await admin.patch(`/users/${u.id}`, { app_metadata: { a: null, b: { y: 2 }, c: 'new' } });
    expect(patched.status).toBe(200);
    expect(patched.body.app_metadata).toEqual({ b: { y: 2 }, c: 'new' });
    expect(patched.body.user_metadata).toEqual({ keep: true });
    const cleared = await admin.patch(`/users/${u.id}`, { user_metadata: null });
    expect(cleared.body).toMatchObject({ app_metadata: { b: { y: 2 }, c: 'new' }, user_metadata: {} });
  });

  it('bad input is 400 and writes nothing', async () => {
    const count = await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } });
    for (const body of [
      { email: 'bad1@example.com', app_metadata: [1, 2] },
      { email: 'bad2@example.com', user_metadata: 'text' },
      { email: 'bad3@example.com', app_metadata: null },
      { email: 'bad4@example.com', user_metadata: big() },
    ]) {
      const res = await admin.post('/users', body);
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.details[0].path).toMatch(/_metadata/);
    }
    expect(await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } })).toBe(count);

    const u = (await admin.post('/users', { email: 'grow@example.com', user_metadata: { half: 'y'.repeat(9000) } })).body;
    const before = (await admin.get(`/users/${u.id}`)).body;
    const grown = await admin.patch(`/users/${u.id}`, { user_metadata: { other: 'z'.repeat(9000) } });
    expectError(grown, 400, 'invalid_request');
    expect(grown.body.error.details).toEqual([{ path: 'user_metadata', message: 'too large after merge' }]);
    expectError(await admin.patch(`/users/${u.id}`, { app_metadata: 5 }), 400, 'invalid_request');
    expect((await admin.get(`/users/${u.id}`)).body).toEqual(before);
  });
});
