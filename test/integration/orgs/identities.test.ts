import { uniqueSlug } from '../../support/api';
import { acceptApi, GOOD_PASSWORD, invite } from '../../support/invitations';
import { OKTA_ATTRIBUTES } from '../../support/saml-idp';
import { createDirectory } from '../../support/scim';
import { setupSso, signIn, ssoTestbed } from '../../support/sso';

const t = ssoTestbed();
const identitiesOf = async (userId: string) => {
  const res = await t.admin.get(`/users/${userId}`);
  expect(res.status).toBe(200);
  return res.body.identities as Array<Record<string, unknown>>;
};

describe('GET /users/{userId} identities (issue 22)', () => {
  it('an admin-created user has none; a registered one has a password identity', async () => {
    const plain = await t.admin.createUser();
    expect(await identitiesOf(plain.id)).toEqual([]);
    const org = await t.admin.createOrg();
    const email = `${uniqueSlug('p')}@example.com`;
    const { token } = await invite(t.admin, org.id, email);
    const userId = (await acceptApi(t.admin, { token, name: 'Pat', password: GOOD_PASSWORD })).body.user_id;
    expect(await identitiesOf(userId)).toEqual([{ type: 'password', subject: email, last_used_at: null }]);
  });

  it('SAML: the NameID per connection, updated with last_used_at at each sign-in', async () => {
    const s = await setupSso(t.admin);
    const d = `${uniqueSlug('d')}.test`;
    t.domains.verify(s.org.id, d);
    const email = `sam@${d}`;
    const first = await signIn(t.app, s, { nameIdXml: 'okta|00u123', attributes: OKTA_ATTRIBUTES(email) });
    expect(first.res.status).toBe(303);
    const user = (await t.admin.get(`/users?search=${encodeURIComponent(email)}`)).body.data[0];
    const [saml] = await identitiesOf(user.id);
    expect(saml).toEqual({ type: 'saml', connection_id: s.connection.id, subject: 'okta|00u123', last_used_at: expect.any(String) });
    expect(Number.isNaN(Date.parse(saml!.last_used_at as string))).toBe(false);

    await new Promise((r) => setTimeout(r, 20));
    expect((await signIn(t.app, s, { nameIdXml: 'okta|00u999', attributes: OKTA_ATTRIBUTES(email) })).res.status).toBe(303);
    const after = await identitiesOf(user.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ type: 'saml', connection_id: s.connection.id, subject: 'okta|00u999' });
    expect(Date.parse(after[0]!.last_used_at as string)).toBeGreaterThan(Date.parse(saml!.last_used_at as string));
  });

  it('a refused sign-in records nothing', async () => {
    const s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const d = `${uniqueSlug('d')}.test`;
    t.domains.verify(s.org.id, d);
    const user = await t.admin.createUser(`refused@${d}`);
    expect((await signIn(t.app, s, { email: `refused@${d}` })).res.status).toBe(403);
    expect(await identitiesOf(user.id)).toEqual([]);
  });

  it('SCIM: each directory holding the user, with its userName as subject', async () => {
    const org = await t.admin.createOrg();
    const d = `${uniqueSlug('d')}.test`;
    t.domains.verify(org.id, d);
    const scim = await createDirectory(t.admin, org.id);
    const email = `kim@${d}`;
    await scim.createUser(email);
    const user = (await t.admin.get(`/users?search=${encodeURIComponent(email)}`)).body.data[0];
    expect(await identitiesOf(user.id)).toEqual([{ type: 'scim', directory_id: scim.directoryId, subject: email, last_used_at: expect.any(String) }]);
  });
});
