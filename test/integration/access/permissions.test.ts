import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { HELD_ROLES_SQL, TENANT_PERMISSIONS_SQL } from '../../../src/access/access.repository';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

/** An organization whose roles carry permissions, a tenant role, and a member holding two roles. */
async function setup() {
  const org = await admin.createOrg();
  await admin.patch(`/organizations/${org.id}/roles/member`, { permissions: ['docs:read'] });
  await admin.post(`/organizations/${org.id}/roles`, { key: 'billing', name: 'Billing', permissions: ['invoices:read', 'docs:read'] });
  const key = `ops-${Math.random().toString(36).slice(2, 8)}`;
  await admin.post('/roles', { key, name: 'Ops', permissions: ['tenant:audit'] });
  const u = await admin.createUser(undefined, { tenant_roles: [key] });
  await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['billing', 'member'] });
  return { org, u };
}
const lookup = (userId: string, org: string) => admin.get(`/users/${userId}/permissions?organization=${org}`);
const check = (body: Record<string, unknown>) => admin.post('/permissions/check', body);

describe('effective permissions', () => {
  it('answers the member roles (highest first) and the union of their permissions, by organization id or slug', async () => {
    const { org, u } = await setup();
    const res = await lookup(u.id, org.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ roles: ['member', 'billing'], permissions: ['docs:read', 'invoices:read'] });
    expect((await lookup(u.id, org.slug)).body).toEqual(res.body);
    expect(await app.container.access.effectiveAccess(admin.tenant.id, u.id, org.id)).toEqual({
      role: 'member',
      roles: ['member', 'billing'],
      permissions: ['docs:read', 'invoices:read'],
    });
  });

  it('adds the tenant-level permissions only while the tenant inherits them', async () => {
    const { org, u } = await setup();
    expect((await check({ user_id: u.id, organization_id: org.id, permission: 'tenant:audit' })).body).toEqual({ allowed: false });
    await admin.patch('/settings', { inherit_global_permissions_in_organizations: true });
    try {
      expect((await lookup(u.id, org.id)).body).toEqual({ roles: ['member', 'billing'], permissions: ['docs:read', 'invoices:read', 'tenant:audit'] });
      expect((await check({ user_id: u.id, organization_id: org.slug, permission: 'tenant:audit' })).body).toEqual({ allowed: true });
    } finally {
      await admin.patch('/settings', { inherit_global_permissions_in_organizations: false });
    }
    expect((await lookup(u.id, org.id)).body.permissions).toEqual(['docs:read', 'invoices:read']);
  });

  it('reflects a role change at once, and a role permission change', async () => {
    const { org, u } = await setup();
    await admin.patch(`/organizations/${org.id}/members/${u.id}`, { roles: ['member'] });
    expect((await lookup(u.id, org.id)).body).toEqual({ roles: ['member'], permissions: ['docs:read'] });
    await admin.patch(`/organizations/${org.id}/roles/member`, { permissions: ['docs:read', 'docs:write'] });
    expect((await check({ user_id: u.id, organization_id: org.id, permission: 'docs:write' })).body).toEqual({ allowed: true });
  });

  it('check: exact permission strings only', async () => {
    const { org, u } = await setup();
    expect((await check({ user_id: u.id, organization_id: org.id, permission: 'invoices:read' })).body).toEqual({ allowed: true });
    for (const permission of ['invoices:*', 'invoices', 'INVOICES:READ', 'invoices:write']) {
      expect((await check({ user_id: u.id, organization_id: org.id, permission })).body).toEqual({ allowed: false });
    }
  });

  it('a suspended member or a blocked user holds nothing and is allowed nothing', async () => {
    const { org, u } = await setup();
    await admin.patch(`/users/${u.id}`, { blocked: true });
    expect((await lookup(u.id, org.id)).body).toEqual({ roles: [], permissions: [] });
    expect((await check({ user_id: u.id, organization_id: org.id, permission: 'docs:read' })).body).toEqual({ allowed: false });
    expect(await app.container.access.effectiveAccess(admin.tenant.id, u.id, org.id)).toBeNull();
    await admin.patch(`/users/${u.id}`, { blocked: false });
    await app.container.models.Membership.update({ status: 'suspended' }, { where: { organization_id: org.id, user_id: u.id } });
    expect((await lookup(u.id, org.id)).body).toEqual({ roles: [], permissions: [] });
    expect((await check({ user_id: u.id, organization_id: org.id, permission: 'docs:read' })).body).toEqual({ allowed: false });
  });

  it('a non-member is 404 on the look-up and not allowed on the check; unknown users and organizations are 404', async () => {
    const { org } = await setup();
    const stranger = await admin.createUser();
    expectError(await lookup(stranger.id, org.id), 404, 'not_found');
    expect((await check({ user_id: stranger.id, organization_id: org.id, permission: 'docs:read' })).body).toEqual({ allowed: false });
    expectError(await lookup('usr_01ARZ3NDEKTSV4RRFFQ69G5FAV', org.id), 404, 'not_found');
    expectError(await lookup(stranger.id, 'no-such-org'), 404, 'not_found');
    expectError(await check({ user_id: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV', organization_id: org.id, permission: 'x' }), 404, 'not_found');
    expectError(await check({ user_id: stranger.id, organization_id: 'no-such-org', permission: 'x' }), 404, 'not_found');

    // Another tenant's organization is unknown here.
    const other = await createTenant(app);
    const foreign = await other.createOrg();
    expectError(await lookup(stranger.id, foreign.id), 404, 'not_found');
  });

  it('bad look-ups and checks are 400 and record nothing', async () => {
    const { org, u } = await setup();
    const last = (await admin.events())[0]!.seq;
    expectError(await admin.get(`/users/${u.id}/permissions`), 400, 'invalid_request');
    for (const body of [
      {},
      { user_id: u.id, organization_id: org.id },
      { user_id: u.id, organization_id: org.id, permission: '' },
      { user_id: u.id, organization_id: org.id, permission: 'has space' },
      { user_id: u.id, organization_id: org.id, permission: 7 },
      { user_id: u.id, organization_id: org.id, permission: 'docs:read', extra: true },
    ]) {
      expectError(await check(body), 400, 'invalid_request');
    }
    expect(await admin.events(`?after=${last}`)).toEqual([]);
  });

  it('effective access costs at most two statements', async () => {
    const { org, u } = await setup();
    const sql = app.container.db.sql;
    let before = sql.executed;
    await app.container.access.effectiveAccess(admin.tenant.id, u.id, org.id);
    expect(sql.executed - before).toBe(1);
    await admin.patch('/settings', { inherit_global_permissions_in_organizations: true });
    before = sql.executed;
    await app.container.access.effectiveAccess(admin.tenant.id, u.id, org.id);
    expect(sql.executed - before).toBe(2);
    await admin.patch('/settings', { inherit_global_permissions_in_organizations: false });
  });

  it('on SQLite, both statements seek by index: no table is scanned', async () => {
    if (app.container.db.dialect !== 'sqlite') return;
    const { org, u } = await setup();
    const plan = async (sql: string, params: unknown[]) =>
      (await app.container.db.sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((p) => p.detail);
    const held = await plan(HELD_ROLES_SQL, [org.id, u.id, admin.tenant.id]);
    const tenant = await plan(TENANT_PERMISSIONS_SQL, [u.id]);
    expect([...held, ...tenant].filter((d) => /^SCAN /.test(d))).toEqual([]);
    expect(held.some((d) => /memberships_org_user_unique/.test(d))).toBe(true);
  });
});
