import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

describe('tenant users', () => {
  it('creates a user; the same email in another letter case is 409; bad emails are 400', async () => {
    const res = await admin.post('/users', { email: 'Grace@Hopper.example', name: 'Grace', tenant_role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^usr_/), email: 'Grace@Hopper.example', name: 'Grace', tenant_role: 'admin', blocked: false });
    expectError(await admin.post('/users', { email: 'grace@HOPPER.example' }), 409, 'conflict');
    expectError(await admin.post('/users', { email: 'not-an-email' }), 400, 'invalid_request');
    expectError(await admin.post('/users', { email: 'a@b.example', tenant_role: 'owner' }), 400, 'invalid_request');
    expectError(await admin.post('/users', { email: 'a@b.example', password: 'x' }), 400, 'invalid_request');
  });

  it('the same email may exist in two tenants', async () => {
    const other = await createTenant(app);
    await admin.createUser('shared@example.com');
    expect((await other.post('/users', { email: 'shared@example.com' })).status).toBe(201);
  });

  it('searches by email or name, reads memberships, updates and deletes', async () => {
    const u = await admin.createUser('linus@kernel.example', { name: 'Linus T' });
    const org = await admin.createOrg();
    await admin.addMember(org.id, u.id, 'admin');
    expect((await admin.get('/users?search=KERNEL')).body.data.map((x: { id: string }) => x.id)).toEqual([u.id]);
    expect((await admin.get('/users?search=linus t')).body.data).toHaveLength(1);
    const got = (await admin.get(`/users/${u.id}`)).body;
    expect(got.memberships).toEqual([
      { organization_id: org.id, organization_slug: org.slug, organization_name: 'Org', role: 'admin', roles: ['admin'], status: 'active', source: 'manual', joined_at: expect.any(String) },
    ]);
    const patched = await admin.patch(`/users/${u.id}`, { blocked: true, name: null });
    expect(patched.body).toMatchObject({ blocked: true, name: null });
    expectError(await admin.patch(`/users/${u.id}`, { email: 'x@y.example' }), 400, 'invalid_request');
    expect((await admin.del(`/users/${u.id}`)).status).toBe(204);
    expectError(await admin.get(`/users/${u.id}`), 404, 'not_found');
    expect(await app.container.models.Membership.count({ where: { user_id: u.id } })).toBe(0);
    const types = (await admin.events(`?type=user.*`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'user.deleted']));
  });
});
