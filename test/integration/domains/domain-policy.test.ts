import { expectError, uniqueSlug } from '../../support/api';
import { acceptApi, GOOD_PASSWORD, invite, invitationsPath } from '../../support/invitations';
import { createDirectory, expectScimError, SCIM } from '../../support/scim';
import { setupSso, signIn, ssoTestbed } from '../../support/sso';

const t = ssoTestbed();

const members = async (orgId: string) =>
  (await t.admin.get(`/organizations/${orgId}/members`)).body.data as Array<{ email: string; source: string; role: string; user_id: string }>;
const domain = () => `${uniqueSlug('d')}.test`;

describe('domain_policy on the organization object (issue 22)', () => {
  it('defaults on create and GET; set on create, PATCH merges, PUT replaces, null resets', async () => {
    const plain = await t.admin.createOrg();
    expect(plain.domain_policy).toEqual({ auto_join: null, restrict_to_verified_domains: false });
    const org = await t.admin.createOrg({ domain_policy: { auto_join: 'member' } });
    expect(org.domain_policy).toEqual({ auto_join: 'member', restrict_to_verified_domains: false });
    const patched = await t.admin.patch(`/organizations/${org.id}`, { domain_policy: { restrict_to_verified_domains: true } });
    expect(patched.body.domain_policy).toEqual({ auto_join: 'member', restrict_to_verified_domains: true });
    expect((await t.admin.get(`/organizations/${org.id}`)).body.domain_policy).toEqual({ auto_join: 'member', restrict_to_verified_domains: true });
    const put = await t.admin.put(`/organizations/${org.id}`, { ...patched.body, domain_policy: { restrict_to_verified_domains: true } });
    expect(put.status).toBe(200);
    expect(put.body.domain_policy).toEqual({ auto_join: null, restrict_to_verified_domains: true });
    expect((await t.admin.patch(`/organizations/${org.id}`, { domain_policy: null })).body.domain_policy).toEqual({ auto_join: null, restrict_to_verified_domains: false });
  });

  it('auto_join must be a role of the organization, not owner; bad shapes are 400; nothing is written', async () => {
    const org = await t.admin.createOrg();
    expect((await t.admin.post(`/organizations/${org.id}/roles`, { key: 'viewer', name: 'Viewer' })).status).toBe(201);
    expect((await t.admin.patch(`/organizations/${org.id}`, { domain_policy: { auto_join: 'viewer' } })).body.domain_policy.auto_join).toBe('viewer');
    const before = (await t.admin.get(`/organizations/${org.id}`)).body;
    for (const body of [
      { domain_policy: { auto_join: 'nope' } },
      { domain_policy: { auto_join: 'owner' } },
      { domain_policy: { auto_join: 3 } },
      { domain_policy: { restrict_to_verified_domains: 'yes' } },
      { domain_policy: { other: true } },
      { domain_policy: [] },
    ]) {
      const res = await t.admin.patch(`/organizations/${org.id}`, body);
      expectError(res, 400, 'invalid_request');
    }
    expect((await t.admin.get(`/organizations/${org.id}`)).body).toEqual(before);
    const count = await t.app.container.models.Organization.count({ where: { tenant_id: t.admin.tenant.id } });
    expectError(await t.admin.post('/organizations', { name: 'X', domain_policy: { auto_join: 'viewer' } }), 400, 'invalid_request');
    expectError(await t.admin.post('/organizations', { name: 'X', domain_policy: { auto_join: 'owner' } }), 400, 'invalid_request');
    expect(await t.app.container.models.Organization.count({ where: { tenant_id: t.admin.tenant.id } })).toBe(count);
  });
});

describe('restrict_to_verified_domains', () => {
  it('adding a member or inviting an email outside the verified domains is 403 and writes nothing; inside is fine', async () => {
    const d = domain();
    const org = await t.admin.createOrg({ domain_policy: { restrict_to_verified_domains: true } });
    t.domains.verify(org.id, d);
    const outsider = await t.admin.createUser(`out@${uniqueSlug('x')}.test`);
    const res = await t.admin.post(`/organizations/${org.id}/members`, { user_id: outsider.id, role: 'member' });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toMatch(/restrict_to_verified_domains/);
    expectError(await t.admin.post(invitationsPath(org.id), { email: 'someone@elsewhere.test', role: 'member', send_email: false }), 403, 'forbidden');
    expect(await members(org.id)).toEqual([]);
    expect((await t.admin.get(invitationsPath(org.id))).body.data).toEqual([]);

    const insider = await t.admin.createUser(`in@${d}`);
    expect((await t.admin.post(`/organizations/${org.id}/members`, { user_id: insider.id, role: 'member' })).status).toBe(201);
    expect((await t.admin.post(invitationsPath(org.id), { email: `new@${d}`, role: 'member', send_email: false })).status).toBe(201);
  });

  it('SCIM provisioning outside the verified domains is 403 in SCIM shape; deactivating a user provisioned before stays possible', async () => {
    const d = domain();
    const org = await t.admin.createOrg();
    t.domains.verify(org.id, d);
    const scim = await createDirectory(t.admin, org.id);
    const early = await scim.createUser(`early@other-${uniqueSlug('o')}.test`);
    expect((await t.admin.patch(`/organizations/${org.id}`, { domain_policy: { restrict_to_verified_domains: true } })).status).toBe(200);
    const scimUsers = await t.app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId } });
    const refused = await scim.post('/Users', { schemas: [SCIM.user], userName: 'x@elsewhere.test', emails: [{ value: 'x@elsewhere.test', primary: true }] });
    expectScimError(refused, 403);
    expect(await t.app.container.models.ScimUser.count({ where: { directory_id: scim.directoryId } })).toBe(scimUsers);
    expect((await scim.createUser(`ok@${d}`)).id).toBeTruthy();
    const moved = await scim.patchOps(`/Users/${early.id}`, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'moved@elsewhere.test' }]);
    expectScimError(moved, 403);
    expect((await scim.patchOps(`/Users/${early.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200);
  });
});

describe('auto_join', () => {
  it('an existing account of the verified domain joins with the auto_join role at its SAML sign-in (JIT off), once', async () => {
    const s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const d = domain();
    t.domains.verify(s.org.id, d);
    expect((await t.admin.patch(`/organizations/${s.org.id}`, { domain_policy: { auto_join: 'guest' } })).status).toBe(200);
    const user = await t.admin.createUser(`ann@${d}`);
    const { res } = await signIn(t.app, s, { email: `ann@${d}` });
    expect(res.status).toBe(303);
    expect(await members(s.org.id)).toEqual([expect.objectContaining({ user_id: user.id, role: 'guest', source: 'domain' })]);
    const created = (await t.admin.events(`?type=membership.created&organization_id=${s.org.id}`))[0]!;
    expect(created.data).toMatchObject({ role: 'guest', source: 'domain' });
    // removed by an administrator: the next sign-in does not bring the person back
    expect((await t.admin.del(`/organizations/${s.org.id}/members/${user.id}`)).status).toBe(204);
    expect((await signIn(t.app, s, { email: `ann@${d}` })).res.status).toBe(403);
    expect(await members(s.org.id)).toEqual([]);
  });

  it('without auto_join nothing happens; an outside domain does not join', async () => {
    const s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const d = domain();
    t.domains.verify(s.org.id, d);
    await t.admin.createUser(`bob@${d}`);
    expect((await signIn(t.app, s, { email: `bob@${d}` })).res.status).toBe(403);
    expect(await members(s.org.id)).toEqual([]);
  });

  it('invitation acceptance is a sign-in: the invitee also joins their domain organization, in the same transaction', async () => {
    const d = domain();
    const domainOrg = await t.admin.createOrg({ domain_policy: { auto_join: 'member' } });
    t.domains.verify(domainOrg.id, d);
    const other = await t.admin.createOrg();
    const { token } = await invite(t.admin, other.id, `cy@${d}`);
    const accepted = await acceptApi(t.admin, { token, name: 'Cy', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(await members(domainOrg.id)).toEqual([expect.objectContaining({ user_id: accepted.body.user_id, role: 'member', source: 'domain' })]);
    expect(await members(other.id)).toEqual([expect.objectContaining({ user_id: accepted.body.user_id, source: 'invitation' })]);
  });
});
