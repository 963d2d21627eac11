import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { createDirectory, type ScimClient } from '../../support/scim';
import { StubVerifiedDomains } from '../../support/sso';

let app: TestApp;
let admin: AdminClient;
const domains = new StubVerifiedDomains();
beforeAll(async () => {
  app = await startTestApp({ overrides: { verifiedDomains: domains } });
  admin = await createTenant(app);
});
afterAll(() => app.close());

/**
 * A new organization with a directory. It owns corp.example (the latest setup's organization
 * does), so its directory may link existing tenant users of that domain; the refusals are in
 * test/integration/scim/linking.test.ts.
 */
async function setup(): Promise<{ org: { id: string }; scim: ScimClient }> {
  const org = await admin.createOrg();
  domains.verify(org.id, 'corp.example');
  return { org, scim: await createDirectory(admin, org.id, 'okta') };
}
const members = async (orgId: string) =>
  (await admin.get(`/organizations/${orgId}/members`)).body.data as Array<{ user_id: string; email: string; role: string; status: string; source: string }>;
const memberOf = async (orgId: string, email: string) => (await members(orgId)).find((m) => m.email === email);
const mappings = (orgId: string, dirId: string, body: unknown) => admin.put(`/organizations/${orgId}/directories/${dirId}/role-mappings`, body);

describe('SCIM effects on the organization', () => {
  it('a SCIM user links to the tenant user with the same email (any case), created if none; active:false suspends, true restores, DELETE removes', async () => {
    const { org, scim } = await setup();
    const existing = await admin.createUser('Known@Corp.example');
    const linked = await scim.createUser('known@corp.example');
    const fresh = await scim.createUser('new@corp.example', { name: { givenName: 'New', familyName: 'Person' } });
    const list = await members(org.id);
    expect(list.find((m) => m.user_id === existing.id)).toMatchObject({ role: 'member', status: 'active', source: 'scim' });
    const created = list.find((m) => m.email === 'new@corp.example')!;
    expect((await admin.get(`/users/${created.user_id}`)).body).toMatchObject({ name: 'New Person' });

    await scim.patchOps(`/Users/${linked.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(await memberOf(org.id, 'Known@Corp.example')).toMatchObject({ status: 'suspended' });
    await scim.patchOps(`/Users/${linked.id}`, [{ op: 'replace', value: { active: true } }]);
    expect(await memberOf(org.id, 'Known@Corp.example')).toMatchObject({ status: 'active' });

    expect((await scim.del(`/Users/${fresh.id}`)).status).toBe(204);
    expect(await memberOf(org.id, 'new@corp.example')).toBeUndefined();
    expect((await admin.get(`/users/${created.user_id}`)).status).toBe(200);

    const types = (await admin.events(`?organization_id=${org.id}`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['directory.user.created', 'directory.user.deactivated', 'directory.user.reactivated', 'directory.user.deleted', 'membership.suspended', 'membership.reactivated', 'membership.deleted']));
  });

  it("new people created together get the directory's default role, suspended if created inactive; two SCIM users of one new person make one membership", async () => {
    const { org, scim } = await setup();
    expect((await mappings(org.id, scim.directoryId, { default_role: 'admin', mappings: [] })).status).toBe(200);
    domains.verify(org.id, 'together.example');
    const known = await admin.createUser('known@together.example');
    await Promise.all([
      scim.createUser('a@together.example'),
      scim.createUser('b@together.example', { active: false }),
      scim.createUser('known@together.example'),
      scim.createUser('c-one', { emails: [{ value: 'c@together.example', type: 'work', primary: true }], active: false }),
      scim.createUser('c-two', { emails: [{ value: 'C@together.example', type: 'work', primary: true }] }),
    ]);
    const list = await members(org.id);
    const by = (email: string) => list.filter((m) => m.email.toLowerCase() === email).map(({ role, status, source }) => ({ role, status, source }));
    expect(by('a@together.example')).toEqual([{ role: 'admin', status: 'active', source: 'scim' }]);
    expect(by('b@together.example')).toEqual([{ role: 'admin', status: 'suspended', source: 'scim' }]);
    expect(by('c@together.example')).toEqual([{ role: 'admin', status: 'active', source: 'scim' }]);
    expect(list.find((m) => m.user_id === known.id)).toMatchObject({ role: 'admin', status: 'active', source: 'scim' });
    const created = await admin.events(`?type=membership.created&organization_id=${org.id}`);
    expect(created).toHaveLength(4);
  });

  it('a userName or email change keeps the link', async () => {
    const { org, scim } = await setup();
    const u = await scim.createUser('before@corp.example');
    const userId = (await memberOf(org.id, 'before@corp.example'))!.user_id;
    await scim.patchOps(`/Users/${u.id}`, [
      { op: 'replace', path: 'userName', value: 'after@corp.example' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'after@corp.example' },
    ]);
    const row = await app.container.models.ScimUser.findByPk(u.id);
    expect(row).toMatchObject({ user_id: userId, user_name: 'after@corp.example' });
    expect((await members(org.id)).map((m) => m.user_id)).toEqual([userId]);
  });

  it('a manual membership that a directory provisions becomes directory-managed, and the admin API then refuses to change it', async () => {
    const { org, scim } = await setup();
    const user = await admin.createUser('manual@corp.example');
    await admin.addMember(org.id, user.id, 'admin');
    await scim.createUser('manual@corp.example');
    expect(await memberOf(org.id, 'manual@corp.example')).toMatchObject({ source: 'scim', role: 'member' });
    expectError(await admin.patch(`/organizations/${org.id}/members/${user.id}`, { role: 'owner' }), 409, 'conflict');
    const [event] = await admin.events(`?type=membership.updated&organization_id=${org.id}`);
    expect(event).toMatchObject({ actor: { type: 'directory', id: scim.directoryId }, data: { source: { from: 'manual', to: 'scim' } } });
  });

  it('group → role mapping: highest rank wins, by displayName (any case) or group id, else the default; recomputed on every change', async () => {
    const { org, scim } = await setup();
    await admin.post(`/organizations/${org.id}/roles`, { key: 'billing', name: 'Billing', rank: 250 });
    const u = await scim.createUser('mapped@corp.example');
    const admins = await scim.createGroup('Admins');
    const billing = await scim.createGroup('Billing');
    expect((await mappings(org.id, scim.directoryId, { default_role: 'guest', mappings: [{ group: 'ADMINS', role: 'admin' }, { group_id: billing.id, role: 'billing' }] })).status).toBe(200);
    expect((await memberOf(org.id, 'mapped@corp.example'))!.role).toBe('guest');

    await scim.patchOps(`/Groups/${billing.id}`, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]);
    expect((await memberOf(org.id, 'mapped@corp.example'))!.role).toBe('billing');
    await scim.patchOps(`/Groups/${admins.id}`, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]);
    expect((await memberOf(org.id, 'mapped@corp.example'))!.role).toBe('admin');

    // Renaming keeps id-based mappings; a name-based mapping stops matching.
    await scim.patchOps(`/Groups/${billing.id}`, [{ op: 'replace', path: 'displayName', value: 'Finance' }]);
    await scim.patchOps(`/Groups/${admins.id}`, [{ op: 'replace', path: 'displayName', value: 'Former Admins' }]);
    expect((await memberOf(org.id, 'mapped@corp.example'))!.role).toBe('billing');
    await scim.del(`/Groups/${billing.id}`);
    expect((await memberOf(org.id, 'mapped@corp.example'))!.role).toBe('guest');

    const changed = (await admin.events(`?type=membership.role_changed&organization_id=${org.id}`)).map((e) => (e.data as { to: string }).to);
    expect(changed.reverse()).toEqual(['guest', 'billing', 'admin', 'billing', 'guest']);
  });

  it('parallel PATCHes of two groups that share members leave each member the highest role of all its groups', async () => {
    const { org, scim } = await setup();
    const admins = await scim.createGroup('Admins');
    const owners = await scim.createGroup('Owners');
    await mappings(org.id, scim.directoryId, { default_role: 'member', mappings: [{ group: 'Admins', role: 'admin' }, { group: 'Owners', role: 'owner' }] });
    for (let round = 0; round < 6; round++) {
      const people = await Promise.all(Array.from({ length: 4 }, (_, i) => scim.createUser(`race${round}-${i}@corp.example`)));
      const add = (group: { id: string }) => scim.patchOps(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: people.map((p) => ({ value: p.id })) }]);
      expect((await Promise.all([add(owners), add(admins)])).map((r) => r.status)).toEqual([200, 200]);
      const roles = (await members(org.id)).filter((m) => m.email.startsWith(`race${round}-`)).map((m) => m.role);
      expect(roles).toEqual(['owner', 'owner', 'owner', 'owner']);
    }
  });

  it('a mapping change beside a PATCH of the group it maps leaves the new members the mapped role', async () => {
    for (let round = 0; round < 6; round++) {
      const { org, scim } = await setup();
      const leads = await scim.createGroup('Leads');
      const people = await Promise.all(Array.from({ length: 20 }, (_, i) => scim.createUser(`lead${i}@corp.example`)));
      const [patched, mapped] = await Promise.all([
        scim.patchOps(`/Groups/${leads.id}`, [{ op: 'add', path: 'members', value: people.map((p) => ({ value: p.id })) }]),
        mappings(org.id, scim.directoryId, { default_role: 'member', mappings: [{ group: 'Leads', role: 'admin' }] }),
      ]);
      expect([patched.status, mapped.status]).toEqual([200, 200]);
      const roles = ((await admin.get(`/organizations/${org.id}/members?limit=100`)).body.data as Array<{ role: string }>).map((m) => m.role);
      expect(roles).toEqual(Array(20).fill('admin'));
    }
  });

  it('a mapping by displayName finds a group whose name holds control characters', async () => {
    const { org, scim } = await setup();
    await mappings(org.id, scim.directoryId, { default_role: 'member', mappings: [{ group: 'Admins\u001e\u001fAll', role: 'admin' }] });
    const u = await scim.createUser('ctl@corp.example');
    await scim.createGroup('Admins\u001e\u001fAll', [u.id]);
    expect(await memberOf(org.id, 'ctl@corp.example')).toMatchObject({ role: 'admin' });
  });

  it('role-mapping validation and preview: the preview changes nothing', async () => {
    const { org, scim } = await setup();
    const a = await scim.createUser('p1@corp.example');
    await scim.createUser('p2@corp.example');
    const g = await scim.createGroup('Owners', [a.id]);
    const path = `/organizations/${org.id}/directories/${scim.directoryId}/role-mappings`;
    expectError(await mappings(org.id, scim.directoryId, { mappings: [{ group: 'x', role: 'emperor' }] }), 400, 'invalid_request');
    expectError(await mappings(org.id, scim.directoryId, { mappings: [{ group: 'x', group_id: 'y', role: 'admin' }] }), 400, 'invalid_request');
    const preview = await admin.post(`${path}/preview`, { default_role: 'guest', mappings: [{ group_id: g.id, role: 'owner' }] });
    expect(preview.status).toBe(200);
    expect(preview.body.changes.sort((x: { email: string }, y: { email: string }) => x.email.localeCompare(y.email))).toEqual([
      { user_id: expect.any(String), email: 'p1@corp.example', from: 'member', to: 'owner' },
      { user_id: expect.any(String), email: 'p2@corp.example', from: 'member', to: 'guest' },
    ]);
    expect((await members(org.id)).map((m) => m.role)).toEqual(['member', 'member']);
    expect((await admin.get(path)).body).toEqual({ default_role: 'member', mappings: [] });
  });

  it('two directories provisioning one person: one membership, highest role, active while any directory has it active, gone when none holds it', async () => {
    const { org, scim: okta } = await setup();
    const entra = await createDirectory(admin, org.id, 'entra');
    await mappings(org.id, entra.directoryId, { default_role: 'admin', mappings: [] });
    const a = await okta.createUser('both@corp.example');
    const b = await entra.createUser('Both@Corp.example');
    expect(await members(org.id)).toEqual([expect.objectContaining({ email: 'both@corp.example', role: 'admin', status: 'active' })]);

    await entra.patchOps(`/Users/${b.id}`, [{ op: 'replace', path: 'active', value: 'False' }]);
    expect(await memberOf(org.id, 'both@corp.example')).toMatchObject({ status: 'active' });
    await okta.patchOps(`/Users/${a.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(await memberOf(org.id, 'both@corp.example')).toMatchObject({ status: 'suspended' });

    await entra.del(`/Users/${b.id}`);
    expect(await memberOf(org.id, 'both@corp.example')).toMatchObject({ role: 'member', status: 'suspended' });
    await okta.del(`/Users/${a.id}`);
    expect(await members(org.id)).toEqual([]);
  });

  it('the directory is authoritative over the last owner, and losing it records organization.owner_lost', async () => {
    const { org, scim } = await setup();
    const owners = await scim.createGroup('Owners');
    await mappings(org.id, scim.directoryId, { default_role: 'member', mappings: [{ group: 'Owners', role: 'owner' }] });
    const boss = await scim.createUser('boss@corp.example');
    await scim.patchOps(`/Groups/${owners.id}`, [{ op: 'add', path: 'members', value: [{ value: boss.id }] }]);
    expect((await memberOf(org.id, 'boss@corp.example'))!.role).toBe('owner');
    await scim.patchOps(`/Users/${boss.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(await memberOf(org.id, 'boss@corp.example')).toMatchObject({ role: 'owner', status: 'suspended' });
    const lost = await admin.events(`?type=organization.owner_lost&organization_id=${org.id}`);
    expect(lost).toHaveLength(1);
  });

  it('deleting a directory removes the memberships only it held', async () => {
    const { org, scim } = await setup();
    const other = await createDirectory(admin, org.id);
    await scim.createUser('only@corp.example');
    await scim.createUser('shared@corp.example');
    await other.createUser('shared@corp.example');
    expect((await admin.del(`/organizations/${org.id}/directories/${scim.directoryId}`)).status).toBe(204);
    expect((await members(org.id)).map((m) => m.email)).toEqual(['shared@corp.example']);
    expect((await scim.get('/Users')).status).toBe(401);
  });

  it('directories: create shows the token once and the base URL; list and get never show it', async () => {
    const org = await admin.createOrg();
    const res = await admin.post(`/organizations/${org.id}/directories`, { name: 'Okta', provider: 'okta' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^dir_/),
      organization_id: org.id,
      name: 'Okta',
      provider: 'okta',
      scim_base_url: `http://localhost:3000/t/${admin.tenant.slug}/scim/v2/${res.body.id}`,
      bearer_token: expect.stringMatching(/^obs_/),
      created_at: expect.any(String),
    });
    const listed = await admin.get(`/organizations/${org.id}/directories`);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.bearer_token);
    expect((await admin.get(`/organizations/${org.id}/directories/${res.body.id}`)).body.bearer_token).toBeUndefined();
    expectError(await admin.post(`/organizations/${org.id}/directories`, { name: 'x', provider: 'onelogin-ish' }), 400, 'invalid_request');
    const other = await admin.createOrg();
    expectError(await admin.get(`/organizations/${other.id}/directories/${res.body.id}`), 404, 'not_found');
  });
});
