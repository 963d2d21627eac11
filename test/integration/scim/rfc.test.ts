import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

// RFC 7643/7644 details found by an independent SCIM test suite (issue 18).
let app: TestApp;
let admin: AdminClient;
let scim: ScimClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  scim = await createDirectory(admin, (await admin.createOrg()).id);
});
afterAll(() => app.close());

const filter = (text: string) => `filter=${encodeURIComponent(text)}`;
/** A resource with only the RFC's schema URNs in `schemas` (a deployment may add extensions of its own). */
const ietfSchemas = (r: { schemas: string[] }) => ({ ...r, schemas: r.schemas.filter((s) => s.startsWith('urn:ietf:')) });

describe('startIndex and count (RFC 7644 §3.4.2.4)', () => {
  beforeAll(async () => {
    await scim.createUser('page1@x.example');
    await scim.createUser('page2@x.example');
  });

  it.each(['1e300', '99999999999999999999999', '9007199254740992', '0x10', '1.0', '+5', ' 5', '5 ', 'five', '1,2'])('startIndex=%j is 400 invalidValue', async (v) => {
    expectScimError(await scim.get(`/Users?startIndex=${encodeURIComponent(v)}`), 400, 'invalidValue');
    expectScimError(await scim.get(`/Groups?startIndex=${encodeURIComponent(v)}`), 400, 'invalidValue');
  });

  it.each(['1e300', '0x10', '1.0', '+5', ' 5', 'NaN', 'Infinity'])('count=%j is 400 invalidValue', async (v) => {
    expectScimError(await scim.get(`/Users?count=${encodeURIComponent(v)}`), 400, 'invalidValue');
  });

  it('a huge decimal count is the largest page; a huge negative one is 0; startIndex below 1 is 1', async () => {
    const huge = await scim.get('/Users?count=99999999999999999999999');
    expect(huge.status).toBe(200);
    expect(huge.body.itemsPerPage).toBe(huge.body.totalResults);
    const none = await scim.get('/Users?count=-99999999999999999999999');
    expect(none.status).toBe(200);
    expect(none.body.Resources).toEqual([]);
    expect(none.body.totalResults).toBeGreaterThanOrEqual(2);
    for (const s of ['0', '-3', '-99999999999999999999999']) {
      const res = await scim.get(`/Users?startIndex=${s}&count=1`);
      expect(res.status).toBe(200);
      expect(res.body.startIndex).toBe(1);
    }
    const past = await scim.get('/Users?startIndex=9007199254740991');
    expect(past.status).toBe(200);
    expect(past.body.Resources).toEqual([]);
  });
});

describe('filter strings are JSON string literals (RFC 7644 §3.4.2.2)', () => {
  it('backslash, quote, slash, control and \\u escapes are unescaped', async () => {
    const domainUser = await scim.createUser('CORP\\jdoe', { emails: [{ value: 'jdoe@corp.example', primary: true }] });
    const quoted = await scim.createUser('say "hi"/tab\there@x.example', { emails: [{ value: 'quoted@x.example', primary: true }] });
    const accented = await scim.createUser('renée@x.example', { emails: [{ value: 'renee@x.example', primary: true }] });
    const trailing = await scim.createUser('ends\\', { emails: [{ value: 'ends@x.example', primary: true }] });
    for (const [text, id] of [
      ['userName eq "CORP\\\\jdoe"', domainUser.id],
      ['userName eq "corp\\\\JDOE"', domainUser.id],
      ['userName eq "say \\"hi\\"\\/tab\\there@x.example"', quoted.id],
      ['userName eq "ren\\u00e9e@x.example"', accented.id],
      ['userName eq "REN\\u00C9E@x.example"', accented.id],
      ['userName eq "ends\\\\"', trailing.id],
      ['userName eq "ends\\\\" or userName eq "nobody"', trailing.id],
      ['emails[type eq "work"].value eq "no\\u0040one" or userName sw "CORP\\\\"', domainUser.id],
    ] as const) {
      const res = await scim.get(`/Users?${filter(text)}`);
      expect({ text, status: res.status, ids: res.body.Resources?.map((r: { id: string }) => r.id) }).toEqual({ text, status: 200, ids: [id] });
    }
  });

  it('an invalid escape, or one that makes a NUL, is 400 invalidFilter', async () => {
    for (const text of ['userName eq "a\\qb"', 'userName eq "\\u12"', 'userName eq "a\\u0000b"', 'userName eq "a\\']) {
      expectScimError(await scim.get(`/Users?${filter(text)}`), 400, 'invalidFilter');
    }
  });
});

describe('case-insensitive comparisons fold non-ASCII letters alike on every database', () => {
  it('userName, displayName, emails and stored attributes', async () => {
    const ozil = await scim.createUser('Özil@x.example', { emails: [{ value: 'oezil@x.example', primary: true }], displayName: 'ÉCOLE Öffentlich', name: { familyName: 'Çelik', givenName: 'Ärne' }, title: 'Ŝef' });
    const greek = await scim.createUser('ΟΔΗΓΟΣ', { displayName: 'İSTANBUL Straße', emails: [{ value: 'odigos@x.example', primary: true }] });
    const ids = async (text: string) => {
      const res = await scim.get(`/Users?${filter(text)}`);
      expect(res.status).toBe(200);
      return res.body.Resources.map((r: { id: string }) => r.id);
    };
    for (const text of [
      'userName eq "özil@x.example"',
      'userName eq "ÖZIL@X.EXAMPLE"',
      'userName sw "özi"',
      'displayName co "écol"',
      'displayName ew "öffentlich"',
      'displayName eq "école öffentlich"',
      'emails.value eq "OEZIL@X.example"',
      'name.givenName eq "ärne"',
      'name.givenName co "ÄR"',
      'title eq "ŝEF"',
      'name.familyName sw "ÇEL"',
    ]) {
      expect({ text, ids: await ids(text) }).toEqual({ text, ids: [ozil.id] });
    }
    expect(await ids('userName eq "ozil@x.example"')).toEqual([]);
    expect(await ids('displayName co "ecol"')).toEqual([]);
    expect(await ids('name.givenName eq "arne"')).toEqual([]);
    // JS's toLowerCase on both sides: a final sigma stays final; İ becomes i + a combining dot
    // (its length changes, on both sides alike); ß is already lower case and is not SS.
    expect(await ids('userName eq "οδηγος"')).toEqual([greek.id]);
    expect(await ids('displayName sw "i̇stanbul"')).toEqual([greek.id]);
    expect(await ids('displayName ew "STRASSE"')).toEqual([]);
    expect(await ids('displayName co "ul straße"')).toEqual([greek.id]);
    const sorted = await scim.get(`/Users?${filter('name.givenName pr')}&sortBy=name.givenName`);
    expect(sorted.status).toBe(200);
  });
});

describe('canonical values are suggestions (RFC 7643 §4.1.2, §7)', () => {
  it('a User with other type values is accepted and stored as sent; /Schemas still suggests the RFC values', async () => {
    const body = {
      schemas: [SCIM.user],
      userName: 'types@x.example',
      emails: [{ value: 'types@x.example', type: 'corporate', primary: true }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'desk' }],
      ims: [{ value: 'types', type: 'slack' }],
      photos: [{ value: 'https://photos.example/t.png', type: 'avatar' }],
      addresses: [{ locality: 'Paris', type: 'office' }],
      roles: [{ value: 'x', type: 'custom' }],
      entitlements: [{ value: 'e', type: 'license' }],
      x509Certificates: [{ value: 'MIIB', type: 'signing' }],
    };
    const res = await scim.post('/Users', body);
    expect(res.status).toBe(201);
    const got = (await scim.get(`/Users/${res.body.id}`)).body;
    for (const key of ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'roles', 'entitlements', 'x509Certificates'] as const) {
      expect(got[key]).toEqual(body[key]);
    }
    const put = await scim.put(`/Users/${res.body.id}`, { ...body, roles: [{ value: 'y', type: 'other-custom' }] });
    expect(put.status).toBe(200);
    const patched = await scim.patchOps(`/Users/${res.body.id}`, [{ op: 'add', path: 'emails', value: [{ value: 'alt@x.example', type: 'alias' }] }]);
    expect(patched.status).toBe(200);
    expect(patched.body.emails).toContainEqual({ value: 'alt@x.example', type: 'alias' });
    const found = await scim.get(`/Users?${filter('emails[type eq "ALIAS"].value eq "alt@x.example"')}`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([res.body.id]);

    const user = (await scim.get(`/Schemas/${SCIM.user}`)).body;
    const typeOf = (attr: string) => user.attributes.find((a: { name: string }) => a.name === attr).subAttributes.find((a: { name: string }) => a.name === 'type');
    expect(typeOf('emails').canonicalValues).toEqual(['work', 'home', 'other']);
    expect(typeOf('roles').canonicalValues).toBeUndefined();
  });
});

describe('POST /.search (RFC 7644 §3.4.3)', () => {
  const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
  let dir: ScimClient;
  let people: Array<{ id: string }>;
  let teams: Array<{ id: string }>;
  beforeAll(async () => {
    dir = await createDirectory(admin, (await admin.createOrg()).id);
    people = [await dir.createUser('sa@s.example', { displayName: 'Search A' }), await dir.createUser('sb@s.example', { displayName: 'Search B' })];
    teams = [await dir.createGroup('Search Team', [people[0]!.id]), await dir.createGroup('Other Team')];
  });
  const ids = (body: { Resources: Array<{ id: string }> }) => body.Resources.map((r) => r.id);

  it('/Users/.search and /Groups/.search answer as the GET with the same parameters', async () => {
    const users = await dir.post('/Users/.search', { schemas: [SEARCH], filter: 'displayName sw "search"', sortBy: 'userName', sortOrder: 'descending', startIndex: 1, count: 1, attributes: ['userName'] });
    expect(users.status).toBe(200);
    expect(users.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(users.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, startIndex: 1, itemsPerPage: 1 });
    expect(users.body.Resources.map(ietfSchemas)).toEqual([{ schemas: [SCIM.user], id: people[1]!.id, userName: 'sb@s.example' }]);
    const get = await dir.get(`/Users?${filter('displayName sw "search"')}&sortBy=userName&sortOrder=descending&startIndex=1&count=1&attributes=userName`);
    expect(users.body).toEqual(get.body);

    const groups = await dir.post('/Groups/.search', { schemas: [SEARCH], filter: 'displayName eq "search team"', excludedAttributes: ['members'] });
    expect(groups.status).toBe(200);
    expect(ids(groups.body)).toEqual([teams[0]!.id]);
    expect(groups.body.Resources[0].members).toBeUndefined();
    const all = await dir.post('/groups/.SEARCH', { schemas: [SEARCH] });
    expect(all.body.totalResults).toBe(2);
    expect(all.body.Resources.find((g: { id: string }) => g.id === teams[0]!.id).members).toEqual([expect.objectContaining({ value: people[0]!.id })]);
  });

  it('/.search pages over Users then Groups, totalResults counting both', async () => {
    const all = await dir.post('/.search', { schemas: [SEARCH] });
    expect(all.status).toBe(200);
    expect(all.body.totalResults).toBe(4);
    expect(ids(all.body)).toEqual([...people.map((p) => p.id).sort(), ...teams.map((t) => t.id).sort()]);
    const middle = await dir.post('/.search', { schemas: [SEARCH], startIndex: 2, count: 2 });
    expect({ total: middle.body.totalResults, start: middle.body.startIndex, items: middle.body.itemsPerPage, ids: ids(middle.body) }).toEqual({
      total: 4,
      start: 2,
      items: 2,
      ids: [ids(all.body)[1], ids(all.body)[2]],
    });
    const last = await dir.post('/.search', { schemas: [SEARCH], startIndex: 4 });
    expect(ids(last.body)).toEqual([ids(all.body)[3]]);
    const onlyCount = await dir.post('/.search', { schemas: [SEARCH], count: 0 });
    expect({ total: onlyCount.body.totalResults, items: onlyCount.body.Resources }).toEqual({ total: 4, items: [] });
    // an attribute only one type has: the other type contributes nothing
    expect(ids((await dir.post('/.search', { schemas: [SEARCH], filter: 'userName eq "sa@s.example"' })).body)).toEqual([people[0]!.id]);
    expect(ids((await dir.post('/.search', { schemas: [SEARCH], filter: 'members.value eq "' + people[0]!.id + '"' })).body)).toEqual([teams[0]!.id]);
    const both = await dir.post('/.search', { schemas: [SEARCH], filter: 'displayName co "search"', sortBy: 'displayName' });
    expect(ids(both.body)).toEqual([people[0]!.id, people[1]!.id, teams[0]!.id]);
  });

  it('a body that is not a SearchRequest is 400, as is any value the GET would refuse', async () => {
    for (const [body, scimType] of [
      [{ filter: 'userName pr' }, 'invalidSyntax'],
      [{ schemas: [SCIM.user], filter: 'userName pr' }, 'invalidSyntax'],
      [{ schemas: SEARCH }, 'invalidSyntax'],
      [[SEARCH], 'invalidSyntax'],
      [{ schemas: [SEARCH], filters: 'userName pr' }, 'invalidSyntax'],
      [{ schemas: [SEARCH], filter: 42 }, 'invalidValue'],
      [{ schemas: [SEARCH], count: '5' }, 'invalidValue'],
      [{ schemas: [SEARCH], count: 1.5 }, 'invalidValue'],
      [{ schemas: [SEARCH], startIndex: 1e300 }, 'invalidValue'],
      [{ schemas: [SEARCH], attributes: [1] }, 'invalidValue'],
      [{ schemas: [SEARCH], sortOrder: 'up' }, 'invalidValue'],
      [{ schemas: [SEARCH], filter: 'userName eq' }, 'invalidFilter'],
      [{ schemas: [SEARCH], filter: 'nosuch eq "x"' }, 'invalidFilter'],
    ] as const) {
      expectScimError(await dir.post('/Users/.search', body), 400, scimType);
      expectScimError(await dir.post('/.search', body), 400, scimType);
    }
    const huge = await dir.post('/Users/.search', { schemas: [SEARCH], Count: 99999999999999999999999, StartIndex: -5 });
    expect({ status: huge.status, total: huge.body.totalResults, start: huge.body.startIndex }).toEqual({ status: 200, total: 2, start: 1 });
    expectScimError(await dir.withToken('').post('/.search', { schemas: [SEARCH] }), 401);
  });
});

describe('PATCH with the Enterprise extension URN as its path', () => {
  const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  it('add merges the extension object, replace replaces it, remove removes it and its schema', async () => {
    const user = await scim.createUser('ent@x.example', { schemas: [SCIM.user, E], [E]: { employeeNumber: '7', department: 'R&D' } });
    const added = await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', path: E, value: { department: 'Research', manager: 'boss-id' } }]);
    expect(added.status).toBe(200);
    expect(added.body[E]).toEqual({ employeeNumber: '7', department: 'Research', manager: { value: 'boss-id' } });
    const replaced = await scim.patchOps(`/Users/${user.id}`, [{ op: 'Replace', path: E.toUpperCase(), value: { costCenter: 'CC1' } }]);
    expect(replaced.status).toBe(200);
    expect(replaced.body[E]).toEqual({ costCenter: 'CC1' });
    expect(ietfSchemas(replaced.body).schemas).toEqual([SCIM.user, E]);
    const removed = await scim.patchOps(`/Users/${user.id}`, [{ op: 'remove', path: E }]);
    expect(removed.status).toBe(200);
    expect(removed.body[E]).toBeUndefined();
    expect(ietfSchemas(removed.body).schemas).toEqual([SCIM.user]);
    const got = await scim.get(`/Users/${user.id}`);
    expect({ ext: got.body[E], schemas: ietfSchemas(got.body).schemas, version: got.body.meta.version }).toEqual({ ext: undefined, schemas: [SCIM.user], version: 'W/"4"' });
    expect(got.body.userName).toBe('ent@x.example');

    const again = await scim.patchOps(`/Users/${user.id}`, [
      { op: 'add', path: E, value: { division: 'D' } },
      { op: 'replace', path: E, value: { organization: 'O' } },
    ]);
    expect(again.body[E]).toEqual({ organization: 'O' });
    expectScimError(await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', path: E, value: 'R&D' }]), 400, 'invalidValue');
    expectScimError(await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', path: E, value: { nosuch: { a: [1] }, employeeNumber: 5 } }]), 400);
    expect((await scim.get(`/Users/${user.id}`)).body[E]).toEqual({ organization: 'O' });
  });
});

describe('attributes and excludedAttributes down to sub-attributes (RFC 7644 §3.9)', () => {
  const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  let user: { id: string };
  let group: { id: string };
  beforeAll(async () => {
    user = await scim.createUser('proj@x.example', {
      schemas: [SCIM.user, E],
      displayName: 'Proj',
      name: { givenName: 'Pro', familyName: 'Jection', formatted: 'Pro Jection' },
      [E]: { department: 'R&D', manager: { value: 'boss', displayName: 'Boss' } },
    });
    group = await scim.createGroup('Projected', [user.id]);
  });

  it('attributes=name.familyName returns name with familyName only, with id and schemas', async () => {
    const res = await scim.get(`/Users/${user.id}?attributes=name.familyName`);
    expect(ietfSchemas(res.body)).toEqual({ schemas: [SCIM.user, E], id: user.id, name: { familyName: 'Jection' } });
    const urn = await scim.get(`/Users/${user.id}?attributes=${SCIM.user}:name.givenName,emails.value,${E}:manager.value`);
    expect(ietfSchemas(urn.body)).toEqual({ schemas: [SCIM.user, E], id: user.id, name: { givenName: 'Pro' }, emails: [{ value: 'proj@x.example' }], [E]: { manager: { value: 'boss' } } });
    const whole = await scim.get(`/Users/${user.id}?attributes=${E},name.familyName,name`);
    expect(whole.body[E]).toEqual({ department: 'R&D', manager: { value: 'boss', displayName: 'Boss' } });
    expect(whole.body.name).toEqual({ givenName: 'Pro', familyName: 'Jection', formatted: 'Pro Jection' });
    const list = await scim.get(`/Users?${filter('userName eq "proj@x.example"')}&attributes=NAME.FAMILYNAME`);
    expect(list.body.Resources.map(ietfSchemas)).toEqual([{ schemas: [SCIM.user, E], id: user.id, name: { familyName: 'Jection' } }]);
  });

  it('excludedAttributes=name.givenName drops that sub-attribute only', async () => {
    const res = await scim.get(`/Users/${user.id}?excludedAttributes=name.givenName,${E}:manager.displayName,emails.type`);
    expect(res.body.name).toEqual({ familyName: 'Jection', formatted: 'Pro Jection' });
    expect(res.body[E]).toEqual({ department: 'R&D', manager: { value: 'boss' } });
    expect(res.body.emails).toEqual([{ value: 'proj@x.example', primary: true }]);
    expect(res.body.userName).toBe('proj@x.example');
    expect(res.body.meta.location).toContain(user.id);
    const ext = await scim.get(`/Users/${user.id}?excludedAttributes=${E},id,schemas`);
    expect(ext.body[E]).toBeUndefined();
    expect(ext.body.id).toBe(user.id);
    expect(ietfSchemas(ext.body).schemas).toEqual([SCIM.user, E]);
  });

  it('on groups, members.value keeps the member ids only', async () => {
    const res = await scim.get(`/Groups/${group.id}?attributes=members.value`);
    expect(res.body).toEqual({ schemas: [SCIM.group], id: group.id, members: [{ value: user.id }] });
    const without = await scim.get(`/Groups/${group.id}?excludedAttributes=members.$ref,members.display,members.type`);
    expect(without.body.members).toEqual([{ value: user.id }]);
    expect(without.body.displayName).toBe('Projected');
  });
});

describe('a body that is not JSON', () => {
  it('is 400 invalidSyntax in SCIM shape, and writes nothing', async () => {
    const count = () => app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId } });
    const before = await count();
    const user = await scim.createUser('json@x.example');
    for (const [method, path] of [
      ['post', '/Users'],
      ['put', `/Users/${user.id}`],
      ['patch', `/Users/${user.id}`],
      ['post', '/Groups'],
      ['post', '/.search'],
    ] as const) {
      for (const text of ['{"schemas": [', '{"userName": "a",}', "{'userName': 'a'}", 'nul']) {
        const res = await scim.request(method, path).set('Content-Type', 'application/scim+json').send(text);
        expectScimError(res, 400, 'invalidSyntax');
      }
    }
    expect(await count()).toBe(before + 1);
    expect((await scim.get(`/Users/${user.id}`)).body.meta.version).toBe('W/"1"');
  });
});

describe('discovery endpoints (RFC 7643 §5–7, RFC 7644 §4)', () => {
  const DISCOVERY = ['ServiceProviderConfig', 'ResourceType', 'Schema'].map((n) => `urn:ietf:params:scim:schemas:core:2.0:${n}`);

  it('take GET only: any other method is 405 with Allow: GET, after the token check', async () => {
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', `/Schemas/${SCIM.user}`, '/schemas/']) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        expectScimError(await scim.withToken('').request(method, path, {}), 401);
        const res = await scim.request(method, path, {});
        expectScimError(res, 405);
        expect(res.headers.allow).toBe('GET');
      }
      expect((await scim.get(path)).status).toBe(200);
    }
    expectScimError(await scim.get('/ServiceProviderConfig/x'), 404);
  });

  it('/Schemas lists and serves the ServiceProviderConfig, ResourceType and Schema schemas', async () => {
    const list = await scim.get('/Schemas');
    expect(list.body.Resources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([SCIM.user, SCIM.enterprise, SCIM.group, ...DISCOVERY]));
    expect(list.body.totalResults).toBe(list.body.Resources.length);
    for (const id of DISCOVERY) {
      const res = await scim.get(`/Schemas/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id, meta: { resourceType: 'Schema', location: `${list.body.Resources[0].meta.location.replace(/\/Schemas\/.*$/, '')}/Schemas/${id}` } });
      for (const a of res.body.attributes) expect(a).toMatchObject({ name: expect.any(String), type: expect.any(String), multiValued: expect.any(Boolean), mutability: 'readOnly', returned: 'default' });
    }
    const names = (id: string) => list.body.Resources.find((s: { id: string }) => s.id === id).attributes.map((a: { name: string }) => a.name);
    // each document's own attributes are described by its schema
    const spc = (await scim.get('/ServiceProviderConfig')).body;
    expect(names(DISCOVERY[0]!).sort()).toEqual(Object.keys(spc).filter((k) => !['schemas', 'meta'].includes(k)).concat('documentationUri').sort());
    const rt = (await scim.get('/ResourceTypes/User')).body;
    expect(names(DISCOVERY[1]!).sort()).toEqual(Object.keys(rt).filter((k) => !['schemas', 'meta'].includes(k)).sort());
    const user = list.body.Resources[0];
    const schemaAttrs = list.body.Resources.find((s: { id: string }) => s.id === DISCOVERY[2]).attributes.find((a: { name: string }) => a.name === 'attributes');
    const described = schemaAttrs.subAttributes.map((a: { name: string }) => a.name);
    for (const a of user.attributes) for (const key of Object.keys(a)) expect(described).toContain(key);
    expect(Object.keys(user).filter((k) => !['schemas', 'meta'].includes(k)).every((k) => names(DISCOVERY[2]!).includes(k))).toBe(true);
    expect((await scim.get(`/Schemas/${DISCOVERY[2]!.toUpperCase()}`)).body.id).toBe(DISCOVERY[2]);
  });
});
