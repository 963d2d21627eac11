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
