import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { createDirectory } from '../../support/scim';
import { StubVerifiedDomains } from '../../support/sso';

let app: TestApp;
let admin: AdminClient;
const domains = new StubVerifiedDomains();
beforeAll(async () => {
  app = await startTestApp({ overrides: { verifiedDomains: domains } });
  admin = await createTenant(app);
});
afterAll(() => app.close());

const heldRoles = async (orgId: string) =>
  app.container.db.sql.all<{ role_key: string }>('SELECT role_key FROM membership_roles WHERE organization_id = ? ORDER BY role_key', [orgId]);
const memberCount = async (orgId: string) => app.container.models.Membership.count({ where: { organization_id: orgId } });

async function orgWithRoles() {
  const org = await admin.createOrg();
  for (const [key, rank] of [['billing', 150], ['auditor', 150], ['support', 250]] as const) {
    expect((await admin.post(`/organizations/${org.id}/roles`, { key, name: key, rank, permissions: [`${key}:read`] })).status).toBe(201);
  }
  return org;
}

describe('several roles per membership', () => {
  it('adds a member with roles: answers roles by rank then key and role = the highest, in every view, with events', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    const res = await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['billing', 'member', 'auditor', 'billing'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'member', roles: ['member', 'auditor', 'billing'] });
    const [listed] = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(listed).toMatchObject({ user_id: u.id, role: 'member', roles: ['member', 'auditor', 'billing'] });
    expect((await admin.get(`/users/${u.id}`)).body.memberships[0]).toMatchObject({ role: 'member', roles: ['member', 'auditor', 'billing'] });
    const [created] = await admin.events(`?type=membership.created&organization_id=${org.id}`);
    expect(created!.data).toMatchObject({ role: 'member', roles: ['member', 'auditor', 'billing'] });

    // `role` alone still works and holds one role.
    const v = await admin.createUser();
    expect((await admin.post(`/organizations/${org.id}/members`, { user_id: v.id, role: 'guest' })).body).toMatchObject({ role: 'guest', roles: ['guest'] });
  });

  it('where ranks tie, the key that sorts first is the role', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    const res = await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['billing', 'auditor'] });
    expect(res.body).toMatchObject({ role: 'auditor', roles: ['auditor', 'billing'] });
  });

  it('refuses role and roles together, an empty list, an unknown key, a non-list: 400 and nothing written', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    const bad = [
      { user_id: u.id, role: 'member', roles: ['member'] },
      { user_id: u.id, roles: [] },
      { user_id: u.id, roles: ['member', 'emperor'] },
      { user_id: u.id, roles: 'member' },
      { user_id: u.id, roles: [7] },
    ];
    for (const body of bad) expectError(await admin.post(`/organizations/${org.id}/members`, body), 400, 'invalid_request');
    expect(await memberCount(org.id)).toBe(0);
    expect(await heldRoles(org.id)).toEqual([]);

    await admin.addMember(org.id, u.id, 'member');
    const badPatches = [{}, { role: 'member', roles: ['admin'] }, { roles: [] }, { roles: ['admin', 'emperor'] }, { role: 'emperor' }];
    for (const body of badPatches) expectError(await admin.patch(`/organizations/${org.id}/members/${u.id}`, body), 400, 'invalid_request');
    expect(await heldRoles(org.id)).toEqual([{ role_key: 'member' }]);
    expect(await admin.events(`?type=membership.role_changed&organization_id=${org.id}`)).toEqual([]);
  });

  it('PATCH roles replaces the set; membership.role_changed carries from/to and roles_from/roles_to; the same set records nothing', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    await admin.addMember(org.id, u.id, 'member');
    const res = await admin.patch(`/organizations/${org.id}/members/${u.id}`, { roles: ['billing', 'support'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'support', roles: ['support', 'billing'] });
    expect(await heldRoles(org.id)).toEqual([{ role_key: 'billing' }, { role_key: 'support' }]);
    const [changed] = await admin.events(`?type=membership.role_changed&organization_id=${org.id}`);
    expect(changed!.data).toMatchObject({ from: 'member', to: 'support', roles_from: ['member'], roles_to: ['support', 'billing'] });

    expect((await admin.patch(`/organizations/${org.id}/members/${u.id}`, { roles: ['support', 'billing'] })).status).toBe(200);
    expect(await admin.events(`?type=membership.role_changed&organization_id=${org.id}`)).toHaveLength(1);
    expect((await admin.patch(`/organizations/${org.id}/members/${u.id}`, { role: 'guest' })).body).toMatchObject({ role: 'guest', roles: ['guest'] });
  });

  it('the last-owner guard counts members holding owner among their roles, even below a higher custom role', async () => {
    const org = await orgWithRoles();
    expect((await admin.post(`/organizations/${org.id}/roles`, { key: 'root', name: 'Root', rank: 900 })).status).toBe(201);
    const o = await admin.createUser();
    await admin.post(`/organizations/${org.id}/members`, { user_id: o.id, roles: ['root', 'owner'] });
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ role: 'root', roles: ['root', 'owner'] });
    expectError(await admin.patch(`/organizations/${org.id}/members/${o.id}`, { roles: ['root'] }), 409, 'conflict');
    expectError(await admin.del(`/organizations/${org.id}/members/${o.id}`), 409, 'conflict');
    expectError(await admin.del(`/users/${o.id}`), 409, 'conflict');
    expect(await heldRoles(org.id)).toEqual([{ role_key: 'owner' }, { role_key: 'root' }]);

    const second = await admin.createUser();
    await admin.post(`/organizations/${org.id}/members`, { user_id: second.id, roles: ['owner', 'billing'] });
    expect((await admin.patch(`/organizations/${org.id}/members/${o.id}`, { roles: ['root'] })).status).toBe(200);
  });

  it('a role held below the highest cannot be deleted (409); a rank change makes another held role the highest', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['member', 'billing'] });
    expectError(await admin.del(`/organizations/${org.id}/roles/billing`), 409, 'conflict');
    expect((await admin.get(`/organizations/${org.id}/roles`)).body.data.map((r: { key: string }) => r.key)).toContain('billing');

    expect((await admin.patch(`/organizations/${org.id}/roles/billing`, { rank: 350 })).status).toBe(200);
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ role: 'billing', roles: ['billing', 'member'] });
    expect((await admin.patch(`/organizations/${org.id}/members/${u.id}`, { role: 'member' })).status).toBe(200);
    expect((await admin.del(`/organizations/${org.id}/roles/billing`)).status).toBe(204);
  });

  it('a directory that takes a membership over leaves it exactly its one mapped role', async () => {
    const org = await orgWithRoles();
    domains.verify(org.id, 'roles.example');
    const u = await admin.createUser('pat@roles.example');
    await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['support', 'billing'] });
    const scim = await createDirectory(admin, org.id, 'okta');
    await scim.createUser('pat@roles.example');
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ role: 'member', roles: ['member'], source: 'scim' });
    const [changed] = await admin.events(`?type=membership.role_changed&organization_id=${org.id}`);
    expect(changed!.data).toMatchObject({ from: 'support', to: 'member', roles_from: ['support', 'billing'], roles_to: ['member'] });
  });

  it('a directory group mapping moves the one held role; suspension keeps it', async () => {
    const org = await orgWithRoles();
    domains.verify(org.id, 'mapped.example');
    const scim = await createDirectory(admin, org.id, 'okta');
    const user = await scim.createUser('kim@mapped.example');
    const group = await scim.createGroup('Support');
    await admin.put(`/organizations/${org.id}/directories/${scim.directoryId}/role-mappings`, { default_role: 'member', mappings: [{ group: 'Support', role: 'support' }] });
    await scim.patchOps(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: user.id }] }]);
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ role: 'support', roles: ['support'] });
    expect(await heldRoles(org.id)).toEqual([{ role_key: 'support' }]);
    await scim.patchOps(`/Users/${user.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ status: 'suspended', role: 'support', roles: ['support'] });
    const [changed] = await admin.events(`?type=membership.role_changed&organization_id=${org.id}`);
    expect(changed!.data).toMatchObject({ from: 'member', to: 'support', roles_from: ['member'], roles_to: ['support'] });
  });

  it('a directory taking over the last owner, who holds owner below a higher role, records organization.owner_lost', async () => {
    const org = await orgWithRoles();
    expect((await admin.post(`/organizations/${org.id}/roles`, { key: 'root', name: 'Root', rank: 900 })).status).toBe(201);
    domains.verify(org.id, 'lost.example');
    const u = await admin.createUser('lee@lost.example');
    await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['root', 'owner'] });
    const scim = await createDirectory(admin, org.id, 'okta');
    await scim.createUser('lee@lost.example');
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data[0]).toMatchObject({ roles: ['member'], source: 'scim' });
    expect(await admin.events(`?type=organization.owner_lost&organization_id=${org.id}`)).toHaveLength(1);
  });

  it('deleting the organization or the user takes the held roles with it', async () => {
    const org = await orgWithRoles();
    const u = await admin.createUser();
    await admin.post(`/organizations/${org.id}/members`, { user_id: u.id, roles: ['member', 'billing'] });
    expect((await admin.del(`/users/${u.id}`)).status).toBe(204);
    expect(await heldRoles(org.id)).toEqual([]);
    const v = await admin.createUser();
    await admin.post(`/organizations/${org.id}/members`, { user_id: v.id, roles: ['member', 'billing'] });
    expect((await admin.del(`/organizations/${org.id}`)).status).toBe(204);
    expect(await heldRoles(org.id)).toEqual([]);
  });
});
