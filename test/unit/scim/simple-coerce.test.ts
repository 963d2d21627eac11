import okta from '../../fixtures/scim/okta/provisioning.json';
import entra from '../../fixtures/scim/entra/provisioning.json';
import { simpleCoerce } from '../../../src/scim/simple-coerce';
import { SCHEMA, scimmy } from '../../../src/scim/scimmy';

const definition = (scimmy().Schemas.User as unknown as { definition: Parameters<typeof simpleCoerce>[0] & { coerce(d: unknown, dir: string): unknown } }).definition;

type Body = Record<string, unknown>;
const fixtureBodies = (steps: Array<{ method: string; path: string; body?: unknown }>) =>
  steps.filter((s) => (s.method === 'POST' || s.method === 'PUT') && /^\/Users/.test(s.path) && s.body).map((s) => s.body as Body);

const plain: Body = {
  schemas: [SCHEMA.user],
  userName: 'ada@example.com',
  externalId: 'ext-1',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada Lovelace',
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  active: true,
};

/** Variants that stay simple… */
const simpleVariants: Body[] = [
  plain,
  { ...plain, schemas: undefined },
  { userName: 'bare@example.com' },
  { UserName: 'case@example.com', EMAILS: [{ VALUE: 'case@example.com', Type: 'home', PRIMARY: false }], Name: { givenname: 'C', FAMILYNAME: 'D' } },
  { ...plain, name: { familyName: 'L', givenName: 'A', nickname: 'ignored', formatted: 'A L' } },
  { ...plain, emails: [{ value: 'a@x', display: 'A', primary: true, extra: 1 }, { type: 'other', value: 'b@x' }] },
  { ...plain, name: { givenName: 'first', GivenName: 'second' } },
  { ...plain, unknownTopLevel: { a: 1 }, title: 'Engineer', locale: 'en-US', timezone: 'Europe/Paris', userType: 'Employee', nickName: 'ada', preferredLanguage: 'en' },
  { ...plain, password: 'secret' },
  { ...plain, phoneNumbers: [{ value: '+1 555', type: 'mobile' }], addresses: [{ streetAddress: '1 Main St', locality: 'Town', country: 'US', type: 'work', primary: true }] },
  { ...plain, roles: [{ value: 'admin' }], entitlements: [{ value: 'e1', type: 'x' }] },
  { ...plain, emails: [] },
  { ...plain, groups: [{ value: 'g1' }] }, // read-only (direction out): dropped by both
  // a `type` outside RFC 7643's suggestions is plain too (scimmy.ts relaxes canonicalValues)
  { ...plain, emails: [{ value: 'a@x', type: 'custom' }] },
  { ...plain, roles: [{ value: 'admin', type: 'x' }] },
];
/** …and ones scimmy must decide (or refuse): nulls, wrong types, references, extensions, shapes. */
const scimmysCall: Body[] = [
  { ...plain, userName: 42 },
  { ...plain, active: 'true' },
  { ...plain, displayName: null },
  { ...plain, emails: [{ value: null }] },
  { ...plain, emails: { value: 'a@x' } },
  { ...plain, emails: [null] },
  { ...plain, emails: [['a@x']] },
  { ...plain, name: [{ givenName: 'A' }] },
  { ...plain, name: 'Ada' },
  { ...plain, profileUrl: 'https://example.com/ada' },
  { ...plain, photos: [{ value: 'https://example.com/a.png', type: 'photo' }] },
  { ...plain, [SCHEMA.enterprise]: { employeeNumber: '7' } },
  { ...plain, [`${SCHEMA.enterprise}:department`]: 'R&D' },
  { ...plain, schemas: [SCHEMA.user, SCHEMA.enterprise] },
  { ...plain, schemas: ['urn:example:other'] },
  { ...plain, schemas: 'nope' },
  { ...plain, meta: { resourceType: 'User' } },
  { ...plain, userName: undefined },
  { ...plain, x509Certificates: [{ value: 'MIIB' }] },
];

const corpus = [...fixtureBodies(okta.steps as never), ...fixtureBodies(entra.steps as never), ...simpleVariants, ...scimmysCall];

function viaScimmy(body: Body): { json: string } | { error: string } {
  try {
    return { json: JSON.stringify(definition.coerce(structuredClone(body), 'in')) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('simpleCoerce (scimmy-equivalent coercion of plain User bodies)', () => {
  it.each(corpus.map((body, i) => [i, body] as const))('body %i: the same JSON as scimmy, or scimmy decides', (_i, body) => {
    const simple = simpleCoerce(definition, structuredClone(body));
    if (simple === undefined) return;
    expect(viaScimmy(body)).toEqual({ json: JSON.stringify(simple) });
  });

  it('takes the plain shapes Okta and Entra send, and leaves anything else to scimmy', () => {
    const taken = (body: Body) => simpleCoerce(definition, structuredClone(body)) !== undefined;
    expect(fixtureBodies(okta.steps as never).map(taken)).not.toContain(false);
    expect(simpleVariants.map(taken)).not.toContain(false);
    expect(scimmysCall.map(taken)).not.toContain(true);
  });
});
