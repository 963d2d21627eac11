import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

describe('organization members', () => {
  it('adds a tenant user by id or by email (any case), lists them, and records events', async () => {
    const org = await admin.createOrg();
    const a = await admin.createUser('Ada@Example.com', { name: 'Ada' });
    const b = await admin.createUser();
    const byId = await admin.post(`/organizations/${org.id}/members`, { user_id: a.id, role: 'owner' });
    expect(byId.status).toBe(201);
    expect(byId.body).toEqual({ user_id: a.id, email: 'Ada@Example.com', name: 'Ada', role: 'owner', roles: ['owner'], status: 'active', source: 'manual', joined_at: expect.any(String) });
    const byEmail = await admin.post(`/organizations/${org.id}/members`, { email: b.email.toUpperCase() });
    expect(byEmail.body).toMatchObject({ user_id: b.id, role: 'member' });
    const list = (await admin.get(`/organizations/${org.slug}/members`)).body.data;
    expect(list.map((m: { user_id: string }) => m.user_id)).toEqual([a.id, b.id]);
    expect((await admin.events(`?type=membership.created&organization_id=${org.id}`)).length).toBe(2);
  });

  it('refuses an unknown user (404), an unknown role (400), a duplicate (409) and ambiguous bodies (400)', async () => {
    const org = await admin.createOrg();
    const u = await admin.createUser();
    expectError(await admin.post(`/organizations/${org.id}/members`, { email: 'nobody@example.com' }), 404, 'not_found');
    expectError(await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, role: 'emperor' }), 400, 'invalid_request');
    await admin.addMember(org.id, u.id);
    expectError(await admin.post(`/organizations/${org.id}/members`, { user_id: u.id }), 409, 'conflict');
    expectError(await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, email: u.email }), 400, 'invalid_request');
    expectError(await admin.post(`/organizations/${org.id}/members`, { role: 'member' }), 400, 'invalid_request');
  });

  it('when the same member is added twice in parallel, then one 201 and one 409', async () => {
    const org = await admin.createOrg();
    const u = await admin.createUser();
    const results = await Promise.all([1, 2, 3, 4].map(() => admin.post(`/organizations/${org.id}/members`, { user_id: u.id })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await app.container.models.Membership.count({ where: { organization_id: org.id } })).toBe(1);
  });

  it('changes roles; demoting or removing the last active owner is 409; with two owners it works', async () => {
    const org = await admin.createOrg();
    const o1 = await admin.createUser();
    const o2 = await admin.createUser();
    await admin.addMember(org.id, o1.id, 'owner');
    expectError(await admin.patch(`/organizations/${org.id}/members/${o1.id}`, { role: 'admin' }), 409, 'conflict');
    expectError(await admin.del(`/organizations/${org.id}/members/${o1.id}`), 409, 'conflict');
    expectError(await admin.del(`/users/${o1.id}`), 409, 'conflict');

    await admin.addMember(org.id, o2.id, 'member');
    const promoted = await admin.patch(`/organizations/${org.id}/members/${o2.id}`, { role: 'owner' });
    expect(promoted.body.role).toBe('owner');
    const [changed] = await admin.events(`?type=membership.role_changed&organization_id=${org.id}`);
    expect(changed).toMatchObject({ target: { type: 'user', id: o2.id }, data: { from: 'member', to: 'owner' } });

    expect((await admin.patch(`/organizations/${org.id}/members/${o1.id}`, { role: 'admin' })).status).toBe(200);
    expectError(await admin.patch(`/organizations/${org.id}/members/${o2.id}`, { role: 'guest' }), 409, 'conflict');
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'owner']);
  });

  it('when the two last owners are demoted in parallel, then at most one succeeds', async () => {
    const org = await admin.createOrg();
    const owners = [await admin.createUser(), await admin.createUser()];
    for (const o of owners) await admin.addMember(org.id, o.id, 'owner');
    const results = await Promise.all(owners.map((o) => admin.patch(`/organizations/${org.id}/members/${o.id}`, { role: 'member' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await app.container.models.Membership.count({ where: { organization_id: org.id, role_key: 'owner' } })).toBe(1);
  });

  it('an organization without owners may have members removed', async () => {
    const org = await admin.createOrg();
    const u = await admin.createUser();
    await admin.addMember(org.id, u.id, 'member');
    expect((await admin.del(`/organizations/${org.id}/members/${u.id}`)).status).toBe(204);
    expectError(await admin.del(`/organizations/${org.id}/members/${u.id}`), 404, 'not_found');
  });

  it('a SCIM-managed membership cannot be changed or removed here (409)', async () => {
    const org = await admin.createOrg();
    const u = await admin.createUser();
    await admin.addMember(org.id, u.id, 'member');
    await app.container.models.Membership.update({ source: 'scim' }, { where: { organization_id: org.id, user_id: u.id } });
    const res = await admin.patch(`/organizations/${org.id}/members/${u.id}`, { role: 'admin' });
    expectError(res, 409, 'conflict');
    expect(res.body.error.message).toMatch(/SCIM directory/);
    expectError(await admin.del(`/organizations/${org.id}/members/${u.id}`), 409, 'conflict');
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ role: 'member', source: 'scim' });
  });
});

describe('organization roles', () => {
  it('creates a custom role (rank 150 by default), updates it, and assigns it', async () => {
    const org = await admin.createOrg();
    const created = await admin.post(`/organizations/${org.id}/roles`, { key: 'billing', name: 'Billing', permissions: ['invoices:read', 'invoices:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'billing', rank: 150, permissions: ['invoices:read'], built_in: false });
    const patched = await admin.patch(`/organizations/${org.id}/roles/billing`, { permissions: ['invoices:*'], rank: 250 });
    expect(patched.body).toMatchObject({ permissions: ['invoices:*'], rank: 250 });
    const keys = (await admin.get(`/organizations/${org.id}/roles`)).body.data.map((r: { key: string }) => r.key);
    expect(keys).toEqual(['owner', 'admin', 'billing', 'member', 'guest']);
    const u = await admin.createUser();
    expect((await admin.addMember(org.id, u.id, 'billing')).role).toBe('billing');
  });

  it('refuses duplicates (409), bad keys (400), deleting built-ins (409), changing a built-in rank (400), deleting a held role (409)', async () => {
    const org = await admin.createOrg();
    expectError(await admin.post(`/organizations/${org.id}/roles`, { key: 'admin', name: 'Admin 2' }), 409, 'conflict');
    expectError(await admin.post(`/organizations/${org.id}/roles`, { key: 'Bad Key', name: 'x' }), 400, 'invalid_request');
    expectError(await admin.post(`/organizations/${org.id}/roles`, { key: 'r', name: 'x', rank: 5000 }), 400, 'invalid_request');
    expectError(await admin.del(`/organizations/${org.id}/roles/owner`), 409, 'conflict');
    expectError(await admin.patch(`/organizations/${org.id}/roles/admin`, { rank: 10 }), 400, 'invalid_request');
    expect((await admin.patch(`/organizations/${org.id}/roles/admin`, { permissions: ['org:manage'] })).body.permissions).toEqual(['org:manage']);

    await admin.post(`/organizations/${org.id}/roles`, { key: 'auditor', name: 'Auditor' });
    const u = await admin.createUser();
    await admin.addMember(org.id, u.id, 'auditor');
    expectError(await admin.del(`/organizations/${org.id}/roles/auditor`), 409, 'conflict');
    await admin.patch(`/organizations/${org.id}/members/${u.id}`, { role: 'member' });
    expect((await admin.del(`/organizations/${org.id}/roles/auditor`)).status).toBe(204);
    expectError(await admin.del(`/organizations/${org.id}/roles/auditor`), 404, 'not_found');
  });
});
