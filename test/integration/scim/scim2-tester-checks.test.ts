import { randomBytes, randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant } from '../../support/api';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

/**
 * What python-scim's scim2-tester checks, reimplemented from its description (issue 18): for
 * every resource type we publish, every attribute of its schema and extensions is generated
 * from /Schemas alone (type, mutability, canonical values, reference types), then created,
 * read back equal, PATCHed with add / replace / remove by its path and read back, and
 * projected with attributes / excludedAttributes on GET, list and /.search. Equality is exact,
 * as the tester's: a server that adds a sub-attribute the client did not send fails.
 */

interface Attribute {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  mutability: string;
  returned: string;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attribute[];
}
interface Schema {
  id: string;
  attributes: Attribute[];
}
interface ResourceType {
  id: string;
  endpoint: string;
  schema: string;
  schemaExtensions?: Array<{ schema: string }>;
}
/** One attribute the checks walk: its PATCH path and how to read it from a resource. */
interface Target {
  path: string;
  attribute: Attribute | null; // null: an extension as a whole
  extension?: Schema;
  read(resource: Record<string, unknown>): unknown;
}

const WRITABLE = ['readWrite', 'writeOnly', 'immutable'];
const SCIM_JSON = /^application\/scim\+json/;

let app: TestApp;
let scim: ScimClient;
let schemas: Map<string, Schema>;
let types: ResourceType[];
beforeAll(async () => {
  app = await startTestApp();
  const admin = await createTenant(app);
  scim = await createDirectory(admin, (await admin.createOrg()).id);
  schemas = new Map(((await scim.get('/Schemas')).body.Resources as Schema[]).map((s) => [s.id, s]));
  types = (await scim.get('/ResourceTypes')).body.Resources;
});
afterAll(() => app.close());

const typeNamed = (name: string) => types.find((t) => t.id === name)!;
const externalId: Attribute = { name: 'externalId', type: 'string', multiValued: false, required: false, mutability: 'readWrite', returned: 'default' };

function targets(type: ResourceType): Target[] {
  const main = schemas.get(type.schema)!;
  const out: Target[] = [...main.attributes, externalId].map((attribute) => ({ path: attribute.name, attribute, read: (r) => r[attribute.name] }));
  for (const { schema } of type.schemaExtensions ?? []) {
    const extension = schemas.get(schema)!;
    out.push({ path: schema, attribute: null, extension, read: (r) => r[schema] });
    for (const attribute of extension.attributes) {
      out.push({ path: `${schema}:${attribute.name}`, attribute, extension, read: (r) => (r[schema] as Record<string, unknown> | undefined)?.[attribute.name] });
    }
  }
  return out;
}

const writable = (a: Attribute | null) => a === null || WRITABLE.includes(a.mutability);
const readOnlyExtension = (t: Target) => t.extension !== undefined && !t.extension.attributes.some((a) => writable(a));

/** A value for an attribute, as the tester makes one: from its schema only. */
async function valueOf(attribute: Attribute, path: string, resourceType: string): Promise<unknown> {
  const one = await singleValue(attribute, path, resourceType);
  return attribute.multiValued ? [one] : one;
}

async function singleValue(a: Attribute, path: string, resourceType: string): Promise<unknown> {
  if (a.canonicalValues?.length) return a.canonicalValues[0];
  if (path.endsWith('emails.value')) return `${randomUUID()}@${randomUUID()}.example`;
  if (path.endsWith('phoneNumbers.value')) return String(Math.floor(Math.random() * 1e10)).padStart(10, '0');
  switch (a.type) {
    case 'boolean':
      return path.endsWith('.primary') ? true : Math.random() < 0.5;
    case 'integer':
      return Math.floor(Math.random() * 2 ** 31);
    case 'binary':
      return randomBytes(16).toString('base64');
    case 'reference': {
      const refs = a.referenceTypes ?? [];
      if (!refs.length || refs.includes('external') || refs.includes('uri')) return `https://${randomUUID()}.test`;
      const referenced = refs.find((r) => r !== resourceType) ?? refs[0]!;
      return (await createMinimal(typeNamed(referenced))).meta.location;
    }
    case 'complex': {
      const value: Record<string, unknown> = {};
      for (const sub of a.subAttributes ?? []) if (writable(sub)) value[sub.name] = await valueOf(sub, `${path}.${sub.name}`, resourceType);
      // a $ref and its value name the same resource
      if (typeof value.$ref === 'string' && 'value' in value) value.value = value.$ref.split('/').at(-1);
      return value;
    }
    default:
      return randomUUID();
  }
}

async function extensionValue(extension: Schema, resourceType: string): Promise<Record<string, unknown>> {
  const value: Record<string, unknown> = { schemas: [extension.id] }; // as scim2-models serialises an extension
  for (const a of extension.attributes) if (writable(a)) value[a.name] = await valueOf(a, `${extension.id}:${a.name}`, resourceType);
  return value;
}

const withoutSchemas = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'schemas')) : v);

async function createMinimal(type: ResourceType): Promise<{ id: string; meta: { location: string }; [k: string]: unknown }> {
  const body: Record<string, unknown> = { schemas: [type.schema] };
  for (const a of schemas.get(type.schema)!.attributes) if (a.required) body[a.name] = await valueOf(a, a.name, type.id);
  const res = await scim.post(type.endpoint, body);
  if (res.status !== 201) throw new Error(`create ${type.id}: ${res.status} ${res.text}`);
  return res.body;
}

/** Every writable attribute filled, as the tester's `fill_all`. */
async function fullBody(type: ResourceType): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { schemas: [type.schema, ...(type.schemaExtensions ?? []).map((e) => e.schema)] };
  for (const t of targets(type)) {
    if (!t.attribute) {
      if (!readOnlyExtension(t)) body[t.path] = withoutSchemas(await extensionValue(t.extension!, type.id));
      continue;
    }
    if (!t.extension && writable(t.attribute)) body[t.path] = await valueOf(t.attribute, t.path, type.id);
  }
  body.schemas = (body.schemas as string[]).filter((s) => s === type.schema || body[s] !== undefined);
  return body;
}

describe.each(['User', 'Group'])('%s: every published attribute, as scim2-tester checks it', (typeName) => {
  let type: ResourceType;
  beforeAll(() => {
    type = typeNamed(typeName);
  });

  it('is created with every writable attribute and read back equal (writeOnly never returned)', async () => {
    const body = await fullBody(type);
    const created = await scim.post(type.endpoint, body);
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(SCIM_JSON);
    expect(created.headers.location).toBe(created.body.meta.location);
    const got = await scim.get(`${type.endpoint}/${created.body.id}`);
    for (const resource of [created.body, got.body]) {
      for (const [key, value] of Object.entries(body)) {
        if (key === 'schemas') continue;
        const attribute = targets(type).find((t) => t.path === key)!.attribute;
        if (attribute?.mutability === 'writeOnly') expect({ key, value: resource[key] }).toEqual({ key, value: undefined });
        else expect({ key, value: resource[key] }).toEqual({ key, value });
      }
      expect(resource.meta).toMatchObject({ resourceType: type.id, location: expect.stringMatching(new RegExp(`${type.endpoint}/${created.body.id}$`)), created: expect.any(String), lastModified: expect.any(String) });
      expect(resource.meta.version).toBe(created.headers.etag);
    }
  });

  it('PATCH add on every optional writable attribute answers the value and keeps it', async () => {
    const failures: string[] = [];
    for (const t of targets(type).filter((x) => writable(x.attribute) && !x.attribute?.required)) {
      const base = await createMinimal(type);
      const value = t.attribute ? await valueOf(t.attribute, t.path, type.id) : await extensionValue(t.extension!, type.id);
      const res = await scim.patchOps(`${type.endpoint}/${base.id}`, [{ op: 'add', path: t.path, value }]);
      if (readOnlyExtension(t)) {
        if (res.status !== 400 || res.body.scimType !== 'mutability') failures.push(`add ${t.path}: ${res.status} ${res.text}`);
        continue;
      }
      const expected = t.attribute?.mutability === 'writeOnly' ? undefined : withoutSchemas(value);
      const got = await scim.get(`${type.endpoint}/${base.id}`);
      if (res.status !== 200) failures.push(`add ${t.path}: ${res.status} ${res.text}`);
      else if (JSON.stringify(withoutSchemas(t.read(res.body))) !== JSON.stringify(expected)) failures.push(`add ${t.path}: answered ${JSON.stringify(t.read(res.body))}, sent ${JSON.stringify(value)}`);
      else if (JSON.stringify(withoutSchemas(t.read(got.body))) !== JSON.stringify(expected)) failures.push(`add ${t.path}: read back ${JSON.stringify(t.read(got.body))}`);
    }
    expect(failures).toEqual([]);
  });

  it('PATCH replace on every writable attribute answers the value and keeps it', async () => {
    const failures: string[] = [];
    const base = await createMinimal(type);
    for (const t of targets(type).filter((x) => writable(x.attribute) && x.attribute?.mutability !== 'immutable')) {
      const value = t.attribute ? await valueOf(t.attribute, t.path, type.id) : await extensionValue(t.extension!, type.id);
      const res = await scim.patchOps(`${type.endpoint}/${base.id}`, [{ op: 'replace', path: t.path, value }]);
      if (readOnlyExtension(t)) {
        if (res.status !== 400 || res.body.scimType !== 'mutability') failures.push(`replace ${t.path}: ${res.status} ${res.text}`);
        continue;
      }
      const expected = t.attribute?.mutability === 'writeOnly' ? undefined : withoutSchemas(value);
      const got = await scim.get(`${type.endpoint}/${base.id}`);
      if (res.status !== 200) failures.push(`replace ${t.path}: ${res.status} ${res.text}`);
      else if (JSON.stringify(withoutSchemas(t.read(res.body))) !== JSON.stringify(expected)) failures.push(`replace ${t.path}: answered ${JSON.stringify(t.read(res.body))}, sent ${JSON.stringify(value)}`);
      else if (JSON.stringify(withoutSchemas(t.read(got.body))) !== JSON.stringify(expected)) failures.push(`replace ${t.path}: read back ${JSON.stringify(t.read(got.body))}`);
    }
    expect(failures).toEqual([]);
  });

  it('PATCH remove on every optional writable attribute leaves it unassigned', async () => {
    const failures: string[] = [];
    const full = await scim.post(type.endpoint, await fullBody(type));
    expect(full.status).toBe(201);
    for (const t of targets(type).filter((x) => writable(x.attribute) && !x.attribute?.required && x.attribute?.mutability !== 'immutable')) {
      const res = await scim.patchOps(`${type.endpoint}/${full.body.id}`, [{ op: 'remove', path: t.path }]);
      if (readOnlyExtension(t)) {
        if (res.status !== 400 || res.body.scimType !== 'mutability') failures.push(`remove ${t.path}: ${res.status} ${res.text}`);
        continue;
      }
      const got = await scim.get(`${type.endpoint}/${full.body.id}`);
      if (res.status !== 200) failures.push(`remove ${t.path}: ${res.status} ${res.text}`);
      else if (t.read(res.body) !== undefined) failures.push(`remove ${t.path}: answered ${JSON.stringify(t.read(res.body))}`);
      else if (t.read(got.body) !== undefined) failures.push(`remove ${t.path}: read back ${JSON.stringify(t.read(got.body))}`);
    }
    expect(failures).toEqual([]);
  });

  it('attributes / excludedAttributes on GET, the list and POST /.search', async () => {
    const candidates = schemas.get(type.schema)!.attributes.filter((a) => a.returned === 'default' && a.mutability !== 'readOnly' && !a.required).map((a) => a.name);
    const [included, excluded] = candidates as [string, string | undefined]; // Groups have one: members
    const created = await scim.post(type.endpoint, await fullBody(type));
    const find = (body: { Resources: Array<{ id: string }> }) => body.Resources.find((r) => r.id === created.body.id) as Record<string, unknown> | undefined;
    const byId = `${type.endpoint}/${created.body.id}`;
    const asked = [
      (await scim.get(`${byId}?attributes=${included}`)).body,
      find((await scim.get(`${type.endpoint}?attributes=${included}&count=200`)).body),
      find((await scim.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], attributes: [included], count: 200 })).body),
    ];
    for (const r of asked) {
      expect(r?.[included]).toBeDefined();
      expect(r?.id).toBe(created.body.id);
      if (excluded) expect(r?.[excluded]).toBeUndefined();
    }
    if (!excluded) return;
    const dropped = [
      (await scim.get(`${byId}?excludedAttributes=${excluded}`)).body,
      find((await scim.get(`${type.endpoint}?excludedAttributes=${excluded}&count=200`)).body),
      find((await scim.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], excludedAttributes: [excluded], count: 200 })).body),
    ];
    for (const r of dropped) {
      expect(r?.[excluded]).toBeUndefined();
      expect(r?.[included]).toBeDefined();
    }
  });
});

describe('the shapes scim2-tester found wrong (issue 18)', () => {
  it('an extension object sent with its own `schemas` is taken by PATCH add and replace', async () => {
    const user = await scim.createUser(`ext-${randomUUID()}@x.example`);
    const value = { schemas: [SCIM.enterprise], employeeNumber: '42', department: 'R&D' };
    const add = await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', path: SCIM.enterprise, value }]);
    expect(add.status).toBe(200);
    expect(add.body[SCIM.enterprise]).toEqual({ employeeNumber: '42', department: 'R&D' });
    const replace = await scim.patchOps(`/Users/${user.id}`, [{ op: 'replace', path: SCIM.enterprise, value: { schemas: [SCIM.enterprise], costCenter: '7' } }]);
    expect(replace.status).toBe(200);
    expect((await scim.get(`/Users/${user.id}`)).body[SCIM.enterprise]).toEqual({ costCenter: '7' });
    const pathless = await scim.patchOps(`/Users/${user.id}`, [{ op: 'add', value: { [SCIM.enterprise]: { schemas: [SCIM.enterprise], division: 'D' } } }]);
    expect(pathless.status).toBe(200);
    expect(pathless.body[SCIM.enterprise]).toEqual({ costCenter: '7', division: 'D' });
  });

  it('PATCH on the read-only link extension or its attributes is 400 mutability, nothing written', async () => {
    const link = 'urn:orgbridge:params:scim:schemas:extension:link:2.0:User';
    const user = await scim.createUser(`link-${randomUUID()}@x.example`);
    for (const op of [
      { op: 'add', path: link, value: { schemas: [link] } },
      { op: 'replace', path: link, value: { linked: false } },
      { op: 'remove', path: link },
      { op: 'replace', path: `${link}:linked`, value: false },
    ]) {
      expectScimError(await scim.patchOps(`/Users/${user.id}`, [op]), 400, 'mutability');
    }
    const got = await scim.get(`/Users/${user.id}`);
    expect(got.body[link]).toEqual({ linked: true, unlinkedReason: null });
    expect(got.body.meta.version).toBe('W/"1"');
  });

  it('PATCH remove of `active` leaves it unassigned (and the user active); a later replace sets it', async () => {
    const user = await scim.createUser(`active-${randomUUID()}@x.example`);
    const removed = await scim.patchOps(`/Users/${user.id}`, [{ op: 'remove', path: 'active' }]);
    expect(removed.status).toBe(200);
    expect(removed.body.active).toBeUndefined();
    expect((await scim.get(`/Users/${user.id}`)).body.active).toBeUndefined();
    const listed = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${user.userName as string}" and active eq true`)}`);
    expect(listed.body.totalResults).toBe(1);
    const off = await scim.patchOps(`/Users/${user.id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(off.body.active).toBe(false);
  });

  it('PATCH remove of `members` (value absent or null) empties the group, and an empty members is left out', async () => {
    const users = [await scim.createUser(`m1-${randomUUID()}@x.example`), await scim.createUser(`m2-${randomUUID()}@x.example`)];
    for (const op of [{ op: 'remove', path: 'members' }, { op: 'remove', path: 'members', value: null }]) {
      const group = await scim.createGroup(`g-${randomUUID()}`, users.map((u) => u.id));
      expect(group.members).toHaveLength(2);
      const res = await scim.patchOps(`/Groups/${group.id}`, [op]);
      expect(res.status).toBe(200);
      expect(res.body.members).toBeUndefined();
      const got = await scim.get(`/Groups/${group.id}`);
      expect(got.body.members).toBeUndefined();
      expect(got.body.displayName).toBe(group.displayName);
    }
  });

  it('members come back as {value, $ref}; display and type, server-computed and readOnly, only when asked for', async () => {
    const user = await scim.createUser(`d-${randomUUID()}@x.example`);
    const group = await scim.post('/Groups', { schemas: [SCIM.group], displayName: `d-${randomUUID()}`, members: [{ value: user.id, display: 'ignored', type: 'Group' }] });
    expect(group.body.members).toEqual([{ value: user.id, $ref: `${user.meta && (user.meta as { location: string }).location}` }]);
    const asked = await scim.get(`/Groups/${group.body.id}?attributes=members.value,members.display,members.type`);
    expect(asked.body.members).toEqual([{ value: user.id, display: user.userName, type: 'User' }]);
    const members = (schemas.get(SCIM.group)!.attributes.find((a) => a.name === 'members')!.subAttributes ?? []).map((s) => [s.name, s.mutability, s.returned]);
    expect(members).toEqual([
      ['value', 'immutable', 'default'],
      ['display', 'readOnly', 'request'],
      ['$ref', 'immutable', 'default'],
      ['type', 'readOnly', 'request'],
    ]);
  });

  it('/Me and /Bulk, which we do not serve, are 501 in SCIM\'s shape (after the token check); an unknown endpoint is 404', async () => {
    for (const [method, path] of [['get', '/Me'], ['post', '/Me'], ['get', '/Me/x'], ['post', '/Bulk'], ['get', '/bulk']] as const) {
      const res = await scim.request(method, path, method === 'post' ? {} : undefined);
      expectScimError(res, 501);
    }
    expect((await scim.withToken('obs_nope_nope').get('/Me')).status).toBe(401);
    const config = (await scim.get('/ServiceProviderConfig')).body;
    expect(config).toMatchObject({ bulk: { supported: false }, changePassword: { supported: false }, patch: { supported: true }, sort: { supported: true }, etag: { supported: true }, filter: { supported: true, maxResults: 200 } });
    expectScimError(await scim.get(`/${randomUUID()}`), 404);
  });
});

describe('what the RFC asks beyond the tester (issue 18 brief)', () => {
  const q = (text: string) => `filter=${encodeURIComponent(text)}`;
  let tag: string;
  let a: { id: string; [k: string]: unknown };
  let b: { id: string; [k: string]: unknown };
  let c: { id: string; [k: string]: unknown };
  beforeAll(async () => {
    tag = randomUUID().slice(0, 8);
    a = await scim.createUser(`${tag}-a@x.example`, { title: 'Chief Özil', externalId: `EXT-${tag}` });
    await new Promise((r) => setTimeout(r, 20));
    b = await scim.createUser(`${tag}-b@x.example`, { name: { givenName: 'Bee' }, [SCIM.enterprise]: { employeeNumber: '7' }, schemas: [SCIM.user, SCIM.enterprise] });
    await new Promise((r) => setTimeout(r, 20));
    c = await scim.createUser(`${tag}-c@x.example`, { active: false, emails: [{ value: `${tag}-c@home.example`, type: 'home' }] });
  });
  const ids = async (text: string) => {
    const res = await scim.get(`/Users?${q(`userName sw "${tag}" and (${text})`)}&sortBy=userName`);
    if (res.status !== 200) throw new Error(`${text}: ${res.status} ${res.text}`);
    return (res.body.Resources as Array<{ id: string }>).map((r) => r.id);
  };

  it('pr, sw, ew, co, not, and/or precedence, complex value filters, dates with gt/ge/lt/le', async () => {
    expect(await ids('title pr')).toEqual([a.id]);
    expect(await ids('not (title pr)')).toEqual([b.id, c.id]);
    expect(await ids('title co "özil"')).toEqual([a.id]);
    expect(await ids('title sw "CHIEF"')).toEqual([a.id]);
    expect(await ids('userName ew "-B@X.EXAMPLE"')).toEqual([b.id]);
    expect(await ids('name.givenName pr')).toEqual([b.id]);
    expect(await ids(`${SCIM.enterprise}:employeeNumber eq "7"`)).toEqual([b.id]);
    // and binds tighter than or: a or (b and c)
    expect(await ids(`userName sw "${tag}-a" or userName sw "${tag}-b" and active eq false`)).toEqual([a.id]);
    expect(await ids(`(userName sw "${tag}-a" or userName sw "${tag}-b") and active eq true`)).toEqual([a.id, b.id]);
    expect(await ids('emails[type eq "work" and value co "@"]')).toEqual([a.id, b.id]);
    expect(await ids('emails[type eq "home" and value co "@home."]')).toEqual([c.id]);
    expect(await ids(`externalId eq "ext-${tag}"`)).toEqual([]); // caseExact
    expect(await ids(`externalId eq "EXT-${tag}"`)).toEqual([a.id]);
    const created = (await scim.get(`/Users/${b.id}`)).body.meta.created as string;
    expect(await ids(`meta.created ge "${created}"`)).toEqual([b.id, c.id]);
    expect(await ids(`meta.created gt "${created}"`)).toEqual([c.id]);
    expect(await ids(`meta.created le "${created}"`)).toEqual([a.id, b.id]);
    expect(await ids(`meta.created lt "${created}"`)).toEqual([a.id]);
    for (const bad of ['nosuch eq "x"', 'urn:x:y:nosuch eq "1"', 'name.nosuch pr', 'title eq']) {
      expectScimError(await scim.get(`/Users?${q(bad)}`), 400, 'invalidFilter');
    }
  });

  it('readOnly values in a PUT are ignored, a PATCH naming one is 400 mutability; password is never returned, even when asked for', async () => {
    const put = await scim.put(`/Users/${a.id}`, { schemas: [SCIM.user], id: 'other', userName: a.userName, groups: [{ value: 'g' }], meta: { version: 'W/"99"' }, password: 'Secret-1', title: 'After' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: a.id, title: 'After', groups: [] });
    expect(put.body.password).toBeUndefined();
    expect(put.body.meta.version).toBe('W/"2"');
    for (const path of ['id', 'meta', 'groups']) expectScimError(await scim.patchOps(`/Users/${a.id}`, [{ op: 'replace', path, value: 'x' }]), 400, 'mutability');
    expect((await scim.patchOps(`/Users/${a.id}`, [{ op: 'replace', path: 'password', value: 'Other-2' }])).body.password).toBeUndefined();
    expect((await scim.get(`/Users/${a.id}?attributes=password,userName`)).body).toEqual({ schemas: expect.any(Array), id: a.id, userName: a.userName });
  });

  it('uniqueness: a userName in another letter case is 409 uniqueness on POST, PUT and PATCH', async () => {
    const upper = String(b.userName).toUpperCase();
    expectScimError(await scim.post('/Users', { schemas: [SCIM.user], userName: upper }), 409, 'uniqueness');
    expectScimError(await scim.put(`/Users/${c.id}`, { schemas: [SCIM.user], userName: upper }), 409, 'uniqueness');
    expectScimError(await scim.patchOps(`/Users/${c.id}`, [{ op: 'replace', path: 'userName', value: upper }]), 409, 'uniqueness');
  });

  it('PATCH by value path and into the Enterprise extension', async () => {
    const u = await scim.createUser(`${tag}-vp@x.example`);
    const work = await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'emails[type eq "work"].value', value: `${tag}-new@x.example` }]);
    expect(work.status).toBe(200);
    expect(work.body.emails).toEqual([{ value: `${tag}-new@x.example`, type: 'work', primary: true }]);
    const manager = await scim.patchOps(`/Users/${u.id}`, [
      { op: 'add', path: `${SCIM.enterprise}:manager`, value: { value: a.id } },
      { op: 'replace', path: `${SCIM.enterprise}:department`, value: 'Ops' },
    ]);
    expect(manager.body[SCIM.enterprise]).toEqual({ manager: { value: a.id }, department: 'Ops' });
    expect(manager.body.schemas).toContain(SCIM.enterprise);
    const gone = await scim.patchOps(`/Users/${u.id}`, [{ op: 'remove', path: 'emails[type eq "work"]' }, { op: 'remove', path: `${SCIM.enterprise}:manager` }]);
    expect(gone.body.emails).toBeUndefined();
    expect(gone.body[SCIM.enterprise]).toEqual({ department: 'Ops' });
  });

  it('Groups: members add, remove by members[value eq], replace; filter members.value; meta and ETag move together', async () => {
    const g = await scim.createGroup(`${tag}-group`, [a.id]);
    const added = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: b.id }, { value: c.id }] }]);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a.id, b.id, c.id].sort());
    const removed = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'remove', path: `members[value eq "${b.id}"]` }]);
    expect(removed.body.members.map((m: { value: string }) => m.value).sort()).toEqual([a.id, c.id].sort());
    const replaced = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'replace', path: 'members', value: [{ value: b.id }] }], { 'If-Match': removed.headers.etag });
    expect(replaced.body.members).toEqual([{ value: b.id, $ref: expect.stringMatching(new RegExp(`/Users/${b.id}$`)) }]);
    expect(replaced.headers.etag).toBe(replaced.body.meta.version);
    expect(replaced.body.meta.version).toBe('W/"4"');
    expect(Date.parse(replaced.body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(replaced.body.meta.created));
    expect((await scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: a.id }] }], { 'If-Match': removed.headers.etag })).status).toBe(412);
    const found = await scim.get(`/Groups?${q(`members.value eq "${b.id}" and displayName eq "${tag}-GROUP"`)}`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([g.id]);
    expectScimError(await scim.patchOps(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: 'not-a-user' }] }]), 400, 'invalidValue');
  });

  it('sort and filter.maxResults behave as /ServiceProviderConfig says; answers are application/scim+json', async () => {
    const up = await scim.get(`/Users?${q(`userName sw "${tag}-"`)}&sortBy=userName&sortOrder=descending`);
    expect(up.body.Resources.map((r: { userName: string }) => r.userName).slice(0, 3)).toEqual([`${tag}-vp@x.example`, `${tag}-c@x.example`, `${tag}-b@x.example`].filter((n) => up.body.Resources.some((r: { userName: string }) => r.userName === n)));
    const big = await scim.get('/Users?count=100000');
    expect(big.body.itemsPerPage).toBeLessThanOrEqual(200);
    for (const res of [big, await scim.get('/Schemas'), await scim.get('/ResourceTypes/User'), await scim.get('/ServiceProviderConfig'), await scim.get('/Users/nope')]) {
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
    }
  });
});

describe('defects found by probing past the tester (issue 18)', () => {
  it('a filter on emails.primary answers (PRIMARY is a reserved word in SQL); emails[primary eq true] too', async () => {
    const tag = randomUUID().slice(0, 8);
    const u = await scim.createUser(`${tag}-p@x.example`);
    await scim.createUser(`${tag}-q@x.example`, { emails: [{ value: `${tag}-q@x.example`, type: 'work' }] });
    for (const text of [`emails.primary eq true and userName sw "${tag}"`, `emails[primary eq true] and userName sw "${tag}"`, `userName sw "${tag}" and not (emails.primary eq false)`]) {
      const res = await scim.get(`/Users?filter=${encodeURIComponent(text)}`);
      expect({ text, status: res.status, ids: res.body.Resources?.map((r: { id: string }) => r.id) }).toEqual({ text, status: 200, ids: [u.id] });
    }
  });

  it('at most one primary value: a POST or PUT with two is 400 invalidValue; a PATCH making one primary clears the others (RFC 7644 §3.5.2)', async () => {
    const two = [{ value: `${randomUUID()}@x.example`, primary: true }, { value: `${randomUUID()}@x.example`, primary: true }];
    expectScimError(await scim.post('/Users', { schemas: [SCIM.user], userName: `two-${randomUUID()}`, emails: two }), 400, 'invalidValue');
    const u = await scim.createUser(`one-${randomUUID()}@x.example`, { phoneNumbers: [{ value: '1', primary: true }] });
    expectScimError(await scim.put(`/Users/${u.id}`, { schemas: [SCIM.user], userName: u.userName, emails: two }), 400, 'invalidValue');
    const home = `${randomUUID()}@x.example`;
    const added = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'emails', value: [{ value: home, type: 'home', primary: true }] }]);
    expect(added.status).toBe(200);
    expect(added.body.emails).toEqual([{ value: u.userName, type: 'work', primary: false }, { value: home, type: 'home', primary: true }]);
    const back = await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'emails[type eq "work"].primary', value: true }]);
    expect(back.body.emails.map((e: { primary: boolean }) => e.primary)).toEqual([true, false]);
    const phones = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'phoneNumbers', value: { value: '2', primary: true } }]);
    expect(phones.body.phoneNumbers).toEqual([{ value: '1', primary: false }, { value: '2', primary: true }]);
  });

  it('a complex value whose last sub-attribute is removed is unassigned and left out', async () => {
    const u = await scim.createUser(`cx-${randomUUID()}@x.example`, { name: { givenName: 'G' }, [SCIM.enterprise]: { manager: { value: 'm' }, department: 'D' }, schemas: [SCIM.user, SCIM.enterprise] });
    const res = await scim.patchOps(`/Users/${u.id}`, [{ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: `${SCIM.enterprise}:manager.value` }]);
    expect(res.status).toBe(200);
    expect(res.body.name).toBeUndefined();
    expect(res.body[SCIM.enterprise]).toEqual({ department: 'D' });
    expect((await scim.get(`/Users/${u.id}`)).body.name).toBeUndefined();
  });

  it('meta.resourceType is filterable (all of the endpoint\'s resources); meta.location and meta.version are 400 invalidFilter', async () => {
    const g = await scim.createGroup(`rt-${randomUUID()}`);
    const users = await scim.get(`/Users?filter=${encodeURIComponent('meta.resourceType eq "User"')}&count=0`);
    const all = await scim.get('/Users?count=0');
    expect(users.body.totalResults).toBe(all.body.totalResults);
    expect((await scim.get(`/Users?filter=${encodeURIComponent('meta.resourceType eq "Group"')}`)).body.totalResults).toBe(0);
    const groups = await scim.get(`/Groups?filter=${encodeURIComponent(`meta.resourceType eq "group" and displayName eq "${g.displayName as string}"`)}`);
    expect(groups.body.Resources.map((r: { id: string }) => r.id)).toEqual([g.id]);
    for (const text of ['meta.location eq "x"', 'meta.version eq "W/\\"1\\""']) expectScimError(await scim.get(`/Users?filter=${encodeURIComponent(text)}`), 400, 'invalidFilter');
  });

  it('x509Certificates.value must be base64 (RFC 7643 §2.3.6), nothing written otherwise', async () => {
    const userName = `x509-${randomUUID()}`;
    expectScimError(await scim.post('/Users', { schemas: [SCIM.user], userName, x509Certificates: [{ value: 'not base64!!' }] }), 400, 'invalidValue');
    expect((await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.totalResults).toBe(0);
    const ok = await scim.post('/Users', { schemas: [SCIM.user], userName, x509Certificates: [{ value: 'MIIB\nAAEC' }] });
    expect(ok.status).toBe(201);
  });

  it('attribute names in a PATCH path are case-insensitive: EMAILS[TYPE eq "home"].VALUE replaces the home email', async () => {
    const u = await scim.createUser(`ci-${randomUUID()}@x.example`, { emails: [{ value: `w-${randomUUID()}@x.example`, type: 'work', primary: true }, { value: `h-${randomUUID()}@x.example`, type: 'home' }] });
    const home = `h2-${randomUUID()}@x.example`;
    const res = await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'EMAILS[TYPE eq "home"].VALUE', value: home }]);
    expect(res.status).toBe(200);
    expect(res.body.emails).toEqual([(u.emails as unknown[])[0], { value: home, type: 'home' }]);
    const created = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'Emails[Type eq "other"].Value', value: `o-${randomUUID()}@x.example` }]);
    expect(created.body.emails[2]).toEqual({ type: 'other', value: expect.stringMatching(/^o-/) });
  });

  it('adding a value already present changes nothing (RFC 7644 §3.5.2.1): no duplicate, same version; an empty list adds nothing, replaces to empty', async () => {
    const u = await scim.createUser(`dup-${randomUUID()}@x.example`, { phoneNumbers: [{ value: '1', type: 'work' }] });
    const same = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'phoneNumbers', value: [{ type: 'work', value: '1' }] }]);
    expect(same.status).toBe(200);
    expect(same.body.phoneNumbers).toEqual([{ value: '1', type: 'work' }]);
    expect(same.body.meta.version).toBe('W/"1"');
    expect(same.body.meta.lastModified).toBe((u.meta as { lastModified: string }).lastModified);
    const twice = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'phoneNumbers', value: [{ value: '2' }, { value: '2' }] }]);
    expect(twice.body.phoneNumbers).toEqual([{ value: '1', type: 'work' }, { value: '2' }]);
    const empty = await scim.patchOps(`/Users/${u.id}`, [{ op: 'add', path: 'emails', value: [] }]);
    expect(empty.status).toBe(200);
    expect(empty.body.meta.version).toBe(twice.body.meta.version);
    const cleared = await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'phoneNumbers', value: [] }]);
    expect(cleared.status).toBe(200);
    expect(cleared.body.phoneNumbers).toBeUndefined();
  });

  it('a group update that changes nothing keeps its version and lastModified; externalId null is unassigned', async () => {
    const u = await scim.createUser(`gn-${randomUUID()}@x.example`);
    const g = await scim.createGroup(`gn-${randomUUID()}`, [u.id]);
    const version = (g.meta as { version: string }).version;
    for (const ops of [
      [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
      [{ op: 'remove', path: 'members[value eq "someone-else"]' }],
      [{ op: 'replace', path: 'displayName', value: g.displayName }],
    ]) {
      const res = await scim.patchOps(`/Groups/${g.id}`, ops);
      expect({ ops, status: res.status, version: res.body.meta.version, lastModified: res.body.meta.lastModified }).toEqual({ ops, status: 200, version, lastModified: (g.meta as { lastModified: string }).lastModified });
    }
    const same = await scim.put(`/Groups/${g.id}`, { schemas: [SCIM.group], displayName: g.displayName, members: [{ value: u.id }] });
    expect(same.body.meta.version).toBe(version);
    const set = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'replace', path: 'externalId', value: 'e-1' }]);
    expect(set.body).toMatchObject({ externalId: 'e-1', meta: { version: 'W/"2"' } });
    const cleared = await scim.patchOps(`/Groups/${g.id}`, [{ op: 'replace', path: 'externalId', value: null }]);
    expect(cleared.status).toBe(200);
    expect(cleared.body.externalId).toBeUndefined();
    expect(cleared.body.meta.version).toBe('W/"3"');
  });

  it('sortBy a multi-valued attribute sorts by its primary value, else its first (RFC 7644 §3.4.2.3): emails, emails.value, emails.type', async () => {
    const tag = randomUUID().slice(0, 8);
    const make = (name: string, emails: unknown[]) => scim.post('/Users', { schemas: [SCIM.user], userName: `${tag}-${name}`, emails });
    const first = await make('1', [{ value: `c-${tag}@x.example`, type: 'work' }, { value: `a-${tag}@x.example`, type: 'home', primary: true }]);
    const second = await make('2', [{ value: `b-${tag}@x.example`, type: 'other' }, { value: `0-${tag}@x.example`, type: 'work' }]);
    const third = await make('3', [{ value: `C-${tag}@x.example`, type: 'aaa' }]);
    const order = async (query: string) => ((await scim.get(`/Users?filter=${encodeURIComponent(`userName sw "${tag}-"`)}&${query}`)).body.Resources as Array<{ id: string }>).map((r) => r.id);
    expect(await order('sortBy=emails')).toEqual([first.body.id, second.body.id, third.body.id]);
    expect(await order('sortBy=emails.value&sortOrder=descending')).toEqual([third.body.id, second.body.id, first.body.id]);
    expect(await order('sortBy=EMAILS.TYPE')).toEqual([third.body.id, first.body.id, second.body.id]);
    expectScimError(await scim.get('/Users?sortBy=phoneNumbers'), 400, 'invalidValue');
  });

  it('pr on a complex attribute matches a non-empty value (RFC 7644 §3.4.2.2): name, the Enterprise manager', async () => {
    const tag = randomUUID().slice(0, 8);
    const named = await scim.createUser(`${tag}-n@x.example`, { name: { givenName: 'Ann' }, schemas: [SCIM.user, SCIM.enterprise], [SCIM.enterprise]: { manager: { value: 'boss' } } });
    const plain = await scim.createUser(`${tag}-p@x.example`);
    const ids = async (text: string) => ((await scim.get(`/Users?filter=${encodeURIComponent(`userName sw "${tag}" and ${text}`)}&sortBy=userName`)).body.Resources as Array<{ id: string }>).map((r) => r.id);
    expect(await ids('name pr')).toEqual([named.id]);
    expect(await ids('not (name pr)')).toEqual([plain.id]);
    expect(await ids(`${SCIM.enterprise}:manager pr`)).toEqual([named.id]);
    await scim.patchOps(`/Users/${named.id}`, [{ op: 'remove', path: 'name.givenName' }]);
    expect(await ids('name pr')).toEqual([]);
  });
});
