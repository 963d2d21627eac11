import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { Browser, csrfOf } from '../../support/oidc';
import { open, personIn, portalPath, signInToPortal, startPortalApp, submit, tenantAdminPerson } from '../../support/portal';
import { idpMetadata, newIdpKey } from '../../support/saml-idp';
import type { TestApp } from '../../support/test-app';

/**
 * An attacker's review of the portal, the account pages and the login's return_to
 * (docs/portal.md, "Security review"). Each test names what it tries.
 */
let app: TestApp;
let admin: AdminClient;
beforeAll(async () => ({ app, admin } = await startPortalApp()));
afterAll(() => app.close());

const TABS = ['members', 'roles', 'invitations', 'domains', 'sso', 'directories', 'settings', 'events'];
const tab = (orgId: string, name: string, rest = '') => portalPath(admin, `/organizations/${orgId}/${name}${rest}`);

/** An organization and one of its admins (not owner) signed in to the portal. */
async function orgAdmin(name = 'Acme') {
  const org = await admin.createOrg({ name });
  const person = await personIn(admin, org.id, 'admin', 'oadmin');
  const { browser } = await signInToPortal(admin, person.email);
  const csrf = csrfOf((await open(browser, tab(org.id, 'members'))).html);
  return { org, person, browser, csrf };
}

/** Organization B with one of everything an attacker in organization A could aim at. */
async function victimOrg() {
  const org = await admin.createOrg({ name: 'Victim' });
  const person = await personIn(admin, org.id, 'admin', 'victim');
  const role = await admin.post(`/organizations/${org.id}/roles`, { key: uniqueSlug('secret').replace(/-/g, '_'), name: 'Secret', permissions: [] });
  expect(role.status).toBe(201);
  const invitation = await admin.post(`/organizations/${org.id}/invitations`, { email: `${uniqueSlug('inv')}@example.com`, role: 'member' });
  expect(invitation.status).toBe(201);
  const domain = await admin.post(`/organizations/${org.id}/domains`, { domain: `${uniqueSlug('victim')}.test` });
  expect(domain.status).toBe(201);
  const directory = await admin.post(`/organizations/${org.id}/directories`, { name: 'Victim dir', provider: 'generic' });
  expect(directory.status).toBe(201);
  const connection = await admin.post('/connections', { type: 'saml', name: 'Victim IdP', idp_metadata_xml: idpMetadata([newIdpKey()]) });
  expect(connection.status).toBe(201);
  expect((await admin.post(`/organizations/${org.id}/connections`, { connection_id: connection.body.id })).status).toBe(201);
  return {
    org,
    person,
    roleKey: role.body.key as string,
    invitationId: (invitation.body.invitation?.id ?? invitation.body.id) as string,
    domainId: domain.body.id as string,
    directoryId: directory.body.id as string,
    connectionId: connection.body.id as string,
  };
}

const stateOf = async (orgId: string) => ({
  members: (await admin.get(`/organizations/${orgId}/members?limit=200`)).body.data.map((m: { user_id: string; roles: string[] }) => [m.user_id, m.roles]),
  roles: (await admin.get(`/organizations/${orgId}/roles`)).body.data.map((r: { key: string }) => r.key).sort(),
  invitations: (await admin.get(`/organizations/${orgId}/invitations?status=pending`)).body.data.map((i: { id: string; expires_at: string }) => [i.id, i.expires_at]),
  domains: (await admin.get(`/organizations/${orgId}/domains`)).body.data.map((d: { id: string; status: string }) => [d.id, d.status]),
  directories: (await admin.get(`/organizations/${orgId}/directories`)).body.data.map((d: { id: string; role_mapping: unknown }) => [d.id, d.role_mapping]),
  connections: (await admin.get(`/organizations/${orgId}/connections`)).body.data.map((c: { id: string }) => c.id),
  org: (await admin.get(`/organizations/${orgId}`)).body,
});

describe('access control across organizations', () => {
  it('when an admin of A opens or posts to any tab of B, then 403 on every route and B is unchanged', async () => {
    const b = await victimOrg();
    const { browser, csrf } = await orgAdmin('Attacker');
    const before = await stateOf(b.org.id);
    for (const t of TABS) expect((await open(browser, tab(b.org.id, t))).status).toBe(403);
    expect((await open(browser, tab(b.org.id, 'directories', `/${b.directoryId}/role-mappings`))).status).toBe(403);
    const posts: Array<[string, Record<string, string>]> = [
      [tab(b.org.id, 'members', '/add'), { email: 'x@example.com', role: 'member' }],
      [tab(b.org.id, 'members', `/${b.person.id}/roles`), { roles: 'member' }],
      [tab(b.org.id, 'members', `/${b.person.id}/remove`), {}],
      [tab(b.org.id, 'roles', '/add'), { key: 'evil', name: 'Evil' }],
      [tab(b.org.id, 'roles', `/${b.roleKey}/delete`), {}],
      [tab(b.org.id, 'invitations', '/send'), { email: 'y@example.com', role: 'member' }],
      [tab(b.org.id, 'invitations', `/${b.invitationId}/resend`), {}],
      [tab(b.org.id, 'invitations', `/${b.invitationId}/revoke`), {}],
      [tab(b.org.id, 'domains', '/add'), { domain: 'evil.example.org' }],
      [tab(b.org.id, 'domains', `/${b.domainId}/verify`), {}],
      [tab(b.org.id, 'domains', `/${b.domainId}/remove`), {}],
      [tab(b.org.id, 'sso', `/${b.connectionId}/unlink`), {}],
      [tab(b.org.id, 'directories', '/create'), { name: 'Evil', provider: 'generic' }],
      [tab(b.org.id, 'directories', `/${b.directoryId}/token`), {}],
      [tab(b.org.id, 'directories', `/${b.directoryId}/remove`), {}],
      [tab(b.org.id, 'directories', `/${b.directoryId}/role-mappings`), { default_role: 'admin' }],
      [tab(b.org.id, 'settings'), { welcome_text: 'pwned' }],
    ];
    for (const [path, form] of posts) {
      const res = await open(browser, path, { csrf, ...form });
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.html).not.toContain('Victim');
    }
    expect(await stateOf(b.org.id)).toEqual(before);
  });

  it('when an admin of A posts the ids of B to A’s own tabs, then 404 (or a refusal) and B is unchanged', async () => {
    const b = await victimOrg();
    const { org, browser, csrf } = await orgAdmin('Attacker');
    const before = await stateOf(b.org.id);
    const posts: Array<[string, Record<string, string>, number[]]> = [
      [tab(org.id, 'members', `/${b.person.id}/roles`), { roles: 'member' }, [404]],
      [tab(org.id, 'members', `/${b.person.id}/remove`), {}, [404]],
      [tab(org.id, 'roles', `/${b.roleKey}/delete`), {}, [404]],
      [tab(org.id, 'invitations', `/${b.invitationId}/resend`), {}, [404]],
      [tab(org.id, 'invitations', `/${b.invitationId}/revoke`), {}, [404]],
      [tab(org.id, 'domains', `/${b.domainId}/verify`), {}, [404]],
      [tab(org.id, 'domains', `/${b.domainId}/remove`), {}, [404]],
      [tab(org.id, 'directories', `/${b.directoryId}/token`), {}, [403, 404]],
      [tab(org.id, 'directories', `/${b.directoryId}/remove`), {}, [403, 404]],
      [tab(org.id, 'directories', `/${b.directoryId}/role-mappings`), { default_role: 'member' }, [403, 404]],
      [tab(org.id, 'directories', `/${b.directoryId}/role-mappings/preview`), { default_role: 'member' }, [404]],
      [tab(org.id, 'sso', `/${b.connectionId}/unlink`), {}, [403]],
      [tab(org.id, 'sso', '/link'), { connection_id: b.connectionId }, [403]],
      [tab(org.id, 'settings'), { default_connection_id: b.connectionId }, [400, 404, 409]],
    ];
    for (const [path, form, statuses] of posts) {
      const res = await open(browser, path, { csrf, ...form });
      expect([path, statuses.includes(res.status)]).toEqual([path, true]);
    }
    expect((await open(browser, tab(org.id, 'directories', `/${b.directoryId}/role-mappings`))).status).toBe(404);
    expect(await stateOf(b.org.id)).toEqual(before);
    expect((await admin.get(`/organizations/${org.id}`)).body.auth_settings?.default_connection_id ?? null).toBeNull();
  });
});

describe('who may use the portal', () => {
  it('when a plain member signs in, then every portal page answers 403', async () => {
    const org = await admin.createOrg({ name: 'Plain' });
    const person = await personIn(admin, org.id, 'member', 'plain');
    const { browser } = await signInToPortal(admin, person.email);
    expect((await open(browser, portalPath(admin, '/organizations'))).status).toBe(403);
    for (const t of TABS) expect((await open(browser, tab(org.id, t))).status).toBe(403);
  });

  it('when an admin is removed or blocked, then the next request is refused (the session is re-read)', async () => {
    const { org, person, browser, csrf } = await orgAdmin('Fired');
    expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { role: 'member' })).status).toBe(200);
    expect((await open(browser, tab(org.id, 'members'))).status).toBe(403);
    expect((await open(browser, tab(org.id, 'settings'), { csrf, welcome_text: 'still here' })).status).toBe(403);
    expect((await admin.patch(`/organizations/${org.id}/members/${person.id}`, { role: 'admin' })).status).toBe(200);
    expect((await open(browser, tab(org.id, 'members'))).status).toBe(200);
    expect((await admin.patch(`/users/${person.id}`, { blocked: true })).status).toBe(200);
    const blocked = await open(browser, tab(org.id, 'members'));
    expect(blocked.status).toBe(303);
    expect(blocked.location).toMatch(/\/login\?return_to=/);
    expect((await admin.get(`/organizations/${org.id}`)).body.branding?.welcome_text ?? null).toBeNull();
  });
});

describe('privilege escalation by an organization admin', () => {
  it('when an admin (not owner) maps directory groups or the default role to owner, then 403 and the mapping is unchanged', async () => {
    const { org, browser, csrf } = await orgAdmin('Escalate');
    const dir = await admin.post(`/organizations/${org.id}/directories`, { name: 'Mine', provider: 'generic' });
    expect(dir.status).toBe(201);
    const path = tab(org.id, 'directories', `/${dir.body.id}/role-mappings`);
    const before = (await admin.get(`/organizations/${org.id}/directories/${dir.body.id}`)).body.role_mapping;
    for (const form of [{ default_role: 'owner' }, { default_role: 'member', group_0: 'Admins', role_0: 'owner' }] as Array<Record<string, string>>) {
      const saved = await open(browser, path, { csrf, ...form });
      expect(saved.status).toBe(403);
      expect(saved.html).toContain('role="alert"');
    }
    expect((await admin.get(`/organizations/${org.id}/directories/${dir.body.id}`)).body.role_mapping).toEqual(before);
  });

  it('when an admin (not owner) tries to get a directory token (create, rotate) or remove a directory, then 403: a token takes over any membership, owners’ included', async () => {
    const { org, browser, csrf } = await orgAdmin('Takeover');
    const owners = [await personIn(admin, org.id, 'owner', 'own1'), await personIn(admin, org.id, 'owner', 'own2')];
    const existing = await admin.post(`/organizations/${org.id}/directories`, { name: 'Existing', provider: 'generic' });
    expect(existing.status).toBe(201);
    const before = await stateOf(org.id);

    const created = await open(browser, tab(org.id, 'directories', '/create'), { csrf, name: 'Mine', provider: 'generic' });
    expect(created.status).toBe(403);
    expect(created.html).not.toContain('id="bearer-token"');
    const rotated = await open(browser, tab(org.id, 'directories', `/${existing.body.id}/token`), { csrf });
    expect(rotated.status).toBe(403);
    expect(rotated.html).not.toContain('id="bearer-token"');
    expect((await open(browser, tab(org.id, 'directories', `/${existing.body.id}/remove`), { csrf })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'directories', `/${existing.body.id}/role-mappings`), { csrf, default_role: 'member' })).status).toBe(403);
    expect(await stateOf(org.id)).toEqual(before);
    // (with the token, once the organization has verified the owners' mail domain, a SCIM user with
    // an owner's email takes over that membership with the mapped role, active or not: docs/scim.md)
    expect(owners.map((o) => before.members.find(([id]: [string]) => id === o.id)?.[1])).toEqual([['owner'], ['owner']]);
    // the tab still shows the directories, and previewing (which writes nothing) stays open
    expect((await open(browser, tab(org.id, 'directories'))).html).toContain(existing.body.id);
    expect((await open(browser, tab(org.id, 'directories', `/${existing.body.id}/role-mappings/preview`), { csrf, default_role: 'member' })).status).toBe(200);
  });

  it('when an owner maps a group to owner, then it is saved', async () => {
    const org = await admin.createOrg({ name: 'Owner maps' });
    const owner = await personIn(admin, org.id, 'owner', 'owner');
    const { browser } = await signInToPortal(admin, owner.email);
    const dir = await admin.post(`/organizations/${org.id}/directories`, { name: 'Theirs', provider: 'generic' });
    const path = tab(org.id, 'directories', `/${dir.body.id}/role-mappings`);
    expect((await submit(browser, path, path, { default_role: 'member', group_0: 'Owners', role_0: 'owner' })).status).toBe(303);
  });

  it('when an admin (not owner) resends an owner invitation, then 403 and its link and expiry stay', async () => {
    const { org, browser, csrf } = await orgAdmin('Resend');
    const sent = await admin.post(`/organizations/${org.id}/invitations`, { email: `${uniqueSlug('boss')}@example.com`, role: 'owner' });
    expect(sent.status).toBe(201);
    const id = (sent.body.invitation?.id ?? sent.body.id) as string;
    const before = await stateOf(org.id);
    const res = await open(browser, tab(org.id, 'invitations', `/${id}/resend`), { csrf });
    expect(res.status).toBe(403);
    expect(res.html).not.toContain('/invitations/accept?token=');
    expect((await stateOf(org.id)).invitations).toEqual(before.invitations);
  });

  it('when an admin (not owner) changes or removes a blocked owner, then 403 (the owner rule reads the membership, not the owner’s sign-in state)', async () => {
    const { org, browser, csrf } = await orgAdmin('Blocked owner');
    const owners = [await personIn(admin, org.id, 'owner', 'own1'), await personIn(admin, org.id, 'owner', 'own2')];
    expect((await admin.patch(`/users/${owners[0]!.id}`, { blocked: true })).status).toBe(200);
    expect((await open(browser, tab(org.id, 'members', `/${owners[0]!.id}/roles`), { csrf, roles: 'member' })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'members', `/${owners[0]!.id}/remove`), { csrf })).status).toBe(403);
    const held = (await admin.get(`/organizations/${org.id}/members?limit=200`)).body.data.find((m: { user_id: string }) => m.user_id === owners[0]!.id);
    expect(held.roles).toEqual(['owner']);
  });

  it('when an admin tries to make themselves owner (role change, add, invitation), then 403', async () => {
    const { org, person, browser, csrf } = await orgAdmin('Self');
    expect((await open(browser, tab(org.id, 'members', `/${person.id}/roles`), { csrf, roles: 'owner' })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'members', `/${person.id}/roles`), { csrf, role: 'owner' })).status).toBe(403);
    expect((await open(browser, tab(org.id, 'invitations', '/send'), { csrf, email: person.email, role: 'owner' })).status).toBe(403);
    const me = (await admin.get(`/organizations/${org.id}/members?limit=200`)).body.data.find((m: { user_id: string }) => m.user_id === person.id);
    expect(me.roles).toEqual(['admin']);
  });
});

describe('CSRF', () => {
  it('when any POST of the portal comes without the session’s field or with another session’s, then 403 and nothing is written', async () => {
    const { org, browser } = await orgAdmin('Csrf');
    const other = await orgAdmin('Other session');
    const dir = await admin.post(`/organizations/${org.id}/directories`, { name: 'D', provider: 'generic' });
    const before = await stateOf(org.id);
    const routes = [
      tab(org.id, 'members', '/add'),
      tab(org.id, 'members', `/${other.person.id}/roles`),
      tab(org.id, 'roles', '/add'),
      tab(org.id, 'invitations', '/send'),
      tab(org.id, 'domains', '/add'),
      tab(org.id, 'directories', '/create'),
      tab(org.id, 'directories', `/${dir.body.id}/token`),
      tab(org.id, 'directories', `/${dir.body.id}/role-mappings`),
      tab(org.id, 'settings'),
      portalPath(admin, '/organizations'),
    ];
    for (const path of routes) {
      expect([path, (await open(browser, path, { email: 'z@example.com', key: 'k', name: 'n', domain: 'csrf.example.org', welcome_text: 'x' })).status]).toEqual([path, 403]);
      expect([path, (await open(browser, path, { csrf: other.csrf, name: 'n', welcome_text: 'x' })).status]).toEqual([path, 403]);
    }
    expect(await stateOf(org.id)).toEqual(before);
  });
});

describe('headers on every page', () => {
  it('when any GET page of the portal or the account is opened, then it has the CSP with frame-ancestors none, X-Frame-Options DENY and no-store', async () => {
    const org = await admin.createOrg({ name: 'Headers' });
    const tadmin = await tenantAdminPerson(admin);
    expect((await admin.post(`/organizations/${org.id}/members`, { user_id: tadmin.id, role: 'owner' })).status).toBe(201);
    const { browser } = await signInToPortal(admin, tadmin.email);
    const dir = await admin.post(`/organizations/${org.id}/directories`, { name: 'D', provider: 'generic' });
    const pages = [
      portalPath(admin, '/organizations'),
      portalPath(admin, '/no-such-page'),
      portalPath(admin, '/organizations/no-such-org/members'),
      ...TABS.map((t) => tab(org.id, t)),
      tab(org.id, 'directories', `/${dir.body.id}/role-mappings`),
      `/t/${admin.tenant.slug}/account/organizations`,
      `/t/${admin.tenant.slug}/account/security`,
      `/t/${admin.tenant.slug}/account/security/mfa`,
      `/t/${admin.tenant.slug}/login`,
    ];
    for (const path of pages) {
      const page = await open(browser, path);
      expect([path, page.status < 500]).toEqual([path, true]);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect([path, csp]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
      expect(csp).not.toContain('unsafe-inline');
      expect([path, page.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
      if (path.includes('/portal')) expect([path, page.headers.get('cache-control')]).toEqual([path, expect.stringContaining('no-store')]);
    }
    // and signed out
    const anonymous = new Browser(app.url);
    for (const path of [portalPath(admin, '/organizations'), `/t/${admin.tenant.slug}/account/organizations`]) {
      const res = await anonymous.request(path);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('escaping', () => {
  it('when names, emails, role keys and event data are hostile, then the pages show them as text', async () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const org = await admin.createOrg({ name: `Org ${hostile}` });
    const owner = await personIn(admin, org.id, 'owner', 'owner');
    const user = await admin.createUser(`${uniqueSlug('h')}@example.com`, { name: `Name ${hostile}` });
    expect((await admin.post(`/organizations/${org.id}/members`, { user_id: user.id, role: 'member' })).status).toBe(201);
    expect((await admin.post(`/organizations/${org.id}/roles`, { key: 'x_role', name: `Role ${hostile}`, description: hostile, permissions: ['a:b'] })).status).toBe(201);
    expect((await admin.post(`/organizations/${org.id}/directories`, { name: `Dir ${hostile}`, provider: 'generic' })).status).toBe(201);
    expect((await admin.patch(`/organizations/${org.id}`, { branding: { welcome_text: hostile } })).status).toBe(200);
    const { browser } = await signInToPortal(admin, owner.email);
    for (const t of TABS) {
      const page = await open(browser, tab(org.id, t));
      expect([t, page.status]).toEqual([t, 200]);
      expect([t, page.html.includes('<script>alert')]).toEqual([t, false]);
      expect([t, page.html.includes('<img src=x')]).toEqual([t, false]);
    }
    const orgs = await open(browser, `/t/${admin.tenant.slug}/account/organizations`);
    expect(orgs.html).not.toContain('<script>alert');
  });

  it('when the logo URL is javascript: or the colour carries CSS, then the settings are refused and nothing renders them', async () => {
    const { org, browser, csrf } = await orgAdmin('Brand');
    for (const form of [{ logo_url: 'javascript:alert(1)' }, { primary_color: 'red;background:url(https://evil.example/x)' }, { logo_url: 'http://insecure.example/logo.png' }] as Array<Record<string, string>>) {
      const res = await open(browser, tab(org.id, 'settings'), { csrf, ...form });
      expect(res.status).toBe(400);
      expect(res.html).not.toContain('src="javascript:');
    }
    const saved = (await admin.get(`/organizations/${org.id}`)).body.branding ?? {};
    expect(saved.logo_url ?? null).toBeNull();
    expect(saved.primary_color ?? null).toBeNull();
  });

  it('when the account page gets ?notice= naming an inherited property, then no text from it is shown', async () => {
    const { browser } = await orgAdmin('Notice');
    for (const notice of ['constructor', '__proto__', 'toString']) {
      const res = await open(browser, `/t/${admin.tenant.slug}/account/organizations?notice=${notice}`);
      expect(res.status).toBe(200);
      expect(res.html).not.toContain('[native code]');
      expect(res.html).not.toContain('[object Object]');
    }
  });
});

describe('secrets', () => {
  it('when the directories tab and editor are opened, then no bearer token is in them', async () => {
    const org = await admin.createOrg({ name: 'Tokens' });
    const owner = await personIn(admin, org.id, 'owner', 'owner');
    const { browser } = await signInToPortal(admin, owner.email);
    const created = await submit(browser, tab(org.id, 'directories'), tab(org.id, 'directories', '/create'), { name: 'Okta', provider: 'okta' });
    expect(created.status).toBe(200);
    const token = /id="bearer-token" readonly value="([^"]+)"/.exec(created.html)?.[1];
    expect(token).toBeTruthy();
    const [dir] = (await admin.get(`/organizations/${org.id}/directories`)).body.data;
    for (const path of [tab(org.id, 'directories'), tab(org.id, 'directories', `/${dir.id}/role-mappings`)]) {
      expect((await open(browser, path)).html).not.toContain(token!);
    }
    expect(created.headers.get('cache-control')).toContain('no-store');
  });

  it('when the invitations tab is opened, then no invitation link is in it', async () => {
    const { org, browser } = await orgAdmin('Links');
    const sent = await submit(browser, tab(org.id, 'invitations'), tab(org.id, 'invitations', '/send'), { email: `${uniqueSlug('i')}@example.com`, role: 'member', expires_in_days: '7' });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain('/invitations/accept?token=');
    expect((await open(browser, tab(org.id, 'invitations'))).html).not.toContain('accept?token=');
  });
});

describe('body limits', () => {
  it('when a tenant admin posts IdP metadata of ~200 KiB, then the SSO form takes it; other portal forms keep 64 KiB', async () => {
    const org = await admin.createOrg({ name: 'Adfs' });
    const tadmin = await tenantAdminPerson(admin);
    const { browser } = await signInToPortal(admin, tadmin.email);
    const padding = `<!--${'adfs '.repeat(40_000)}-->`;
    const xml = idpMetadata([newIdpKey()]).replace('<md:IDPSSODescriptor', `${padding}<md:IDPSSODescriptor`);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(190_000);
    expect(Buffer.byteLength(xml)).toBeLessThan(256 * 1024);
    const created = await submit(browser, tab(org.id, 'sso'), tab(org.id, 'sso', '/create'), { name: 'ADFS', idp_metadata_xml: xml });
    expect(created.status).toBe(303);
    expect((await admin.get(`/organizations/${org.id}/connections`)).body.data.map((c: { name: string }) => c.name)).toEqual(['ADFS']);

    const big = await submit(browser, tab(org.id, 'settings'), tab(org.id, 'settings'), { welcome_text: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
  });
});

describe('return_to on the hosted login', () => {
  it('when return_to leaves the tenant, the origin, or hides in encodings and dot segments, then it is ignored', async () => {
    const other = await createTenant(app);
    const slug = admin.tenant.slug;
    const bad = [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      `/t/${other.tenant.slug}/portal`,
      `/t/${slug}/../${other.tenant.slug}/portal`,
      `/t/${slug}/%2e%2e/${other.tenant.slug}/portal`,
      `/t/${slug}/.%2E/.%2e/evil`,
      `/t/${slug}/portal\r\nSet-Cookie: x=1`,
      '%2F%2Fevil.example',
      'javascript:alert(1)',
    ];
    for (const value of bad) {
      const res = await app.http.get(`/t/${slug}/login`).query({ return_to: value });
      expect(res.status).toBe(200);
      expect([value, /name="return_to"/.test(res.text)]).toEqual([value, false]);
    }
    const good = await app.http.get(`/t/${slug}/login`).query({ return_to: `/t/${slug}/portal/organizations?q=a%2Fb` });
    expect(good.text).toContain('name="return_to"');
  });
});
