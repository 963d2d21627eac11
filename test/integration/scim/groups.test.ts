import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

let app: TestApp;
let admin: AdminClient;
let scim: ScimClient;
const users: string[] = [];
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  const org = await admin.createOrg();
  scim = await createDirectory(admin, org.id);
  for (let i = 0; i < 6; i++) users.push((await scim.createUser(`member${i}@g.example`)).id);
});
afterAll(() => app.close());

const memberIds = async (groupId: string) => ((await scim.get(`/Groups/${groupId}`)).body.members ?? []).map((m: { value: string }) => m.value).sort();
const sorted = (ids: string[]) => [...ids].sort();

describe('SCIM Groups', () => {
  it('POST with members answers 201 with members, Location and ETag; the users list their groups', async () => {
    const res = await scim.post('/Groups', { schemas: [SCIM.group], displayName: 'Engineering', externalId: 'g-eng', members: [{ value: users[0] }, { value: users[1] }] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.body).toMatchObject({ displayName: 'Engineering', externalId: 'g-eng' });
    expect(sorted(res.body.members.map((m: { value: string }) => m.value))).toEqual(sorted([users[0]!, users[1]!]));
    expect(Object.keys(res.body.members[0]).sort()).toEqual(['$ref', 'value']); // display and type are returned on request
    const asked = await scim.get(`/Groups/${res.body.id}?attributes=members.display,members.type,members.value`);
    expect(asked.body.members[0]).toMatchObject({ display: expect.stringMatching(/@g\.example$/), type: 'User' });
    const user = await scim.get(`/Users/${users[0]}`);
    expect(user.body.groups).toEqual([expect.objectContaining({ value: res.body.id, display: 'Engineering' })]);
    const other = await scim.createGroup('Design', [users[0]!]);
    const listed = await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${users[0]}"`)}`);
    expect(listed.status).toBe(200);
    expect(listed.body.Resources[0].groups.map((g: { value: string; display: string; type: string }) => [g.value, g.display, g.type])).toEqual(
      [[res.body.id, 'Engineering', 'direct'], [other.id, 'Design', 'direct']].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });

  it("a user's groups keep names that hold control characters or any Unicode, by id and in filtered and unfiltered lists", async () => {
    const names = ['Sep\u001eArated', 'Unit\u001fSep', 'Count\u001d', 'Ünïcødé 🚀'];
    const groups = [];
    for (const name of names) groups.push(await scim.createGroup(name, [users[5]!]));
    const expected = groups.map((g, i) => [g.id, names[i]]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    const pairs = (user: { groups: Array<{ value: string; display: string }> }) => user.groups.map((g) => [g.value, g.display]);
    expect(pairs((await scim.get(`/Users/${users[5]}`)).body)).toEqual(expected);
    expect(pairs((await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${users[5]}"`)}`)).body.Resources[0])).toEqual(expected);
    const all = (await scim.get('/Users?count=100')).body.Resources as Array<{ id: string; groups: Array<{ value: string; display: string }> }>;
    expect(pairs(all.find((u) => u.id === users[5])!)).toEqual(expected);
    for (const g of groups) expect((await scim.del(`/Groups/${g.id}`)).status).toBe(204);
  });

  it('PATCH add/remove act on membership as a set: no errors for present or absent members, others untouched', async () => {
    const g = await scim.createGroup('Set', [users[0]!, users[1]!]);
    const ops = [
      [{ op: 'add', path: 'members', value: [{ value: users[1] }, { value: users[2] }] }],
      [{ op: 'Add', path: `members[value eq "${users[3]}"]` }],
      [{ op: 'remove', path: `members[value eq "${users[5]}"]` }],
      [{ op: 'remove', path: 'members', value: [{ value: users[0] }, { value: users[4] }] }],
    ];
    for (const Operations of ops) expect((await scim.patchOps(`/Groups/${g.id}`, Operations)).status).toBe(200);
    expect(await memberIds(g.id)).toEqual(sorted([users[1]!, users[2]!, users[3]!]));
    const types = (await admin.events('?type=directory.group.*')).filter((e) => e.target && (e.target as { id: string }).id === g.id).map((e) => e.type);
    expect(types.filter((t) => t === 'directory.group.member_added')).toHaveLength(4);
    expect(types.filter((t) => t === 'directory.group.member_removed')).toHaveLength(1);
  });

  it('Entra and Okta shapes: a single member object, bare ids, path-less replace with members replaces the set', async () => {
    const g = await scim.createGroup('Dialects', [users[0]!]);
    expect((await scim.patchOps(`/Groups/${g.id}`, [{ op: 'Add', path: 'members', value: { value: users[1] } }])).status).toBe(200);
    expect((await scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [users[2]] }])).status).toBe(200);
    expect(await memberIds(g.id)).toEqual(sorted([users[0]!, users[1]!, users[2]!]));
    const res = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'replace', value: { id: g.id, displayName: 'Dialects 2', members: [{ value: users[4] }] } }]);
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('Dialects 2');
    expect(await memberIds(g.id)).toEqual([users[4]]);
    expect((await scim.patchOps(`/Groups/${g.id}`, [{ op: 'replace', path: 'members', value: [{ value: users[0] }, { value: users[1] }] }])).status).toBe(200);
    expect(await memberIds(g.id)).toEqual(sorted([users[0]!, users[1]!]));
    expect((await scim.patchOps(`/Groups/${g.id}`, [{ op: 'remove', path: 'members' }])).status).toBe(200);
    expect(await memberIds(g.id)).toEqual([]);
  });

  it('PUT replaces name and members; If-Match mismatch is 412', async () => {
    const g = await scim.createGroup('Put', [users[0]!]);
    expectScimError(await scim.put(`/Groups/${g.id}`, { schemas: [SCIM.group], displayName: 'X' }, { 'If-Match': 'W/"9"' }), 412);
    const res = await scim.put(`/Groups/${g.id}`, { schemas: [SCIM.group], displayName: 'Put 2', members: [{ value: users[2] }] }, { 'If-Match': 'W/"1"' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(await memberIds(g.id)).toEqual([users[2]]);
  });

  it('bad PATCHes are 400 with the right scimType and change nothing', async () => {
    const g = await scim.createGroup('Bad', [users[0]!]);
    const cases: Array<[unknown, string]> = [
      [{ schemas: [SCIM.patch], Operations: [{ op: 'move', path: 'members', value: [] }] }, 'invalidSyntax'],
      [{ schemas: [SCIM.patch], Operations: [] }, 'invalidSyntax'],
      [{ schemas: [SCIM.patch], Operations: [{ op: 'add', path: 'colour', value: 'x' }] }, 'invalidPath'],
      [{ schemas: [SCIM.patch], Operations: [{ op: 'add', path: 'members[display eq "x"]' }] }, 'invalidPath'],
      [{ schemas: [SCIM.patch], Operations: [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }] }, 'invalidValue'],
      [{ schemas: [SCIM.patch], Operations: [{ op: 'replace', path: 'displayName', value: '' }] }, 'invalidValue'],
      [{ schemas: ['urn:wrong'], Operations: [{ op: 'add', path: 'members', value: [] }] }, 'invalidSyntax'],
    ];
    for (const [body, scimType] of cases) expectScimError(await scim.patch(`/Groups/${g.id}`, body), 400, scimType);
    const after = await scim.get(`/Groups/${g.id}`);
    expect(after.headers.etag).toBe('W/"1"');
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([users[0]]);
  });

  it('parallel PATCHes adding different members to one group lose none', async () => {
    const g = await scim.createGroup('Parallel');
    const results = await Promise.all(users.map((u) => scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: u }] }])));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await memberIds(g.id)).toEqual(sorted(users));
    expect((await scim.get(`/Groups/${g.id}`)).headers.etag).toBe(`W/"${users.length + 1}"`);
    // Each PATCH answers with its own version, though they may share a transaction.
    expect(new Set(results.map((r) => r.headers.etag)).size).toBe(users.length);
  });

  it('parallel PATCHes of one group answer each on its own: a bad one is refused alone, one If-Match wins', async () => {
    const g = await scim.createGroup('Isolated');
    const add = (member: string, headers?: Record<string, string>) => scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: member }] }], headers);
    const results = await Promise.all([add(users[0]!), add('no-such-user'), add(users[1]!), add(users[2]!)]);
    expect(results.map((r) => r.status)).toEqual([200, 400, 200, 200]);
    expectScimError(results[1]!, 400, 'invalidValue');
    expect(await memberIds(g.id)).toEqual(sorted([users[0]!, users[1]!, users[2]!]));

    const version = (await scim.get(`/Groups/${g.id}`)).headers.etag as string;
    const raced = await Promise.all([add(users[3]!, { 'If-Match': version }), add(users[4]!, { 'If-Match': version })]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await memberIds(g.id)).length).toBe(4);
    const types = (await admin.events(`?type=directory.group.member_added`)).filter((e) => (e.target as { id: string }).id === g.id);
    expect(types.length).toBe(4);
  });

  it('excludedAttributes=members leaves members out; filters by displayName and members.value work', async () => {
    const g = await scim.createGroup('Filterable', [users[5]!]);
    const list = await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "FILTERABLE"')}&excludedAttributes=members`);
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0].members).toBeUndefined();
    const byMember = await scim.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${users[5]}"]`)}&attributes=displayName`);
    expect(byMember.body.Resources.map((r: { displayName: string }) => r.displayName)).toContain('Filterable');
    expect(byMember.body.Resources[0].members).toBeUndefined();
    const byValue = await scim.get(`/Groups?filter=${encodeURIComponent(`members.value eq "${users[5]}"`)}`);
    expect(byValue.body.Resources.some((r: { id: string }) => r.id === g.id)).toBe(true);
  });

  it('DELETE removes the group and its memberships but not the users', async () => {
    const g = await scim.createGroup('Temp', [users[0]!]);
    expect((await scim.del(`/Groups/${g.id}`)).status).toBe(204);
    expectScimError(await scim.get(`/Groups/${g.id}`), 404);
    expect((await scim.get(`/Users/${users[0]}`)).status).toBe(200);
    expect(await app.container.models.ScimGroupMember.count({ where: { group_id: g.id } })).toBe(0);
  });

  it('a group of 2,500 members is streamed whole, and one more member is a single-row change', async () => {
    const dir = await createDirectory(admin, (await admin.createOrg()).id);
    const g = await dir.createGroup('Big');
    const now = new Date();
    const user = (await admin.createUser()).id;
    const run = Date.now().toString(36);
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      id: `big${run}${String(i).padStart(6, '0')}`,
      directory_id: dir.directoryId,
      user_id: user,
      user_name: `big${run}-${i}@x.example`,
      user_name_lower: `big${run}-${i}@x.example`,
      external_id: null,
      display_name_lower: null,
      active: true,
      resource: { userName: `big${run}-${i}@x.example` },
      version: 1,
      created_at: now,
      updated_at: now,
    }));
    await app.container.models.ScimUser.bulkCreate(rows);
    await app.container.models.ScimGroupMember.bulkCreate(rows.map((r) => ({ group_id: g.id, scim_user_id: r.id, directory_id: dir.directoryId })));
    const res = await dir.get(`/Groups/${g.id}`);
    expect(res.status).toBe(200);
    expect(res.body.members).toHaveLength(2500);
    const extra = await dir.createUser('one-more@x.example');
    expect((await dir.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: extra.id }] }])).status).toBe(200);
    expect(await app.container.models.ScimGroupMember.count({ where: { group_id: g.id } })).toBe(2501);
  });
});
