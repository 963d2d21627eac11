import { csrfOf } from '../../support/oidc';
import type { AdminClient } from '../../support/api';
import { publishTxt, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';
import { open, personIn, portalPath, signInToPortal, submit, tenantAdminPerson } from '../../support/portal';
import { idpMetadata, IDP_ENTITY_ID, newIdpKey } from '../../support/saml-idp';
import { ScimClient } from '../../support/scim';

let ctx: DomainsTestApp;
let admin: AdminClient;
let peers: DomainPeers;
beforeAll(async () => ({ admin, peers } = ctx = await startDomainsTestApp()));
afterAll(() => ctx.close());

const tab = (orgId: string, name: string, rest = '') => portalPath(admin, `/organizations/${orgId}/${name}${rest}`);
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");

/** An organization and one of its admins (or owners) signed in to the portal. */
async function orgAdmin(name = 'Acme', role: 'admin' | 'owner' = 'admin') {
  const org = await admin.createOrg({ name });
  const person = await personIn(admin, org.id, role, 'oadmin');
  const { browser } = await signInToPortal(admin, person.email);
  return { org, person, browser };
}

describe('Domains tab', () => {
  it('when an admin adds a domain and verifies it against the loopback DNS server, then the tab shows the three proofs, the failed check, and finally verified', async () => {
    const { org, person, browser } = await orgAdmin();
    const domain = siteDomain(peers);

    const added = await submit(browser, tab(org.id, 'domains'), tab(org.id, 'domains', '/add'), { domain: domain.toUpperCase() });
    expect(added.status).toBe(303);
    const listed = (await admin.get(`/organizations/${org.id}/domains`)).body.data;
    expect(listed).toHaveLength(1);
    const { id, verification } = listed[0];
    expect(listed[0]).toMatchObject({ domain, status: 'pending' });

    const page = await open(browser, added.location!);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`_orgbridge.${domain}`);
    expect(page.html).toContain(`orgbridge-verification=${verification.token}`);
    expect(decode(page.html)).toContain(verification.meta_tag.html);
    expect(page.html).toContain(`https://${domain}/.well-known/orgbridge-verification.txt`);
    expect(page.html).toContain('data-status="pending"');

    // nothing published yet: the check fails and says why, the domain stays pending
    const failed = await submit(browser, tab(org.id, 'domains'), tab(org.id, 'domains', `/${id}/verify`), { method: 'dns_txt' });
    expect(failed.status).toBe(200);
    expect(failed.html).toContain('data-result="pending"');
    expect(failed.html).toContain('NXDOMAIN');

    publishTxt(peers, domain, verification.token);
    const verified = await submit(browser, tab(org.id, 'domains'), tab(org.id, 'domains', `/${id}/verify`), { method: '' });
    expect(verified.status).toBe(200);
    expect(verified.html).toContain('data-result="verified"');
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data[0]).toMatchObject({ status: 'verified', method: 'dns_txt', last_checked_at: expect.any(String) });
    expect((await admin.events(`?type=domain.verified&organization_id=${org.id}`))[0]).toMatchObject({ actor: { type: 'user', id: person.id }, target: { id } });
    expect((await open(browser, tab(org.id, 'domains'))).html).toContain('data-status="verified"');
  });

  it('when the domain is a consumer mail domain, then 400 on the page and nothing is added', async () => {
    const { org, browser } = await orgAdmin();
    const res = await submit(browser, tab(org.id, 'domains'), tab(org.id, 'domains', '/add'), { domain: 'gmail.com' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('role="alert"');
    expect(res.html).toContain('value="gmail.com"');
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data).toHaveLength(0);
  });

  it('when a form comes without the session’s CSRF field, then 403 and nothing is written', async () => {
    const { org, browser } = await orgAdmin();
    const domain = siteDomain(peers);
    expect((await open(browser, tab(org.id, 'domains', '/add'), { domain })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'domains', '/add'), { domain, csrf: 'forged' })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'directories', '/create'), { name: 'Sneaky' })).status).toBe(403);
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data).toHaveLength(0);
    expect((await admin.get(`/organizations/${org.id}/directories`)).body.data).toHaveLength(0);
  });
});

describe('Directories tab', () => {
  it('when a directory is created, then its token is shown once on the answer; rotating stops the old token on SCIM and the new one works', async () => {
    const { org, browser } = await orgAdmin('Acme', 'owner');
    const created = await submit(browser, tab(org.id, 'directories'), tab(org.id, 'directories', '/create'), { name: 'Okta users', provider: 'okta' });
    expect(created.status).toBe(200);
    const token = /id="bearer-token" readonly value="([^"]+)"/.exec(created.html)![1]!;
    const [dir] = (await admin.get(`/organizations/${org.id}/directories`)).body.data;
    expect(dir).toMatchObject({ name: 'Okta users', provider: 'okta' });
    expect(created.html).toContain(`/t/${admin.tenant.slug}/scim/v2/${dir.id}`);

    // never again on a GET
    const listing = await open(browser, tab(org.id, 'directories'));
    expect(listing.html).toContain(dir.id);
    expect(listing.html).not.toContain(token);
    expect((await open(browser, tab(org.id, 'directories', `/${dir.id}/role-mappings`))).html).not.toContain(token);

    const scim = new ScimClient(admin, dir.id, token);
    expect((await scim.get('/Users')).status).toBe(200);

    const rotated = await submit(browser, tab(org.id, 'directories'), tab(org.id, 'directories', `/${dir.id}/token`), {});
    expect(rotated.status).toBe(200);
    const next = /id="bearer-token" readonly value="([^"]+)"/.exec(rotated.html)![1]!;
    expect(next).not.toBe(token);
    expect((await scim.get('/Users')).status).toBe(401);
    expect((await scim.withToken(next).get('/Users')).status).toBe(200);
    expect((await admin.events(`?type=directory.token_rotated&organization_id=${org.id}`))).toHaveLength(1);
  });

  it('when a mapping is previewed, then the page lists the role changes and nothing changes; saving applies them', async () => {
    const { org, browser } = await orgAdmin('Acme', 'owner');
    const created = await submit(browser, tab(org.id, 'directories'), tab(org.id, 'directories', '/create'), { name: 'Entra', provider: 'entra' });
    const token = /id="bearer-token" readonly value="([^"]+)"/.exec(created.html)![1]!;
    const [dir] = (await admin.get(`/organizations/${org.id}/directories`)).body.data;
    const scim = new ScimClient(admin, dir.id, token);
    const email = `eng-${dir.id.slice(-6).toLowerCase()}@example.com`;
    const alice = await scim.createUser(email);
    await scim.createGroup('Engineering', [alice.id]);
    const userId = (await admin.get(`/users?search=${encodeURIComponent(email)}`)).body.data[0].id;
    const roleOf = async () => (await admin.get(`/organizations/${org.id}/members`)).body.data.find((m: { user_id: string }) => m.user_id === userId)?.role;
    expect(await roleOf()).toBe('member');

    const editor = tab(org.id, 'directories', `/${dir.id}/role-mappings`);
    const mapping = { default_role: 'member', group_0: 'engineering', group_id_0: '', role_0: 'admin', group_1: '', group_id_1: '', role_1: '' };
    const preview = await submit(browser, editor, `${editor}/preview`, mapping);
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('data-preview="1"');
    expect(preview.html).toMatch(new RegExp(`data-change="${userId}"><td>${email}</td><td>member</td><td>admin</td>`));
    expect(preview.html).toContain('value="engineering"'); // the typed rows stay on the form
    expect(await roleOf()).toBe('member');
    expect((await admin.get(`/organizations/${org.id}/directories/${dir.id}/role-mappings`)).body).toEqual({ default_role: 'member', mappings: [] });

    // a role the organization does not have: 400, nothing saved
    const bad = await submit(browser, editor, editor, { ...mapping, role_0: 'wizard' });
    expect(bad.status).toBe(400);
    expect(await roleOf()).toBe('member');

    const saved = await submit(browser, editor, editor, mapping);
    expect(saved.status).toBe(303);
    expect(await roleOf()).toBe('admin');
    expect((await admin.get(`/organizations/${org.id}/directories/${dir.id}/role-mappings`)).body).toEqual({ default_role: 'member', mappings: [{ group: 'engineering', role: 'admin' }] });
    const reopened = await open(browser, saved.location!);
    expect(reopened.html).toContain('value="engineering"');
    // previewing the saved mapping again: nobody changes
    expect((await submit(browser, editor, `${editor}/preview`, mapping)).html).toContain('data-preview="none"');
  });
});

describe('SSO tab', () => {
  it('when a tenant admin creates a connection from IdP metadata, then it is linked and the tab shows SP entity id, ACS URL, metadata and a test sign-in that comes back here', async () => {
    const org = await admin.createOrg({ name: 'Sso Org' });
    const tadmin = await tenantAdminPerson(admin);
    const { browser } = await signInToPortal(admin, tadmin.email);
    const key = newIdpKey();
    const created = await submit(browser, tab(org.id, 'sso'), tab(org.id, 'sso', '/create'), { name: 'Okta', idp_metadata_xml: idpMetadata([key]), jit_enabled: 'true', jit_default_role: 'member' });
    expect(created.status).toBe(303);
    const [linked] = (await admin.get(`/organizations/${org.id}/connections`)).body.data;
    expect(linked).toMatchObject({ name: 'Okta', idp_entity_id: IDP_ENTITY_ID, jit: { enabled: true, default_role: 'member' } });

    const page = await open(browser, created.location!);
    expect(page.html).toContain(IDP_ENTITY_ID);
    expect(page.html).toContain(`value="${linked.sp.entity_id}"`);
    expect(page.html).toContain(`value="${linked.sp.acs_url}"`);
    expect(page.html).toContain(`href="${linked.sp.metadata_url}"`);
    expect(page.html).toContain(`expires <time datetime="${new Date(linked.idp_certificates[0].not_after).toISOString()}"`);
    const testUrl = new URL(decode(/href="([^"]+)" data-link="test-sign-in"/.exec(page.html)![1]!));
    expect(testUrl.pathname).toBe(`/t/${admin.tenant.slug}/sso/saml/${linked.id}/start`);
    expect(testUrl.searchParams.get('return_to')).toBe(tab(org.id, 'sso'));
    const started = await ctx.app.http.get(`${testUrl.pathname}${testUrl.search}`);
    expect(started.status).toBe(302);
    expect(started.headers.location).toMatch(/^https:\/\/idp\.test\/sso\?SAMLRequest=/);

    // bad metadata: 400 on the page, nothing created
    const before = (await admin.get('/connections')).body.data.length;
    const bad = await submit(browser, tab(org.id, 'sso'), tab(org.id, 'sso', '/create'), { name: 'Broken', idp_metadata_xml: '<nope/>' });
    expect(bad.status).toBe(400);
    expect((await admin.get('/connections')).body.data.length).toBe(before);
  });

  it('when an organization admin opens the SSO tab, then they see and can test their connections but cannot create one (403)', async () => {
    const { org, browser } = await orgAdmin('Sso Viewer');
    const con = await admin.post('/connections', { type: 'saml', name: 'Entra', idp_metadata_xml: idpMetadata([newIdpKey()]) });
    expect(con.status).toBe(201);
    expect((await admin.post(`/organizations/${org.id}/connections`, { connection_id: con.body.id })).status).toBe(201);
    const page = await open(browser, tab(org.id, 'sso'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-link="test-sign-in"');
    expect(page.html).toContain(con.body.sp.acs_url);
    expect(page.html).not.toContain('idp_metadata_xml');
    const before = (await admin.get('/connections')).body.data.length;
    // the tab has no form for them; the session's CSRF field (from another tab) does not help
    const csrf = csrfOf((await open(browser, tab(org.id, 'domains'))).html);
    const refused = await open(browser, tab(org.id, 'sso', '/create'), { csrf, name: 'Mine', idp_metadata_xml: idpMetadata([newIdpKey()]) });
    expect(refused.status).toBe(403);
    expect((await admin.get('/connections')).body.data.length).toBe(before);
    expect((await open(browser, tab(org.id, 'sso', `/${con.body.id}/unlink`), { csrf })).status).toBe(403);
    expect((await admin.get(`/organizations/${org.id}/connections`)).body.data).toHaveLength(1);
  });
});

describe('access', () => {
  it('when an organization admin opens or posts to another organization’s tabs, then 403 and nothing is written', async () => {
    const { org: mine, browser } = await orgAdmin('Mine');
    const theirs = await admin.createOrg({ name: 'Theirs' });
    for (const name of ['domains', 'sso', 'directories']) {
      expect((await open(browser, tab(theirs.id, name))).status).toBe(403);
    }
    const csrf = csrfOf((await open(browser, tab(mine.id, 'domains'))).html);
    expect((await open(browser, tab(theirs.id, 'domains', '/add'), { csrf, domain: siteDomain(peers) })).status).toBe(403);
    expect((await open(browser, tab(theirs.id, 'directories', '/create'), { csrf, name: 'Hijack' })).status).toBe(403);
    expect((await admin.get(`/organizations/${theirs.id}/domains`)).body.data).toHaveLength(0);
    expect((await admin.get(`/organizations/${theirs.id}/directories`)).body.data).toHaveLength(0);
  });

  it('when a directory or domain of another organization is named under one’s own organization, then 404 and nothing changes', async () => {
    const { org: mine, browser } = await orgAdmin('Own', 'owner');
    const theirs = await admin.createOrg({ name: 'Other' });
    const dir = await admin.post(`/organizations/${theirs.id}/directories`, { name: 'Theirs' });
    const token = dir.body.bearer_token as string;
    const rotated = await submit(browser, tab(mine.id, 'directories'), tab(mine.id, 'directories', `/${dir.body.id}/token`), {});
    expect(rotated.status).toBe(404);
    expect((await new ScimClient(admin, dir.body.id, token).get('/Users')).status).toBe(200);
    expect((await open(browser, tab(mine.id, 'directories', `/${dir.body.id}/role-mappings`))).status).toBe(404);
  });
});
