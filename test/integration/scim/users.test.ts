import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

let app: TestApp;
let admin: AdminClient;
let org: { id: string };
let scim: ScimClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  org = await admin.createOrg();
  scim = await createDirectory(admin, org.id);
});
afterAll(() => app.close());

describe('SCIM Users: create, read, replace, delete', () => {
  it('POST answers 201 with Location, ETag and meta; GET reads it back', async () => {
    const res = await scim.post('/Users', {
      schemas: [SCIM.user, SCIM.enterprise],
      userName: 'grace@navy.example',
      externalId: 'Ext-GH',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: 'grace@navy.example', type: 'work', primary: true }],
      [SCIM.enterprise]: { department: 'Research', manager: { value: 'x' } },
      password: 'never-stored',
    });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/application\/scim\+json/);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.body).toMatchObject({ userName: 'grace@navy.example', externalId: 'Ext-GH', groups: [], [SCIM.enterprise]: { department: 'Research' } });
    expect(res.body.active).toBeUndefined(); // not sent: unassigned (the user counts as active)
    expect(res.body.password).toBeUndefined();
    expect(res.body.meta.location).toMatch(new RegExp(`/t/${admin.tenant.slug}/scim/v2/${scim.directoryId}/Users/${res.body.id}$`));
    const got = await scim.get(`/Users/${res.body.id}`);
    expect(got.body).toEqual(res.body);
    expect(JSON.stringify((await app.container.models.ScimUser.findByPk(res.body.id))!.get())).not.toContain('never-stored');
  });

  it('a duplicate userName in any letter case is 409 uniqueness; parallel POSTs of one userName give exactly one 201', async () => {
    await scim.createUser('dup@x.example');
    expectScimError(await scim.post('/Users', { schemas: [SCIM.user], userName: 'DUP@x.example' }), 409, 'uniqueness');
    const results = await Promise.all(Array.from({ length: 8 }, () => scim.post('/Users', { schemas: [SCIM.user], userName: 'race@x.example' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expectScimError(r, 409, 'uniqueness');
    expect(await app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId, user_name_lower: 'race@x.example' } })).toBe(1);
  });

  it('a burst of concurrent creates is written together, each request answered on its own', async () => {
    const org2 = await admin.createOrg();
    const dir = await createDirectory(admin, org2.id);
    await dir.createUser('existing@burst.example');
    const bodies = [
      ...Array.from({ length: 20 }, (_, i) => ({ schemas: [SCIM.user], userName: `burst${i}@burst.example` })),
      { schemas: [SCIM.user], userName: 'BURST3@burst.example' },
      { schemas: [SCIM.user], userName: 'existing@burst.example' },
      { schemas: [SCIM.user], userName: 'alias-a', emails: [{ value: 'shared@burst.example', primary: true }] },
      { schemas: [SCIM.user], userName: 'alias-b', emails: [{ value: 'Shared@burst.example', primary: true }] },
    ];
    const results = await Promise.all(bodies.map((b) => dir.post('/Users', b)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(22);
    for (const r of results.filter((x) => x.status !== 201)) expectScimError(r, 409, 'uniqueness');
    expect((await dir.get('/Users?count=0')).body.totalResults).toBe(23);
    const members = (await admin.get(`/organizations/${org2.id}/members?limit=200`)).body.data as Array<{ email: string }>;
    expect(members).toHaveLength(22);
    expect(members.filter((m) => m.email === 'shared@burst.example')).toHaveLength(1);
    expect((await admin.get('/users?search=shared@burst.example')).body.data).toHaveLength(1);
  });

  it('POSTs at once: SCIM users of one new email all land as one person; one userName with different emails lands once (on MariaDB they go in two lanes)', async () => {
    const org2 = await admin.createOrg();
    const dir = await createDirectory(admin, org2.id);
    for (let round = 0; round < 6; round++) {
      const pairs = Array.from({ length: 8 }, (_, i) => ({ schemas: [SCIM.user], userName: `r${round}-${i}`, emails: [{ value: `pair${round}-${i >> 1}@lanes.example`, primary: true }] }));
      expect((await Promise.all(pairs.map((b) => dir.post('/Users', b)))).map((r) => r.status)).toEqual(Array(8).fill(201));
      const twins = Array.from({ length: 8 }, (_, i) => ({ schemas: [SCIM.user], userName: `twin${round}`, emails: [{ value: `twin${round}-${i}@lanes.example`, primary: true }] }));
      const results = await Promise.all(twins.map((b) => dir.post('/Users', b)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expectScimError(r, 409, 'uniqueness');
    }
    expect((await dir.get('/Users?count=0')).body.totalResults).toBe(54);
    expect((await admin.get(`/organizations/${org2.id}/members?limit=100`)).body.data).toHaveLength(30);
  });

  it('PUT replaces, bumps the version; If-Match with a stale ETag is 412 and changes nothing', async () => {
    const u = await scim.createUser('put@x.example', { displayName: 'Old' });
    const stale = await scim.put(`/Users/${u.id}`, { schemas: [SCIM.user], userName: 'put@x.example', displayName: 'X' }, { 'If-Match': 'W/"7"' });
    expectScimError(stale, 412);
    const res = await scim.put(`/Users/${u.id}`, { schemas: [SCIM.user], userName: 'put@x.example', displayName: 'New' }, { 'If-Match': 'W/"1"' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'New', meta: { version: 'W/"2"' } });
    expect(res.body.emails).toBeUndefined();
    expect((await scim.get(`/Users/${u.id}`)).headers.etag).toBe('W/"2"');
  });

  it('GET with If-None-Match naming the current ETag is 304 without a body; after a change, 200 (users and groups)', async () => {
    const u = await scim.createUser('etag@x.example');
    const g = await scim.createGroup('ETag group');
    for (const path of [`/Users/${u.id}`, `/Groups/${g.id}`]) {
      const current = await scim.get(path, { 'If-None-Match': 'W/"1"' });
      expect([current.status, current.headers.etag, current.text]).toEqual([304, 'W/"1"', '']);
      expect((await scim.get(path, { 'If-None-Match': '"1"' })).status).toBe(304);
      expect((await scim.get(path, { 'If-None-Match': 'W/"9", W/"8"' })).status).toBe(200);
    }
    expect((await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'displayName', value: 'Changed' }])).status).toBe(200);
    const changed = await scim.get(`/Users/${u.id}`, { 'If-None-Match': 'W/"1"' });
    expect([changed.status, changed.headers.etag, changed.body.displayName]).toEqual([200, 'W/"2"', 'Changed']);
  });

  it('DELETE answers 204, then 404; the tenant user stays', async () => {
    const u = await scim.createUser('gone@x.example');
    expect((await scim.del(`/Users/${u.id}`)).status).toBe(204);
    expectScimError(await scim.get(`/Users/${u.id}`), 404);
    expectScimError(await scim.del(`/Users/${u.id}`), 404);
    expect((await admin.get('/users?search=gone@x.example')).body.data).toHaveLength(1);
  });

  it.each([
    ['no userName', { schemas: [SCIM.user], name: { givenName: 'A' } }, 'invalidValue'],
    ['a userName of the wrong type', { schemas: [SCIM.user], userName: 42 }, 'invalidValue'],
    ['an active flag that is no boolean', { schemas: [SCIM.user], userName: 'b@x.example', active: 'maybe' }, 'invalidValue'],
    ['an email that is no address', { schemas: [SCIM.user], userName: 'c@x.example', emails: [{ value: 'not an address', type: 'work' }] }, 'invalidValue'],
    ['an array body', [1, 2], 'invalidSyntax'],
  ])('POST with %s is 400 %s and writes nothing', async (_case, body, scimType) => {
    // This directory's users only: other test files share the MySQL database.
    const count = () => app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId } });
    const before = await count();
    expectScimError(await scim.post('/Users', body), 400, scimType);
    expect(await count()).toBe(before);
  });

  it('malformed JSON is 400 and a body over 1 MiB is 413, both with SCIM bodies', async () => {
    const bad = await scim.request('post', '/Users').set('Content-Type', 'application/scim+json').send('{"userName": ');
    expectScimError(bad, 400);
    const big = await scim.post('/Users', { schemas: [SCIM.user], userName: 'big@x.example', title: 'x'.repeat(1024 * 1024) });
    expectScimError(big, 413);
  });
});

describe('SCIM Users: authentication', () => {
  it('no token, a wrong token, another directory’s token and a rotated-out token are 401 with a SCIM body', async () => {
    const other = await createDirectory(admin, org.id);
    for (const res of [await scim.withToken('').get('/Users'), await scim.withToken('obs_0000000000000000_' + 'a'.repeat(43)).get('/Users'), await scim.withToken(other.token).get('/Users')]) {
      expectScimError(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const rotated = await admin.post(`/organizations/${org.id}/directories/${other.directoryId}/token`);
    expect(rotated.status).toBe(200);
    expectScimError(await other.get('/Users'), 401);
    expect((await other.withToken(rotated.body.bearer_token).get('/Users')).status).toBe(200);
  });

  it('a token works only under its own tenant’s URL', async () => {
    const otherTenant = await createTenant(app);
    const res = await app.http.get(`/t/${otherTenant.tenant.slug}/scim/v2/${scim.directoryId}/Users`).set('Authorization', `Bearer ${scim.token}`);
    expectScimError(res, 401);
  });
});

/** What a call answers and how many statements it sent, through Sequelize or straight to the driver. */
async function statementsOf<T>(call: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let viaSequelize = 0;
  app.container.db.sequelize.addHook('beforeQuery', 'count', () => void viaSequelize++);
  const direct = app.container.db.sql.executed;
  try {
    const result = await call();
    return { result, statements: viaSequelize + app.container.db.sql.executed - direct };
  } finally {
    app.container.db.sequelize.removeHook('beforeQuery', 'count');
  }
}

describe('SCIM Users: filters, paging, sorting, projection', () => {
  let dir: ScimClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    dir = await createDirectory(admin, org.id);
    const people = [
      ['Alice@Acme.example', 'ext-A', 'Alice Liddell', true, [{ value: 'alice@acme.example', type: 'work', primary: true }, { value: 'al@home.example', type: 'home' }], 'Liddell', 'Eng'],
      ['bob@acme.example', 'EXT-b', 'Bob Builder', true, [{ value: 'bob@acme.example', type: 'work' }], 'Builder', 'Ops'],
      ['carol@other.example', 'ext-c', 'Carol', false, [{ value: 'carol@other.example', type: 'home' }], 'Singer', 'Eng'],
      ['dave@acme.example', null, null, true, [{ value: 'dave@acme.example', type: 'work' }], null, null],
    ] as const;
    for (const [userName, externalId, displayName, active, emails, family, dept] of people) {
      const body: Record<string, unknown> = { schemas: [SCIM.user, SCIM.enterprise], userName, active, emails };
      if (externalId) body.externalId = externalId;
      if (displayName) body.displayName = displayName;
      if (family) body.name = { familyName: family };
      if (dept) body[SCIM.enterprise] = { department: dept, employeeNumber: `${userName.length}` };
      const res = await dir.post('/Users', body);
      expect(res.status).toBe(201);
      ids[userName.split('@')[0]!.toLowerCase()] = res.body.id;
    }
  });
  const names = (res: { body: { Resources: Array<{ userName: string }> } }) => res.body.Resources.map((r) => r.userName.split('@')[0]!.toLowerCase()).sort();

  it.each([
    ['userName eq "ALICE@acme.example"', ['alice']],
    ['userName co "ACME"', ['alice', 'bob', 'dave']],
    ['userName sw "b"', ['bob']],
    ['userName ew "other.example"', ['carol']],
    ['userName gt "c"', ['carol', 'dave']],
    ['externalId eq "ext-A"', ['alice']],
    ['externalId eq "ext-a"', []],
    ['externalId pr', ['alice', 'bob', 'carol']],
    ['not (externalId pr)', ['dave']],
    ['displayName eq "alice liddell"', ['alice']],
    ['active eq false', ['carol']],
    ['active eq true and not (userName sw "a")', ['bob', 'dave']],
    ['userName sw "a" or (name.familyName eq "builder" and not (active eq false))', ['alice', 'bob']],
    ['emails.value eq "AL@home.example"', ['alice']],
    ['emails[type eq "work" and value co "@acme"]', ['alice', 'bob', 'dave']],
    ['emails[type eq "work"].value eq "bob@acme.example"', ['bob']],
    ['emails[type eq "home"].value eq "bob@acme.example"', []],
    ['emails[type eq "home"]', ['alice', 'carol']],
    ['emails pr', ['alice', 'bob', 'carol', 'dave']],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Eng"', ['alice', 'carol']],
    ['name.familyName ne "Builder"', ['alice', 'carol', 'dave']],
    ['meta.created gt "2000-01-01T00:00:00Z"', ['alice', 'bob', 'carol', 'dave']],
    ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
    ['USERNAME Eq "bob@acme.example"', ['bob']],
  ])('filter %s', async (filter, expected) => {
    const res = await dir.get(`/Users?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
    expect(res.body.totalResults).toBe(expected.length);
  });

  it.each([
    'userName eq',
    'userName eq alice',
    'bogus eq "x"',
    'userName zz "x"',
    '((userName eq "x")',
    'active gt true',
    'meta.created gt "yesterday"',
    'emails[type eq "work"',
    'phoneNumbers.value eq "1"',
  ])('bad filter %s is 400 invalidFilter', async (filter) => {
    expectScimError(await dir.get(`/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
  });

  it('pages with startIndex/count and an exact totalResults', async () => {
    const p1 = await dir.get('/Users?startIndex=1&count=3');
    expect(p1.body).toMatchObject({ totalResults: 4, startIndex: 1, itemsPerPage: 3 });
    const p2 = await dir.get('/Users?startIndex=4&count=3');
    expect(p2.body).toMatchObject({ totalResults: 4, startIndex: 4, itemsPerPage: 1 });
    const past = await dir.get('/Users?startIndex=10&count=3');
    expect(past.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const none = await dir.get('/Users?count=0');
    expect(none.body).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
    const all = [...p1.body.Resources, ...p2.body.Resources].map((r: { id: string }) => r.id);
    expect(new Set(all).size).toBe(4);
  });

  it('a lookup by userName still pages: startIndex past it, count=0, another condition', async () => {
    const q = (filter: string, extra = '') => dir.get(`/Users?filter=${encodeURIComponent(filter)}${extra}`);
    expect((await q('userName eq "BOB@acme.example"')).body).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id: ids.bob }] });
    expect((await q('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@acme.example"')).body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.bob]);
    expect((await q('userName eq "bob@acme.example"', '&startIndex=2')).body).toMatchObject({ totalResults: 1, itemsPerPage: 0, Resources: [] });
    const none = (await q('userName eq "bob@acme.example"', '&count=0')).body;
    expect(none).toMatchObject({ totalResults: 1, itemsPerPage: 0 });
    expect(none.Resources ?? []).toEqual([]);
    expect((await q('userName eq "bob@acme.example" and active eq false')).body).toMatchObject({ totalResults: 0 });
    expect((await q('userName eq "nobody@acme.example"')).body).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await q(`id eq "${ids.bob}" and userName eq "bob@acme.example"`)).body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.bob]);
  });

  it('a lookup by externalId shared by several users pages in id order with an exact total', async () => {
    const shared = await createDirectory(admin, org.id);
    const made = [];
    for (const name of ['s1', 's2', 's3']) made.push((await shared.createUser(`${name}@shared.example`, { externalId: 'same' })).id);
    await shared.createUser('other@shared.example', { externalId: 'other' });
    const q = (extra: string) => shared.get(`/Users?filter=${encodeURIComponent('externalId eq "same"')}${extra}`);
    const ids = (body: { Resources?: Array<{ id: string }> }) => (body.Resources ?? []).map((r) => r.id);
    const sorted = [...made].sort();
    expect((await q('&count=2')).body).toMatchObject({ totalResults: 3, itemsPerPage: 2 });
    expect(ids((await q('&count=2')).body)).toEqual(sorted.slice(0, 2));
    expect((await q('&startIndex=3&count=2')).body).toMatchObject({ totalResults: 3, itemsPerPage: 1 });
    expect(ids((await q('&startIndex=3&count=2')).body)).toEqual(sorted.slice(2));
    expect((await q('&startIndex=5')).body).toMatchObject({ totalResults: 3, itemsPerPage: 0 });
    expect((await q('&count=3')).body).toMatchObject({ totalResults: 3, itemsPerPage: 3 });
    expect(ids((await q('&sortBy=userName&sortOrder=descending')).body)).toEqual([...made].reverse());
  });

  it('an email lookup: one statement; a user listing the email twice comes once; an email shared by several users pages with an exact total', async () => {
    const shared = await createDirectory(admin, org.id);
    const twice = [{ value: 'Same@shared.example', type: 'work' }, { value: 'same@SHARED.example', type: 'work' }];
    const made = [];
    for (const name of ['s1', 's2', 's3']) made.push((await shared.createUser(`${name}@shared.example`, { emails: twice })).id);
    const alone = (await shared.createUser('alone@shared.example', { emails: twice })).id;
    await shared.patchOps(`/Users/${alone}`, [{ op: 'replace', path: 'emails', value: [{ value: 'alone@shared.example', type: 'work' }] }]);
    const sorted = [...made].sort();
    const ids = (body: { Resources?: Array<{ id: string }> }) => (body.Resources ?? []).map((r) => r.id);
    for (const filter of ['emails[type eq "work"].value eq "same@shared.example"', 'emails.value eq "SAME@shared.example"', 'emails eq "same@shared.example"']) {
      const q = (extra: string) => shared.get(`/Users?filter=${encodeURIComponent(filter)}${extra}`);
      expect((await q('')).body).toMatchObject({ totalResults: 3, itemsPerPage: 3 });
      expect(ids((await q('')).body)).toEqual(sorted);
      // Six matching emails for three users: the page of two is full, and must still count users.
      expect((await q('&count=2')).body).toMatchObject({ totalResults: 3, itemsPerPage: 2 });
      expect(ids((await q('&count=2')).body)).toEqual(sorted.slice(0, 2));
      expect(ids((await q('&startIndex=3&count=2')).body)).toEqual(sorted.slice(2));
      expect(ids((await q('&count=4&sortOrder=descending')).body)).toEqual([...sorted].reverse());
    }
    expect((await shared.get(`/Users?filter=${encodeURIComponent('emails.value eq "alone@shared.example"')}`)).body).toMatchObject({ totalResults: 1, Resources: [{ id: alone }] });
    expect((await shared.get(`/Users?filter=${encodeURIComponent('emails[type eq "home"].value eq "same@shared.example"')}`)).body).toMatchObject({ totalResults: 0 });

    const path = `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "alone@shared.example"')}`;
    await shared.get(path); // the token and tenant are cached from here on
    const lookup = await statementsOf(() => shared.get(path));
    expect(ids(lookup.result.body)).toEqual([alone]);
    expect(lookup.statements).toBe(1);
  });

  it('a filtered page keeps its sort order, offset and exact total; an IdP lookup is one statement', async () => {
    const acme = encodeURIComponent('userName co "acme"');
    const page = await dir.get(`/Users?filter=${acme}&sortBy=userName&sortOrder=descending&startIndex=2&count=2`);
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['bob@acme.example', 'Alice@Acme.example']);
    expect((await dir.get(`/Users?filter=${acme}&startIndex=5`)).body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });

    const lookup = `/Users?filter=${encodeURIComponent('userName eq "bob@acme.example"')}`;
    await dir.get(lookup); // the token and tenant are cached from here on
    const { result, statements } = await statementsOf(() => dir.get(lookup));
    expect(result.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.bob]);
    expect(statements).toBe(1);
  });

  it('sorts by userName both ways and by an extension attribute', async () => {
    const asc = await dir.get('/Users?sortBy=userName');
    expect(asc.body.Resources.map((r: { userName: string }) => r.userName[0]!.toLowerCase())).toEqual(['a', 'b', 'c', 'd']);
    const desc = await dir.get('/Users?sortBy=userName&sortOrder=descending');
    expect(desc.body.Resources.map((r: { userName: string }) => r.userName[0]!.toLowerCase())).toEqual(['d', 'c', 'b', 'a']);
    expect((await dir.get(`/Users?sortBy=${SCIM.enterprise}:department`)).status).toBe(200);
    expectScimError(await dir.get('/Users?sortBy=phoneNumbers'), 400); // emails sort by the primary email (scim2-tester-checks.test.ts)
    expectScimError(await dir.get('/Users?sortOrder=sideways'), 400);
  });

  it('attributes and excludedAttributes shape the answer; id and schemas always come', async () => {
    const only = await dir.get(`/Users/${ids.alice}?attributes=userName,name.familyName`);
    expect(Object.keys(only.body).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    const without = await dir.get(`/Users?filter=${encodeURIComponent('userName eq "bob@acme.example"')}&excludedAttributes=emails,groups`);
    expect(without.body.Resources[0].emails).toBeUndefined();
    expect(without.body.Resources[0].groups).toBeUndefined();
    expect(without.body.Resources[0].userName).toBe('bob@acme.example');
  });
});

describe('SCIM Users: concurrency and failures', () => {
  it('parallel requests to two directories each get their own meta.location', async () => {
    const a = await createDirectory(admin, org.id);
    const b = await createDirectory(admin, org.id);
    await a.createUser('loc-a@x.example');
    await b.createUser('loc-b@x.example');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get('/Users').then((res) => ({ res, dir: i % 2 ? a : b }))));
    for (const { res, dir } of results) {
      for (const r of res.body.Resources) expect(r.meta.location).toContain(`/scim/v2/${dir.directoryId}/Users/`);
    }
  });

  it('a dead database answers 503 with a SCIM body, never 404', async () => {
    const own = await startTestApp();
    const t = await createTenant(own);
    const o = await t.createOrg();
    const d = await createDirectory(t, o.id);
    const u = await d.createUser('x@x.example');
    await own.container.db.close();
    try {
      // The token is cached for a few seconds; the read itself hits the closed database.
      expectScimError(await d.get(`/Users/${u.id}`), 503);
    } finally {
      await own.close();
    }
  });
});
