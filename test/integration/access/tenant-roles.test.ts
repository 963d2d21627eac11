import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const roleCount = () => app.container.models.TenantRole.count({ where: { tenant_id: admin.tenant.id } });
const holdings = (userId: string) =>
  app.container.db.sql.all<{ role_key: string }>('SELECT role_key FROM user_tenant_roles WHERE user_id = ? ORDER BY role_key', [userId]);

describe('tenant-level roles', () => {
  it('every tenant has the built-in admin role, which cannot be deleted but can be edited', async () => {
    const list = (await admin.get('/roles')).body.data;
    expect(list).toEqual([expect.objectContaining({ key: 'admin', built_in: true, permissions: [] })]);
    expectError(await admin.del('/roles/admin'), 409, 'conflict');
    const edited = await admin.patch('/roles/admin', { permissions: ['tenant:manage'] });
    expect(edited.body).toMatchObject({ key: 'admin', permissions: ['tenant:manage'], built_in: true });
  });

  it('creates, reads, updates and deletes a tenant role, with events', async () => {
    const created = await admin.post('/roles', { key: 'auditor', name: 'Auditor', description: 'reads logs', permissions: ['logs:read', 'logs:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      key: 'auditor',
      name: 'Auditor',
      description: 'reads logs',
      permissions: ['logs:read'],
      built_in: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await admin.get('/roles/auditor')).body.name).toBe('Auditor');
    expect((await admin.patch('/roles/auditor', { name: 'Log auditor', description: null })).body).toMatchObject({ name: 'Log auditor', description: null });
    expect((await admin.del('/roles/auditor')).status).toBe(204);
    expectError(await admin.get('/roles/auditor'), 404, 'not_found');
    const types = (await admin.events('?type=tenant_role.created')).concat(await admin.events('?type=tenant_role.updated'), await admin.events('?type=tenant_role.deleted'));
    expect(types.filter((e) => (e.data as { key: string }).key === 'auditor').map((e) => e.type).sort()).toEqual([
      'tenant_role.created',
      'tenant_role.deleted',
      'tenant_role.updated',
    ]);
  });

  it('refuses bad tenant roles with 400 and writes nothing; a taken key is 409; unknown keys 404', async () => {
    const before = await roleCount();
    for (const body of [
      { key: 'Bad Key', name: 'x' },
      { key: 'ok', name: '' },
      { key: 'ok', name: 'x', permissions: ['has space'] },
      { key: 'ok', name: 'x', permissions: 'one' },
      { key: 'ok', name: 'x', rank: 10 },
      { name: 'x' },
    ]) {
      expectError(await admin.post('/roles', body), 400, 'invalid_request');
    }
    expect(await roleCount()).toBe(before);
    expectError(await admin.post('/roles', { key: 'admin', name: 'Again' }), 409, 'conflict');
    expectError(await admin.patch('/roles/nope', { name: 'x' }), 404, 'not_found');
    expectError(await admin.patch('/roles/admin', { key: 'other' }), 400, 'invalid_request');
    expectError(await admin.del('/roles/nope'), 404, 'not_found');
    expect(await roleCount()).toBe(before);
  });

  it('users hold tenant_roles; tenant_role is the admin shorthand both ways; a held role cannot be deleted', async () => {
    await admin.post('/roles', { key: 'billing', name: 'Billing' });
    await admin.post('/roles', { key: 'support', name: 'Support' });
    const u = await admin.post('/users', { email: 'tr1@example.com', tenant_roles: ['support', 'billing'] });
    expect(u.status).toBe(201);
    expect(u.body).toMatchObject({ tenant_roles: ['billing', 'support'], tenant_role: null });

    const promoted = await admin.patch(`/users/${u.body.id}`, { tenant_role: 'admin' });
    expect(promoted.body).toMatchObject({ tenant_role: 'admin', tenant_roles: ['admin', 'billing', 'support'] });
    expect((await admin.get(`/users/${u.body.id}`)).body).toMatchObject({ tenant_role: 'admin', tenant_roles: ['admin', 'billing', 'support'] });
    expect((await admin.patch(`/users/${u.body.id}`, { tenant_role: null })).body).toMatchObject({ tenant_role: null, tenant_roles: ['billing', 'support'] });
    expect((await admin.patch(`/users/${u.body.id}`, { tenant_roles: ['admin'] })).body).toMatchObject({ tenant_role: 'admin', tenant_roles: ['admin'] });

    const shorthand = await admin.post('/users', { email: 'tr2@example.com', tenant_role: 'admin' });
    expect(shorthand.body).toMatchObject({ tenant_role: 'admin', tenant_roles: ['admin'] });
    const listed = (await admin.get('/users?search=tr2@')).body.data[0];
    expect(listed).toMatchObject({ tenant_role: 'admin', tenant_roles: ['admin'] });

    await admin.patch(`/users/${shorthand.body.id}`, { tenant_roles: ['billing'] });
    expectError(await admin.del('/roles/billing'), 409, 'conflict');
    expect((await admin.patch(`/users/${shorthand.body.id}`, { tenant_roles: [] })).body).toMatchObject({ tenant_role: null, tenant_roles: [] });
    expect((await admin.del('/roles/billing')).status).toBe(204);
  });

  it('refuses bad tenant_roles on users with 400 and writes nothing', async () => {
    const usersBefore = await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } });
    for (const body of [
      { email: 'bad1@example.com', tenant_roles: ['emperor'] },
      { email: 'bad2@example.com', tenant_roles: 'admin' },
      { email: 'bad3@example.com', tenant_role: 'admin', tenant_roles: ['admin'] },
      { email: 'bad4@example.com', tenant_role: 'owner' },
    ]) {
      expectError(await admin.post('/users', body), 400, 'invalid_request');
    }
    expect(await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } })).toBe(usersBefore);

    const u = await admin.createUser('tr3@example.com', { tenant_roles: ['admin'] });
    for (const body of [{ tenant_roles: ['admin', 'emperor'] }, { tenant_roles: [1] }, { tenant_role: null, tenant_roles: [] }]) {
      expectError(await admin.patch(`/users/${u.id}`, body), 400, 'invalid_request');
    }
    expect(await holdings(u.id)).toEqual([{ role_key: 'admin' }]);
    expect((await admin.get(`/users/${u.id}`)).body.tenant_role).toBe('admin');
  });

  it('the inherit_global_permissions_in_organizations setting defaults to false and is patched at the top level of /settings', async () => {
    expect((await admin.get('/settings')).body.inherit_global_permissions_in_organizations).toBe(false);
    expectError(await admin.patch('/settings', { inherit_global_permissions_in_organizations: 'yes' }), 400, 'invalid_request');
    expectError(await admin.patch('/settings', { auth_settings: { inherit_global_permissions_in_organizations: true } }), 400, 'invalid_request');
    expect((await admin.get('/settings')).body.inherit_global_permissions_in_organizations).toBe(false);
    const res = await admin.patch('/settings', { inherit_global_permissions_in_organizations: true });
    expect(res.body).toMatchObject({ inherit_global_permissions_in_organizations: true, branding: expect.any(Object), auth_settings: expect.any(Object) });
    expect((await admin.patch('/settings', { branding: { welcome_text: 'hi' } })).body.inherit_global_permissions_in_organizations).toBe(true);
    expect((await admin.get('/settings')).body.inherit_global_permissions_in_organizations).toBe(true);
    await admin.patch('/settings', { inherit_global_permissions_in_organizations: false });
  });

  it('a tenant whose users hold tenant roles can be deleted', async () => {
    const other = await createTenant(app);
    await other.post('/roles', { key: 'ops', name: 'Ops' });
    await other.createUser(undefined, { tenant_roles: ['ops', 'admin'] });
    const res = await app.http.delete(`/api/v1/tenants/${other.tenant.id}`).set('Authorization', `Bearer ${other.key}`);
    expect(res.status).toBe(204);
    expect(await app.container.models.TenantRole.count({ where: { tenant_id: other.tenant.id } })).toBe(0);
  });
});
