import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { checkPage, describeInBrowser, launchBrowser, newContext } from '../../support/browser';
import { startDomainPeers, type DomainPeers } from '../../support/domain-peers';
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

  it('when a tenant administrator signs in, then the portal lists organizations and every tab of one is accessible', async () => {
    const person = await tenantAdmin('root-admin@acme.example');
    const org = await admin.createOrg({ name: 'Globex', slug: 'globex' });
    const page = await newPerson();
    await signInTo(page, portal(), person.email);
    expect(new URL(page.url()).pathname).toBe(portal('/organizations'));
    await checkPage(page, 'portal-organizations');

    // Members: find a tenant user, add them, then change their role
    const dana = await admin.createUser('dana@globex.example', { name: 'Dana Scully' });
    await page.goto(portal(`/organizations/${org.id}/members`));
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

    for (const tab of ['roles', 'invitations', 'domains', 'sso', 'directories', 'settings', 'events']) {
      await page.goto(portal(`/organizations/${org.id}/${tab}`));
      expect(await page.locator('nav.tabs [aria-current="page"]').getAttribute('id')).toBe(`tab-${tab}`);
      await checkPage(page, `portal-${tab}`);
    }
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
});
