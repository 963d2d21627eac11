import { expectError, uniqueSlug } from '../../support/api';
import { acceptApi, GOOD_PASSWORD, invite } from '../../support/invitations';
import { IDP_ENTITY_ID, IDP_SSO_URL, newIdpKey } from '../../support/saml-idp';
import { createDirectory, SCIM } from '../../support/scim';
import { signIn, ssoTestbed, type SsoSetup } from '../../support/sso';

/**
 * Every path that creates a membership keeps the workspace rule (a workspace's members are
 * members of its parent; docs/roles.md, "Workspaces"): an administrator is refused (409), the
 * other paths first make the person a member of the parent with `member` and their own source.
 */
const t = ssoTestbed();

type Member = { user_id: string; email: string; role: string; roles: string[]; source: string; status: string };
const members = async (orgId: string) => (await t.admin.get(`/organizations/${orgId}/members?limit=200`)).body.data as Member[];
const memberOf = async (orgId: string, email: string) => (await members(orgId)).find((m) => m.email === email);
const domain = () => `${uniqueSlug('ws')}.test`;

async function family(parentBody: Record<string, unknown> = {}) {
  const parent = await t.admin.createOrg({ name: 'Parent', ...parentBody });
  const workspace = await t.admin.createOrg({ name: 'Workspace', parent_id: parent.id });
  return { parent, workspace };
}

/** A SAML connection linked to the workspace only. */
async function workspaceConnection(workspace: { id: string; slug: string }, jit: Record<string, unknown>): Promise<SsoSetup> {
  const key = newIdpKey();
  const res = await t.admin.post('/connections', {
    type: 'saml',
    name: 'Workspace IdP',
    idp_entity_id: IDP_ENTITY_ID,
    idp_sso_url: IDP_SSO_URL,
    idp_certificates: [key.certificatePem],
    jit,
  });
  expect(res.status).toBe(201);
  expect((await t.admin.post(`/organizations/${workspace.id}/connections`, { connection_id: res.body.id })).status).toBe(201);
  return { admin: t.admin, key, connection: res.body, org: workspace };
}

describe('the workspace rule on every path that creates a membership (issue 22)', () => {
  it('admin API: someone outside the parent is refused with 409, nothing written', async () => {
    const { workspace } = await family();
    const user = await t.admin.createUser();
    expectError(await t.admin.post(`/organizations/${workspace.id}/members`, { user_id: user.id, role: 'member' }), 409, 'conflict');
    expect(await members(workspace.id)).toEqual([]);
  });

  it('SAML JIT into a workspace: the person joins the parent as member (source jit) in the same sign-in; a parent member keeps their role', async () => {
    const { parent, workspace } = await family();
    const d = domain();
    t.domains.verify(workspace.id, d);
    const s = await workspaceConnection(workspace, { enabled: true, default_role: 'admin' });
    const { res } = await signIn(t.app, s, { email: `new@${d}` });
    expect(res.status).toBe(303);
    expect(await memberOf(workspace.id, `new@${d}`)).toMatchObject({ role: 'admin', source: 'jit' });
    expect(await memberOf(parent.id, `new@${d}`)).toMatchObject({ role: 'member', roles: ['member'], source: 'jit', status: 'active' });
    const created = await t.admin.events(`?type=membership.created&organization_id=${parent.id}`);
    expect(created[0]!.data).toMatchObject({ role: 'member', source: 'jit' });

    const known = await t.admin.createUser(`known@${d}`);
    await t.admin.addMember(parent.id, known.id, 'admin');
    expect((await signIn(t.app, s, { email: `known@${d}` })).res.status).toBe(303);
    expect(await memberOf(parent.id, `known@${d}`)).toMatchObject({ role: 'admin', source: 'manual' });
    expect(await memberOf(workspace.id, `known@${d}`)).toMatchObject({ role: 'admin', source: 'jit' });
  });

  it("a workspace's auto_join: the person joins the parent as member (source domain) at their sign-in", async () => {
    const { parent, workspace } = await family();
    const d = domain();
    t.domains.verify(workspace.id, d);
    expect((await t.admin.patch(`/organizations/${workspace.id}`, { domain_policy: { auto_join: 'admin' } })).status).toBe(200);
    // the sign-in is the acceptance of an invitation to an unrelated organization
    const elsewhere = await t.admin.createOrg();
    const to = `auto@${d}`;
    const { token } = await invite(t.admin, elsewhere.id, to);
    expect((await acceptApi(t.admin, { token, name: 'Auto', password: GOOD_PASSWORD })).status).toBe(200);
    expect(await memberOf(workspace.id, to)).toMatchObject({ role: 'admin', source: 'domain' });
    expect(await memberOf(parent.id, to)).toMatchObject({ role: 'member', source: 'domain' });
  });

  it('an invitation to a workspace: acceptance makes the person a member of the parent too (member, source invitation)', async () => {
    const { parent, workspace } = await family();
    const to = `${uniqueSlug('i')}@example.com`;
    const { token } = await invite(t.admin, workspace.id, to, { role: undefined, roles: ['admin', 'member'] });
    const accepted = await acceptApi(t.admin, { token, name: 'Invited', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(await memberOf(workspace.id, to)).toMatchObject({ roles: ['admin', 'member'], source: 'invitation' });
    expect(await memberOf(parent.id, to)).toMatchObject({ roles: ['member'], source: 'invitation' });
  });

  it("the parent's restrict_to_verified_domains applies to its workspaces: inviting or provisioning an outside email into one is 403", async () => {
    const { parent, workspace } = await family({ domain_policy: { restrict_to_verified_domains: true } });
    const d = domain();
    t.domains.verify(parent.id, d);
    const refused = await t.admin.post(`/organizations/${workspace.id}/invitations`, { email: 'x@elsewhere.test', role: 'member', send_email: false });
    expectError(refused, 403, 'forbidden');
    expect(refused.body.error.message).toContain(parent.name as string);
    expect((await t.admin.post(`/organizations/${workspace.id}/invitations`, { email: `in@${d}`, role: 'member', send_email: false })).status).toBe(201);
    const scim = await createDirectory(t.admin, workspace.id);
    const provisioned = await scim.post('/Users', { schemas: [SCIM.user], userName: 'y@elsewhere.test', emails: [{ value: 'y@elsewhere.test', primary: true }] });
    expect(provisioned.status).toBe(403);
    expect(await members(workspace.id)).toEqual([]);
    expect(await members(parent.id)).toEqual([]);
  });

  it("SCIM into a workspace's directory: the parent membership follows the directory (created, suspended, removed) as member", async () => {
    const { parent, workspace } = await family();
    const scim = await createDirectory(t.admin, workspace.id);
    const email = `${uniqueSlug('s')}@example.com`;
    const user = await scim.createUser(email);
    expect(await memberOf(workspace.id, email)).toMatchObject({ source: 'scim', status: 'active' });
    expect(await memberOf(parent.id, email)).toMatchObject({ role: 'member', source: 'scim', status: 'active' });

    expect((await scim.patchOps(`/Users/${user.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200);
    expect(await memberOf(workspace.id, email)).toMatchObject({ status: 'suspended' });
    expect(await memberOf(parent.id, email)).toMatchObject({ status: 'suspended' });

    expect((await scim.del(`/Users/${user.id}`)).status).toBe(204);
    expect(await memberOf(workspace.id, email)).toBeUndefined();
    expect(await memberOf(parent.id, email)).toBeUndefined();
  });

  it("SCIM into a workspace never takes over the parent membership someone else made, nor removes it", async () => {
    const { parent, workspace } = await family();
    // an existing account is linked by a directory whose organization verified its domain (docs/scim.md)
    const d = domain();
    t.domains.verify(workspace.id, d);
    const email = `${uniqueSlug('m')}@${d}`;
    const person = await t.admin.createUser(email);
    await t.admin.addMember(parent.id, person.id, 'admin');
    const scim = await createDirectory(t.admin, workspace.id);
    const user = await scim.createUser(email);
    expect(await memberOf(workspace.id, email)).toMatchObject({ user_id: person.id, source: 'scim' });
    expect(await memberOf(parent.id, email)).toMatchObject({ role: 'admin', source: 'manual' });
    expect((await scim.del(`/Users/${user.id}`)).status).toBe(204);
    expect(await memberOf(workspace.id, email)).toBeUndefined();
    expect(await memberOf(parent.id, email)).toMatchObject({ role: 'admin', source: 'manual' });
  });

  it("the parent's own directory and a workspace's both hold someone: the parent membership stays while either does", async () => {
    const { parent, workspace } = await family();
    const d = domain();
    t.domains.verify(workspace.id, d);
    const email = `${uniqueSlug('b')}@${d}`;
    const parentDir = await createDirectory(t.admin, parent.id);
    const workspaceDir = await createDirectory(t.admin, workspace.id);
    const inParent = await parentDir.createUser(email);
    const inWorkspace = await workspaceDir.createUser(email);
    expect(await memberOf(parent.id, email)).toMatchObject({ source: 'scim', status: 'active' });
    expect((await parentDir.del(`/Users/${inParent.id}`)).status).toBe(204);
    expect(await memberOf(parent.id, email)).toMatchObject({ role: 'member', source: 'scim' });
    expect(await memberOf(workspace.id, email)).toMatchObject({ source: 'scim' });
    expect((await workspaceDir.put(`/Users/${inWorkspace.id}`, { schemas: [SCIM.user], userName: email, active: false })).status).toBe(200);
    expect(await memberOf(parent.id, email)).toMatchObject({ status: 'suspended' });
    expect((await workspaceDir.del(`/Users/${inWorkspace.id}`)).status).toBe(204);
    expect(await memberOf(parent.id, email)).toBeUndefined();
  });
});
