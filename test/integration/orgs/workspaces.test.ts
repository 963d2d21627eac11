import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';
import { createDirectory } from '../../support/scim';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const memberIds = async (orgId: string) => (await admin.get(`/organizations/${orgId}/members`)).body.data.map((m: { user_id: string }) => m.user_id);

describe('workspaces (issue 22, seed 002)', () => {
  it('parent_id at creation (id or slug), shown on GET; ?parent_id= lists the workspaces; one level only', async () => {
    const parent = await admin.createOrg({ name: 'Parent' });
    expect(parent.parent_id).toBeNull();
    const ws = await admin.createOrg({ name: 'WS', parent_id: parent.id });
    expect(ws.parent_id).toBe(parent.id);
    const ws2 = await admin.createOrg({ name: 'WS2', parent_id: parent.slug });
    expect((await admin.get(`/organizations/${ws2.id}`)).body.parent_id).toBe(parent.id);
    const listed = (await admin.get(`/organizations?parent_id=${parent.slug}`)).body.data.map((o: { id: string }) => o.id);
    expect(listed).toEqual([ws.id, ws2.id]);

    const count = await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id } });
    const nested = await admin.post('/organizations', { name: 'Nested', parent_id: ws.id });
    expectError(nested, 400, 'invalid_request');
    expect(nested.body.error.details[0].path).toBe('parent_id');
    expectError(await admin.post('/organizations', { name: 'Orphan', parent_id: 'org_01HZZZZZZZZZZZZZZZZZZZZZZZ' }), 400, 'invalid_request');
    expectError(await admin.post('/organizations', { name: 'Bad', parent_id: 7 }), 400, 'invalid_request');
    expectError(await admin.patch(`/organizations/${ws.id}`, { parent_id: null }), 400, 'invalid_request');
    expect(await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id } })).toBe(count);
    expectError(await admin.get('/organizations?parent_id=no-such-org'), 404, 'not_found');
  });

  it("a workspace's members must be members of its parent (409, nothing written)", async () => {
    const parent = await admin.createOrg();
    const ws = await admin.createOrg({ parent_id: parent.id });
    const u = await admin.createUser();
    const refused = await admin.post(`/organizations/${ws.id}/members`, { user_id: u.id, role: 'member' });
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.message).toMatch(/parent organization/);
    expect(await memberIds(ws.id)).toEqual([]);
    await admin.addMember(parent.id, u.id);
    await admin.addMember(ws.id, u.id, 'admin');
    expect(await memberIds(ws.id)).toEqual([u.id]);
  });

  it('removal from the parent removes the person from its workspaces, in the same transaction', async () => {
    const parent = await admin.createOrg();
    const [a, b] = [await admin.createOrg({ parent_id: parent.id }), await admin.createOrg({ parent_id: parent.id })];
    const u = await admin.createUser();
    const stays = await admin.createUser();
    for (const org of [parent, a, b]) {
      await admin.addMember(org.id, u.id);
      await admin.addMember(org.id, stays.id);
    }
    expect((await admin.del(`/organizations/${parent.id}/members/${u.id}`)).status).toBe(204);
    expect(await memberIds(a.id)).toEqual([stays.id]);
    expect(await memberIds(b.id)).toEqual([stays.id]);
    const deleted = await admin.events(`?type=membership.deleted&organization_id=${a.id}`);
    expect(deleted[0]!.data).toMatchObject({ reason: 'left_parent_organization' });
  });

  it("a directory removing someone from the parent removes them from its workspaces too", async () => {
    const parent = await admin.createOrg();
    const ws = await admin.createOrg({ parent_id: parent.id });
    const scim = await createDirectory(admin, parent.id);
    const scimUser = await scim.createUser(`${uniqueSlug('s')}@example.com`);
    const userId = (await memberIds(parent.id))[0] as string;
    await admin.addMember(ws.id, userId);
    expect((await scim.del(`/Users/${scimUser.id}`)).status).toBe(204);
    expect(await memberIds(parent.id)).toEqual([]);
    expect(await memberIds(ws.id)).toEqual([]);
  });

  it('deleting the parent deletes its workspaces (each recorded); deleting a workspace leaves the parent', async () => {
    const parent = await admin.createOrg();
    const ws = await admin.createOrg({ parent_id: parent.id });
    const other = await admin.createOrg({ parent_id: parent.id });
    const u = await admin.createUser();
    await admin.addMember(parent.id, u.id);
    await admin.addMember(ws.id, u.id);
    expect((await admin.del(`/organizations/${other.id}`)).status).toBe(204);
    expect((await admin.get(`/organizations/${parent.id}`)).status).toBe(200);
    expect((await admin.del(`/organizations/${parent.id}`)).status).toBe(204);
    expectError(await admin.get(`/organizations/${ws.id}`), 404, 'not_found');
    const types = (await admin.events(`?type=organization.deleted`)).map((e) => (e.target as { id: string }).id);
    expect(types).toEqual(expect.arrayContaining([parent.id, ws.id, other.id]));
    expect(await app.container.models.Membership.count({ where: { user_id: u.id } })).toBe(0);
  });
});
