import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { axeCheck, checkPage, describeInBrowser, launchBrowser, newContext } from '../../support/browser';
import { SITE_ADDRESS, startDomainPeers, type DomainPeers } from '../../support/domain-peers';
import { idpMetadata, newIdpKey } from '../../support/saml-idp';
import { GOOD_PASSWORD } from '../../support/invitations';
import { member, startOidcApp } from '../../support/oidc';
import type { TestApp } from '../../support/test-app';

jest.setTimeout(90_000);

/**
 * The admin portal in Chromium, as a tenant administrator and as an organization's admin: every
 * page and tab checked with axe and, with UPDATE_SCREENSHOTS=1, photographed into docs/screenshots/.
 */
describeInBrowser('admin portal in a browser', () => {
  let app: TestApp;
  let peers: DomainPeers;
  let admin: AdminClient;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    peers = await startDomainPeers();
    [app, browser] = await Promise.all([startOidcApp({ env: peers.env }), launchBrowser()]);
    admin = await createTenant(app, uniqueSlug('acme'), 'Acme Cloud');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await peers?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  const portal = (rest = '') => `/t/${admin.tenant.slug}/portal${rest}`;

  /** A fresh browser context (one person) with a page in it. */
  async function newPerson(): Promise<Page> {
    const context = await newContext(browser, app.url);
    contexts.push(context);
    return context.newPage();
  }

  /** Opens `path` signed out: the portal sends the browser to the hosted login and back. */
  async function signInTo(page: Page, path: string, email: string): Promise<void> {
    await page.goto(path);
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith(portal()));
  }

  /** A person with a password and `tenant_role: admin`. */
  async function tenantAdmin(email: string): Promise<{ id: string; email: string }> {
    const home = await admin.createOrg({ name: 'Acme HQ', slug: uniqueSlug('hq') });
    const person = await member(admin, home.id, email);
    expect((await admin.patch(`/users/${person.id}`, { tenant_role: 'admin' })).status).toBe(200);
    return person;
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  it('when a tenant administrator creates an organization, adds a member, changes a role, adds a role, invites and the invitee accepts, then every tab shows it', async () => {
    const person = await tenantAdmin('root-admin@acme.example');
    const page = await newPerson();
    await signInTo(page, portal(), person.email);
    expect(new URL(page.url()).pathname).toBe(portal('/organizations'));

    // Organizations: create one from the list page
    await page.getByLabel('Name', { exact: true }).fill('Globex');
    await page.getByRole('textbox', { name: /^Slug/ }).fill('globex');
    await page.getByRole('button', { name: 'Create organization' }).click();
    const org = (await admin.get('/organizations/globex')).body as { id: string; name: string };
    expect(org.name).toBe('Globex');
    expect(new URL(page.url()).pathname).toBe(portal(`/organizations/${org.id}/members`));
    await page.getByRole('link', { name: 'Organizations' }).click();
    expect(await page.locator('#organizations-table').textContent()).toContain('Globex');
    await checkPage(page, 'portal-organizations');
    await page.getByRole('link', { name: 'Globex' }).click();

    // Members: find a tenant user, add them, then change their role
    const dana = await admin.createUser('dana@globex.example', { name: 'Dana Scully' });
    await page.getByLabel('Find a user of the tenant by email or name').fill('dana');
    await page.getByRole('button', { name: 'Find users' }).click();
    await page.getByRole('button', { name: 'Add dana@globex.example' }).click();
    expect(await page.getByRole('status').textContent()).toBe('The member was added.');
    const row = page.locator(`tr[data-user-id="${dana.id}"]`);
    await row.getByText('Change roles').click();
    await row.getByLabel('Admin', { exact: true }).check();
    await row.getByLabel('Member', { exact: true }).uncheck();
    await checkPage(page, 'portal-members');
    await row.getByRole('button', { name: 'Save roles' }).click();
    expect(await page.getByRole('status').textContent()).toBe('The roles were changed.');
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members).toEqual([expect.objectContaining({ user_id: dana.id, role: 'admin', source: 'manual' })]);

    // Roles: a custom role with permissions
    await page.getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByLabel('Key').fill('billing');
    await page.getByLabel('Name', { exact: true }).fill('Billing');
    await page.getByLabel('Permissions').fill('invoices:read invoices:pay');
    await page.getByRole('button', { name: 'Add role' }).click();
    expect(await page.getByRole('status').textContent()).toBe('The role was created.');
    await checkPage(page, 'portal-roles');
    const roles = (await admin.get(`/organizations/${org.id}/roles`)).body.data as Array<{ key: string; permissions: string[] }>;
    expect(roles.find((r) => r.key === 'billing')?.permissions).toEqual(['invoices:read', 'invoices:pay']);

    // Invitations: invite with the new role; the link is shown once and mailed (the outbox)
    await page.getByRole('link', { name: 'Invitations', exact: true }).click();
    const invitee = 'erlich@globex.example';
    await page.getByLabel('Email', { exact: true }).fill(invitee);
    await page.getByLabel('Role', { exact: true }).selectOption('billing');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const shownLink = (await page.locator('#invite-link code').textContent())!;
    await checkPage(page, 'portal-invitations');
    const outbox = (await admin.get('/outbox?limit=200')).body.data as Array<{ to: string; text: string }>;
    const mailed = /(http\S+\/invitations\/accept\?token=\S+)/.exec(outbox.find((m) => m.to === invitee)!.text)![1]!;
    expect(mailed).toBe(shownLink);
    await page.reload();
    expect(await page.content()).not.toContain(shownLink); // shown once

    // the invitee, in a browser of their own, accepts by registering
    const inviteePage = await newPerson();
    await inviteePage.goto(mailed);
    expect(await heading(inviteePage)).toBe('Join Globex');
    await inviteePage.getByLabel('Your name').fill('Erlich Bachman');
    await inviteePage.getByLabel('Choose a password').fill(GOOD_PASSWORD);
    await inviteePage.getByRole('button', { name: 'Accept invitation' }).click();
    expect(await heading(inviteePage)).toBe('Welcome to Globex');

    await page.getByRole('link', { name: 'Members', exact: true }).click();
    expect(await page.locator('#members-table').textContent()).toContain(invitee);
    const joined = (await admin.get(`/organizations/${org.id}/members`)).body.data as Array<{ email: string; role: string; source: string }>;
    expect(joined.find((m) => m.email === invitee)).toMatchObject({ role: 'billing', source: 'invitation' });

    // Settings: branding of the organization, with what is inherited
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Primary colour (#rrggbb)').fill('#0b6e4f');
    await page.getByLabel('Welcome text').fill('Welcome to Globex.');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.getByRole('status').textContent()).toBe('The settings were saved.');
    await checkPage(page, 'portal-settings');
    expect((await admin.get(`/organizations/${org.id}`)).body.branding).toMatchObject({ primary_color: '#0b6e4f', welcome_text: 'Welcome to Globex.' });

    // Events: what was done, newest first
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    const events = (await page.locator('main').textContent())!;
    for (const type of ['invitation.accepted', 'membership.role_changed', 'organization.created']) expect(events).toContain(type);
    await checkPage(page, 'portal-events');
  });

  it('when a tenant administrator verifies a domain, connects SSO and rotates a directory token, then each works for real', async () => {
    const person = await tenantAdmin('ops-admin@acme.example');
    const org = await admin.createOrg({ name: 'Hooli', slug: 'hooli' });
    const page = await newPerson();
    await signInTo(page, portal(`/organizations/${org.id}/domains`), person.email);

    // Domains: add, see it fail while nothing is published, publish the TXT record on the loopback DNS server, verify
    const domain = 'hooli.test';
    peers.dns.set(domain, { A: [SITE_ADDRESS] });
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    expect(await page.getByRole('status').first().textContent()).toContain('The domain was added.');
    const row = page.locator('tr[data-domain]');
    await row.getByRole('button', { name: 'Verify now' }).click();
    expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('pending');
    await checkPage(page, 'portal-domains-pending');
    const txtValue = await page.locator('code[data-copy="dns-value"]').textContent();
    expect(await page.locator('code[data-copy="dns-name"]').textContent()).toBe(`_orgbridge.${domain}`);
    peers.dns.set(`_orgbridge.${domain}`, { TXT: [[txtValue!]] });
    await row.getByLabel('Method').selectOption('dns_txt');
    await row.getByRole('button', { name: 'Verify now' }).click();
    expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('verified');
    expect(await page.locator('tr[data-domain] [data-status]').textContent()).toBe('verified');
    await checkPage(page, 'portal-domains');
    const domains = (await admin.get(`/organizations/${org.id}/domains`)).body.data;
    expect(domains).toEqual([expect.objectContaining({ domain, status: 'verified' })]);
    expect(peers.dns.count(`_orgbridge.${domain}`, 'TXT')).toBeGreaterThanOrEqual(2);

    // SSO: a SAML connection from the IdP's metadata, created and linked from the tab
    await page.getByRole('link', { name: 'SSO', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Hooli Okta');
    await page.getByLabel('IdP metadata XML').fill(idpMetadata([newIdpKey('hooli-idp')]));
    await page.getByRole('button', { name: 'Create and link' }).click();
    expect(await page.locator('section.connection h2').textContent()).toContain('Hooli Okta');
    await checkPage(page, 'portal-sso');
    const route = await app.http.get(`/t/${admin.tenant.slug}/login/route?email=${encodeURIComponent(`gavin@${domain}`)}`);
    expect(route.body).toMatchObject({ sso: true, organization: { id: org.id }, connection: { name: 'Hooli Okta' } });

    // Directories: create (the token is shown once), rotate, and the shown tokens against SCIM
    await page.getByRole('link', { name: 'Directories', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Hooli Okta users');
    await page.getByLabel('Provider').selectOption('okta');
    await page.getByRole('button', { name: 'Create directory' }).click();
    const scimBase = await page.locator('#scim-base-url').inputValue();
    const firstToken = await page.locator('#bearer-token').inputValue();
    await checkPage(page, 'portal-directory-created');
    const scimUsers = (token: string) => fetch(`${scimBase}/Users?count=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(scimBase.startsWith(`${app.url}/t/${admin.tenant.slug}/scim/v2/dir_`)).toBe(true);
    expect(await scimUsers(firstToken)).toBe(200);

    await page.getByRole('link', { name: 'Directories', exact: true }).click();
    expect(await page.content()).not.toContain(firstToken);
    await checkPage(page, 'portal-directories');
    await page.getByRole('button', { name: 'Rotate the token of Hooli Okta users' }).click();
    const rotated = await page.locator('#bearer-token').inputValue();
    expect(rotated).not.toBe(firstToken);
    await checkPage(page, 'portal-directory-token');
    expect(await scimUsers(rotated)).toBe(200);
    expect(await scimUsers(firstToken)).toBe(401);

    await page.getByRole('link', { name: 'Directories', exact: true }).click();
    await page.getByRole('link', { name: 'Edit group → role mapping' }).click();
    await page.getByLabel('Group display name, row 1').fill('Hooli Admins');
    await page.getByLabel('Role, row 1').selectOption('admin');
    await page.getByRole('button', { name: 'Preview the changes' }).click();
    expect(await page.locator('[data-preview]').count()).toBe(1);
    await checkPage(page, 'portal-directory-role-mapping');
  });

  it('when an organization admin opens another organization, then the portal answers 403 and shows nothing of it', async () => {
    const mine = await admin.createOrg({ name: 'Initech', slug: 'initech' });
    const other = await admin.createOrg({ name: 'Umbrella Secret Labs', slug: uniqueSlug('umbrella') });
    const person = await member(admin, mine.id, 'org-admin@initech.example');
    expect((await admin.patch(`/organizations/${mine.id}/members/${person.id}`, { role: 'admin' })).status).toBe(200);

    const page = await newPerson();
    await signInTo(page, portal(), person.email);
    // one organization administered: the portal opens it directly
    expect(new URL(page.url()).pathname).toBe(portal(`/organizations/${mine.id}/members`));
    await axeCheck(page, 'portal-members-as-org-admin');
    await page.getByRole('link', { name: 'SSO', exact: true }).click();
    await axeCheck(page, 'portal-sso-as-org-admin');

    const refused = await page.goto(portal(`/organizations/${other.id}/members`));
    expect(refused!.status()).toBe(403);
    expect(await heading(page)).toBe('Not allowed');
    expect(await page.content()).not.toContain('Umbrella Secret Labs');
    await checkPage(page, 'portal-forbidden');
    for (const tab of ['settings', 'directories', 'events']) {
      expect((await page.goto(portal(`/organizations/${other.id}/${tab}`)))!.status()).toBe(403);
      expect(await page.content()).not.toContain('Umbrella Secret Labs');
    }
    // nor does the organization list name it
    await page.goto(portal('/organizations'));
    expect(await page.content()).not.toContain('Umbrella Secret Labs');
  });

  it('when an organization brands the portal with a light colour, then its links and buttons stay readable', async () => {
    const org = await admin.createOrg({ name: 'Sunny Ltd', slug: 'sunny', branding: { primary_color: '#ffd400' } });
    const owner = await member(admin, org.id, 'owner@sunny.example');
    expect((await admin.patch(`/organizations/${org.id}/members/${owner.id}`, { role: 'owner' })).status).toBe(200);
    const page = await newPerson();
    await signInTo(page, portal(`/organizations/${org.id}/settings`), owner.email);
    await checkPage(page, 'portal-settings-light-brand');
    // the preview follows what is typed (portal.js), readable for a light colour too
    await page.getByLabel('Primary colour (#rrggbb)').fill('#f5f5f5');
    expect(await page.locator('.preview-button').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
    await page.getByLabel('Primary colour (#rrggbb)').fill('#102a43');
    expect(await page.locator('.preview-button').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 255, 255)');
    await axeCheck(page, 'portal-settings-typed-colour');
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await checkPage(page, 'portal-members-light-brand');
  });
});
