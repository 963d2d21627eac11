import { addVerifiedDomain, siteDomain, startDomainsTestApp, type DomainsTestApp } from '../../support/domain-peers';
import { createDirectory, expectScimError, SCIM, type ScimClient } from '../../support/scim';

/**
 * Which tenant user a SCIM user links to (issue 18, F1): an existing account only when the email's
 * domain is verified (here for real, by DNS TXT on a loopback DNS server) by the directory's organization.
 */
const LINK = 'urn:orgbridge:params:scim:schemas:extension:link:2.0:User';
let t: DomainsTestApp;
beforeAll(async () => {
  t = await startDomainsTestApp();
});
afterAll(() => t.close());

async function setup(): Promise<{ org: { id: string }; scim: ScimClient; domain: string }> {
  const org = await t.admin.createOrg();
  const domain = siteDomain(t.peers, 'own');
  await addVerifiedDomain(t.admin, t.peers, org.id, domain);
  return { org, scim: await createDirectory(t.admin, org.id, 'okta'), domain };
}
const members = async (orgId: string) => (await t.admin.get(`/organizations/${orgId}/members`)).body.data as Array<{ user_id: string; email: string; source: string }>;
const notLinked = async (orgId: string) => (await t.admin.events(`?type=directory.user.not_linked&organization_id=${orgId}`)).map((e) => e.data);

describe('SCIM linking to tenant users', () => {
  it('an existing tenant user outside the verified domains is never linked: the SCIM user is kept unlinked, shown so, with an event', async () => {
    const { org, scim } = await setup();
    const boss = await t.admin.createUser('boss@other.example', { tenant_role: 'admin' });
    const res = await scim.post('/Users', { schemas: [SCIM.user], userName: 'boss@other.example', emails: [{ value: 'BOSS@other.example', type: 'work', primary: true }] });
    expect(res.status).toBe(201);
    expect(res.body.schemas).toContain(LINK);
    expect(res.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    expect((await scim.get(`/Users/${res.body.id}`)).body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    expect(await members(org.id)).toEqual([]);
    expect(await notLinked(org.id)).toEqual([expect.objectContaining({ user_name: 'boss@other.example', email: 'boss@other.example', reason: 'domain_not_verified' })]);
    // the victim's account is untouched
    expect((await t.admin.get(`/users/${boss.id}`)).body).toMatchObject({ tenant_role: 'admin', memberships: [] });
    // changes from the IdP still do not link it, and deleting it touches nothing of the account
    expect((await scim.patchOps(`/Users/${res.body.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200);
    expect(await members(org.id)).toEqual([]);
    expect((await scim.del(`/Users/${res.body.id}`)).status).toBe(204);
    expect((await t.admin.get(`/users/${boss.id}`)).status).toBe(200);
  });

  it("an existing tenant user of the organization's verified domain is linked; a new address gets a new tenant user", async () => {
    const { org, scim, domain } = await setup();
    const alice = await t.admin.createUser(`alice@${domain}`);
    const linked = await scim.createUser(`Alice@${domain.toUpperCase()}`);
    expect(linked[LINK]).toEqual({ linked: true, unlinkedReason: null });
    const fresh = await scim.createUser('new.person@unclaimed.example');
    expect(fresh[LINK]).toEqual({ linked: true, unlinkedReason: null });
    const list = await members(org.id);
    expect(list.find((m) => m.user_id === alice.id)).toMatchObject({ source: 'scim' });
    expect(list.map((m) => m.email).sort()).toEqual([`alice@${domain}`, 'new.person@unclaimed.example']);
  });

  it("a subdomain verified by another organization is that organization's: the parent's directory does not link its people", async () => {
    const parent = await t.admin.createOrg();
    const root = siteDomain(t.peers, 'corp');
    await addVerifiedDomain(t.admin, t.peers, parent.id, root, { include_subdomains: true });
    const subsidiary = await t.admin.createOrg();
    await addVerifiedDomain(t.admin, t.peers, subsidiary.id, `eu.${root}`);
    await t.admin.createUser(`eve@eu.${root}`);
    await t.admin.createUser(`adam@hq.${root}`);
    const scim = await createDirectory(t.admin, parent.id);
    expect((await scim.createUser(`eve@eu.${root}`))[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    expect((await scim.createUser(`adam@hq.${root}`))[LINK]).toEqual({ linked: true, unlinkedReason: null });
  });

  it('an unlinked user is linked by the first change after its domain is verified', async () => {
    const { org, scim } = await setup();
    const later = siteDomain(t.peers, 'later');
    const bob = await t.admin.createUser(`bob@${later}`);
    const u = await scim.createUser(`bob@${later}`);
    expect((u[LINK] as { linked: boolean }).linked).toBe(false);
    await addVerifiedDomain(t.admin, t.peers, org.id, later);
    const res = await scim.patchOps(`/Users/${u.id}`, [{ op: 'replace', path: 'displayName', value: 'Bob' }]);
    expect(res.status).toBe(200);
    expect(res.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    expect(await members(org.id)).toEqual([expect.objectContaining({ user_id: bob.id, source: 'scim' })]);
    expect((await t.admin.events(`?type=directory.user.linked&organization_id=${org.id}`))[0]!.data).toMatchObject({ user_id: bob.id });
  });

  it('a user without an email is accepted unlinked, and linked once the IdP sends one', async () => {
    const { org, scim, domain } = await setup();
    const res = await scim.post('/Users', { schemas: [SCIM.user], userName: 'CORP\\upn-only', active: true });
    expect(res.status).toBe(201);
    expect(res.body[LINK]).toEqual({ linked: false, unlinkedReason: 'no_email' });
    expect(await notLinked(org.id)).toEqual([expect.objectContaining({ user_name: 'CORP\\upn-only', email: null, reason: 'no_email' })]);
    expect(await members(org.id)).toEqual([]);
    const put = await scim.put(`/Users/${res.body.id}`, { schemas: [SCIM.user], userName: 'CORP\\upn-only', emails: [{ value: `  upn@${domain} `, type: 'work' }] });
    expect(put.status).toBe(200);
    expect(put.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    expect(await members(org.id)).toEqual([expect.objectContaining({ email: `upn@${domain}`, source: 'scim' })]);
  });

  it('emails are validated like the admin API and trimmed before linking; our read-only extension cannot be set', async () => {
    const { org, scim, domain } = await setup();
    const carol = await t.admin.createUser(`carol@${domain}`);
    for (const value of ['carol', 'carol@', '@x.example', 'a b@x.example', 'x@@x.example']) {
      expectScimError(await scim.post('/Users', { schemas: [SCIM.user], userName: `c-${value}`, emails: [{ value }] }), 400, 'invalidValue');
    }
    const res = await scim.post('/Users', {
      schemas: [SCIM.user, LINK],
      userName: 'carol',
      emails: [{ value: ` Carol@${domain}\t`, type: 'work' }],
      [LINK]: { linked: true, unlinkedReason: null },
    });
    expect(res.status).toBe(201);
    expect(await members(org.id)).toEqual([expect.objectContaining({ user_id: carol.id })]);
    const unlinked = await scim.post('/Users', { schemas: [SCIM.user, LINK], userName: 'not-an-email', [LINK]: { linked: true } });
    expect(unlinked.body[LINK]).toEqual({ linked: false, unlinkedReason: 'no_email' });
  });

  it('/Schemas and /ResourceTypes describe the link extension', async () => {
    const { scim } = await setup();
    expect((await scim.get(`/Schemas/${LINK}`)).body).toMatchObject({ id: LINK, attributes: [expect.objectContaining({ name: 'linked', mutability: 'readOnly' }), expect.anything()] });
    expect((await scim.get('/ResourceTypes/User')).body.schemaExtensions).toContainEqual({ schema: LINK, required: false });
  });
});
