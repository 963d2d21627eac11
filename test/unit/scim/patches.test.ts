import { parseGroupPatch } from '../../../src/scim/group-patch';
import { roleForGroups } from '../../../src/scim/role-mapping';
import { applyUserPatch, normalize } from '../../../src/scim/user-patch';
import type { UserResource } from '../../../src/scim/user-resource';

const P = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const body = (Operations: unknown[]) => ({ schemas: [P], Operations });

describe('group PATCH → membership delta', () => {
  it('adds and removes fold into sets in order', () => {
    const p = parseGroupPatch(body([
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'Remove', path: 'members[value eq "a"]' },
      { op: 'remove', path: 'members', value: [{ value: 'c' }] },
    ]));
    expect({ add: [...p.add], remove: [...p.remove], replace: p.replaceMembers }).toEqual({ add: ['b'], remove: ['a', 'c'], replace: null });
  });
  it('replace makes an exact set; later adds join it; remove without value empties it', () => {
    expect([...parseGroupPatch(body([{ op: 'replace', path: 'members', value: [{ value: 'x' }] }, { op: 'add', path: 'members', value: 'y' }])).replaceMembers!]).toEqual(['x', 'y']);
    expect([...parseGroupPatch(body([{ op: 'remove', path: 'members' }])).replaceMembers!]).toEqual([]);
  });
  it('path-less replace with displayName and members', () => {
    const p = parseGroupPatch(body([{ op: 'replace', value: { id: 'g', displayName: 'New', members: [{ value: 'm' }] } }]));
    expect(p.displayName).toBe('New');
    expect([...p.replaceMembers!]).toEqual(['m']);
  });
  it.each([
    [[{ op: 'jump', path: 'members' }], 'invalidSyntax'],
    [[{ op: 'add', path: 'owner', value: 'x' }], 'invalidPath'],
    [[{ op: 'add', path: 'members', value: [{ display: 'no value' }] }], 'invalidValue'],
    [[{ op: 'remove', path: 'displayName' }], 'invalidValue'],
    [[{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
  ])('%j is refused with %s', (ops, scimType) => {
    expect(() => parseGroupPatch(body(ops))).toThrow(expect.objectContaining({ scimType }));
  });
});

describe('user PATCH dialects', () => {
  const user: UserResource = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@x.example', active: true, emails: [{ value: 'a@x.example', type: 'home' }] };
  it('string booleans, single values for arrays, bare manager ids, missing work email', () => {
    expect(normalize({ op: 'replace', path: 'active', value: 'False' }, user)!.value).toBe(false);
    expect(normalize({ op: 'replace', value: { active: 'TRUE' } }, user)!.value).toEqual({ active: true });
    expect(normalize({ op: 'add', path: 'phoneNumbers', value: { value: '1' } }, user)!.value).toEqual([{ value: '1' }]);
    expect(normalize({ op: 'add', path: `${ENT}:manager`, value: 'm1' }, user)!.value).toEqual({ value: 'm1' });
    expect(normalize({ op: 'add', path: 'emails[type eq "work"].value', value: 'w@x.example' }, user)).toEqual({ op: 'add', path: 'emails', value: [{ type: 'work', value: 'w@x.example' }] });
    expect(normalize({ op: 'replace', path: 'emails[type eq "home"].value', value: 'h@x.example' }, user)!.path).toBe('emails[type eq "home"].value');
  });
  it('applies with scimmy and refuses read-only and unknown paths', async () => {
    const out = await applyUserPatch(user, body([{ op: 'Replace', path: 'name.givenName', value: 'Ann' }, { op: 'replace', path: 'active', value: 'False' }]));
    expect(out).toMatchObject({ name: { givenName: 'Ann' }, active: false });
    await expect(applyUserPatch(user, body([{ op: 'replace', path: 'id', value: 'x' }]))).rejects.toMatchObject({ scimType: 'mutability' });
    await expect(applyUserPatch(user, body([{ op: 'replace', path: 'shoeSize', value: 42 }]))).rejects.toMatchObject({ scimType: 'invalidPath' });
  });
});

describe('role from groups', () => {
  const ranks = new Map([['owner', 400], ['admin', 300], ['member', 200], ['guest', 100], ['billing', 250]]);
  const mapping = { default_role: 'guest', mappings: [{ group: 'Admins', role: 'admin' }, { group_id: 'g-bill', role: 'billing' }, { group: 'Gone', role: 'deleted-role' }] };
  it.each([
    [[], 'guest'],
    [[{ id: 'x', displayName: 'admins' }], 'admin'],
    [[{ id: 'g-bill', displayName: 'Renamed' }], 'billing'],
    [[{ id: 'g-bill', displayName: 'Renamed' }, { id: 'y', displayName: 'ADMINS' }], 'admin'],
    [[{ id: 'z', displayName: 'Gone' }], 'guest'],
  ])('groups %j → %s', (groups, role) => expect(roleForGroups(mapping, groups, ranks)).toBe(role));
});
