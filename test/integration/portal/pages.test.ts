import { uniqueSlug, type AdminClient } from '../../support/api';
import { open, personIn, portalPath, signInToPortal, startPortalApp, submit, tenantAdminPerson } from '../../support/portal';
import type { TestApp } from '../../support/test-app';
import type { Browser } from '../../support/oidc';
import { linkSamlConnection } from '../../support/sso';

let app: TestApp;
let admin: AdminClient;
let tenantAdmin: Browser;
beforeAll(async () => {
  ({ app, admin } = await startPortalApp());
  tenantAdmin = (await signInToPortal(admin, (await tenantAdminPerson(admin)).email)).browser;
});
afterAll(() => app.close());

describe('portal organizations page', () => {
  it('when a tenant admin searches and creates, then the list is searched server-side and the organization exists', async () => {
    const tag = uniqueSlug('find');
    await admin.createOrg({ name: `Findable ${tag}` });
    await admin.createOrg({ name: 'Something else' });
    const list = portalPath(admin, '/organizations');
    const found = await open(tenantAdmin, `${list}?q=${tag.toUpperCase()}`);
    expect(found.html).toContain(`Findable ${tag}`);
    expect(found.html).not.toContain('Something else');

    const created = await submit(tenantAdmin, list, list, { name: 'Brand New Org', slug: '' });
    expect(created.status).toBe(303);
    const orgId = /organizations\/(org_[^/]+)\/members/.exec(created.location!)![1]!;
    expect((await admin.get(`/organizations/${orgId}`)).body).toMatchObject({ name: 'Brand New Org' });
    const events = await admin.events(`?organization_id=${orgId}&type=organization.created`);
    expect(events[0]).toMatchObject({ actor: { type: 'user' } });

    const taken = await submit(tenantAdmin, list, list, { name: 'Again', slug: (await admin.get(`/organizations/${orgId}`)).body.slug });
    expect(taken.status).toBe(409);
    const bad = await submit(tenantAdmin, list, list, { name: '' });
    expect(bad.status).toBe(400);
  });

  it('when names and texts are hostile HTML, then the list, the header and the settings show them escaped', async () => {
    const hostile = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
    const org = await admin.createOrg({ name: hostile, branding: { welcome_text: hostile } });
    for (const path of ['/organizations', `/organizations/${org.id}/settings`, `/organizations/${org.id}/roles`, `/organizations/${org.id}/events`]) {
      const page = await open(tenantAdmin, portalPath(admin, path));
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('<script>alert');
      expect(page.html).not.toContain('<img src=x');
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
  });

  it('when an organization admin posts the create form, then 403 and nothing is created', async () => {
    const org = await admin.createOrg();
    const person = await personIn(admin, org.id, 'admin');
    const { browser } = await signInToPortal(admin, person.email);
    const list = portalPath(admin, '/organizations');
    const page = await open(browser, list);
    expect(page.html).not.toContain('id="create-organization-form"');
    const name = uniqueSlug('sneaky');
    const res = await submit(browser, portalPath(admin, `/organizations/${org.id}/members`), list, { name });
    expect(res.status).toBe(403);
    expect((await admin.get(`/organizations?search=${name}`)).body.data).toHaveLength(0);
  });
});

describe('portal roles, invitations, settings and events tabs', () => {
  it('when a custom role is added with permissions, then it exists and can be assigned; a bad key is refused', async () => {
    const org = await admin.createOrg();
    const tab = portalPath(admin, `/organizations/${org.id}/roles`);
    const res = await submit(tenantAdmin, tab, `${tab}/add`, { key: 'billing', name: 'Billing', permissions: 'invoices:read, invoices:write\nreports:read', rank: '' });
    expect(res.status).toBe(303);
    const role = (await admin.get(`/organizations/${org.id}/roles`)).body.data.find((r: { key: string }) => r.key === 'billing');
    expect(role).toMatchObject({ name: 'Billing', permissions: ['invoices:read', 'invoices:write', 'reports:read'], rank: 150 });
    expect((await open(tenantAdmin, tab)).html).toContain('invoices:write');
    const bad = await submit(tenantAdmin, tab, `${tab}/add`, { key: 'Bad Key', name: 'x', permissions: '' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('value="Bad Key"');
    const dup = await submit(tenantAdmin, tab, `${tab}/add`, { key: 'billing', name: 'Again', permissions: '' });
    expect(dup.status).toBe(409);
  });

  it('when an invitation is sent, resent and revoked, then the pending list shows its expiry and the states change', async () => {
    const org = await admin.createOrg();
    const tab = portalPath(admin, `/organizations/${org.id}/invitations`);
    const email = `${uniqueSlug('inv')}@example.com`;
    const sent = await submit(tenantAdmin, tab, `${tab}/send`, { email, role: 'admin', expires_in_days: '3' });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain('/invitations/accept?token=');
    const [inv] = (await admin.get(`/organizations/${org.id}/invitations?status=pending`)).body.data;
    expect(inv).toMatchObject({ email, role: 'admin' });
    const days = (new Date(inv.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
    const pending = await open(tenantAdmin, tab);
    expect(pending.html).toContain(email);
    expect(pending.html).toContain("(3 days left)");

    const again = await submit(tenantAdmin, tab, `${tab}/send`, { email, role: 'member' });
    expect(again.status).toBe(409);

    const resent = await submit(tenantAdmin, tab, `${tab}/${inv.id}/resend`, { expires_in_days: '1' });
    expect(resent.status).toBe(200);
    expect(resent.html).toContain('The invitation was resent');
    const revoked = await submit(tenantAdmin, tab, `${tab}/${inv.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await admin.get(`/organizations/${org.id}/invitations/${inv.id}`)).body.status).toBe('revoked');
    expect((await open(tenantAdmin, tab)).html).not.toContain(email);
    expect((await open(tenantAdmin, `${tab}?status=revoked`)).html).toContain(email);
    const twice = await submit(tenantAdmin, `${tab}?status=revoked`, `${tab}/${inv.id}/resend`, {});
    expect(twice.status).toBe(409);
  });

  it('when settings are saved, then the organization overrides what it sets, inherits the rest, and the pages show its branding', async () => {
    expect((await admin.patch('/settings', { branding: { welcome_text: 'Hello from the tenant' }, auth_settings: { session_ttl_hours: 12 } })).status).toBe(200);
    const org = await admin.createOrg({ name: 'Branded' });
    const tab = portalPath(admin, `/organizations/${org.id}/settings`);
    const before = await open(tenantAdmin, tab);
    expect(before.html).toMatch(/data-field="session_ttl_hours"[\s\S]*?Effective: <strong>12<\/strong> <span class="badge">inherited from the tenant/);
    expect(before.html).toMatch(/data-field="password_min_length"[\s\S]*?Effective: <strong>8<\/strong> <span class="badge">built-in default/);
    expect(before.html).toContain('<p class="welcome">Hello from the tenant</p>');

    const saved = await submit(tenantAdmin, tab, tab, { primary_color: '#AA3300', logo_url: 'https://cdn.example.com/logo.png', welcome_text: 'Welcome <b>in</b>', password_min_length: '12', require_mfa: 'true' });
    expect(saved.status).toBe(303);
    const body = (await admin.get(`/organizations/${org.id}`)).body;
    expect(body.branding).toMatchObject({ primary_color: '#aa3300', logo_url: 'https://cdn.example.com/logo.png', welcome_text: 'Welcome <b>in</b>' });
    expect(body.auth_settings).toMatchObject({ password_min_length: 12, require_mfa: true, session_ttl_hours: null });
    const after = await open(tenantAdmin, saved.location!);
    expect(after.html).toContain('The settings were saved.');
    expect(after.html).toMatch(/data-field="password_min_length"[\s\S]*?Effective: <strong>12<\/strong> <span class="badge set">set on this organization/);
    expect(after.html).toMatch(/data-field="session_ttl_hours"[\s\S]*?inherited from the tenant/);
    expect(after.html).toContain('/assets/brand.css?c=aa3300');
    expect(after.html).toContain('<img class="logo" src="https://cdn.example.com/logo.png"');
    expect(after.html).toContain('Welcome &lt;b&gt;in&lt;/b&gt;');
    expect(after.html).toContain('id="branding-preview"');
    // every tab of the organization carries its branding
    expect((await open(tenantAdmin, portalPath(admin, `/organizations/${org.id}/members`))).html).toContain('/assets/brand.css?c=aa3300');

    const bad = await submit(tenantAdmin, tab, tab, { primary_color: 'red', password_min_length: '3' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('value="red"');
    expect((await admin.get(`/organizations/${org.id}`)).body.branding.primary_color).toBe('#aa3300');

    // emptying a field inherits again
    const cleared = await submit(tenantAdmin, tab, tab, { primary_color: '', password_min_length: '' });
    expect(cleared.status).toBe(303);
    expect((await admin.get(`/organizations/${org.id}`)).body.branding.primary_color).toBeNull();
  });

  it('when the organization has a linked SSO connection, then the default connection is chosen from a list and saved', async () => {
    const org = await admin.createOrg();
    const connectionId = await linkSamlConnection(admin, org.id, 'Corporate IdP');
    const tab = portalPath(admin, `/organizations/${org.id}/settings`);
    const page = await open(tenantAdmin, tab);
    expect(page.html).toContain(`<option value="${connectionId}">Corporate IdP (${connectionId})</option>`);
    const saved = await submit(tenantAdmin, tab, tab, { default_connection_id: connectionId });
    expect(saved.status).toBe(303);
    expect((await admin.get(`/organizations/${org.id}`)).body.auth_settings.default_connection_id).toBe(connectionId);
    const other = await submit(tenantAdmin, tab, tab, { default_connection_id: 'con_01NOTLINKED000000000000000' });
    expect(other.status).toBe(400);
  });

  it('when events are listed, then newest first, only the organization’s, filtered by type prefix', async () => {
    const org = await admin.createOrg();
    const other = await admin.createOrg();
    const user = await admin.createUser();
    await admin.addMember(org.id, user.id);
    await admin.addMember(other.id, user.id);
    await admin.patch(`/organizations/${org.id}/members/${user.id}`, { role: 'admin' });
    const tab = portalPath(admin, `/organizations/${org.id}/events`);
    const page = await open(tenantAdmin, tab);
    const seqs = [...page.html.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(page.html).not.toContain(other.id);
    const filtered = await open(tenantAdmin, `${tab}?type=membership.`);
    expect(filtered.html).toContain('membership.role_changed');
    expect(filtered.html).not.toContain('organization.created');
    expect((await open(tenantAdmin, `${tab}?type=${encodeURIComponent('<x>')}`)).status).toBe(400);
  });
});
