import { createTenant, type AdminClient } from '../../support/api';
import { open, personIn, portalPath, signInToPortal, startPortalApp, submit, tenantAdminPerson } from '../../support/portal';
import { totpAt } from '../../../src/auth/totp';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf } from '../../support/oidc';
import type { TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => ({ app, admin } = await startPortalApp()));
afterAll(() => app.close());

describe('portal access', () => {
  it('when nobody is signed in, then the portal redirects to the hosted login with return_to, and the sign-in comes back there', async () => {
    const org = await admin.createOrg({ name: 'Acme' });
    const person = await personIn(admin, org.id, 'admin');
    const path = portalPath(admin, `/organizations/${org.id}/members`);
    const { browser, landed } = await signInToPortal(admin, person.email, path);
    expect(landed).toBe(path);
    const page = await open(browser, path);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Acme');
  });

  it('when the tenant requires MFA, then return_to is carried through the code step back to the portal', async () => {
    const mfaTenant = await createTenant(app);
    expect((await mfaTenant.patch('/settings', { auth_settings: { require_mfa: true } })).status).toBe(200);
    const org = await mfaTenant.createOrg();
    const person = await personIn(mfaTenant, org.id, 'owner');
    const target = portalPath(mfaTenant, `/organizations/${org.id}/roles`);
    const signIn = async () => {
      const browser = new Browser(app.url);
      const login = (await browser.request(target)).headers.get('location')!;
      expect(login).toBe(`/t/${mfaTenant.tenant.slug}/login?return_to=${encodeURIComponent(target)}`);
      const start = await (await browser.request(login)).text();
      const action = `/t/${mfaTenant.tenant.slug}/login`;
      const step = await (await browser.request(action, { form: { csrf: csrfOf(start), email: person.email, return_to: target } })).text();
      expect(step).toContain(`name="return_to" value="${target}"`);
      const mfa = await (await browser.request(action, { form: { csrf: csrfOf(step), email: person.email, password: GOOD_PASSWORD, return_to: target } })).text();
      expect(mfa).toContain(`name="return_to" value="${target}"`);
      return { browser, mfa };
    };
    const sendCode = (browser: Browser, html: string, code: string) =>
      browser.request(`/t/${mfaTenant.tenant.slug}/login/mfa`, { form: { csrf: csrfOf(html), mfa_token: /name="mfa_token" value="([^"]+)"/.exec(html)![1]!, code, return_to: target } });
    const step = () => Math.floor(Date.now() / 30_000);

    const first = await signIn();
    const secret = /data-secret="([A-Z2-7]+)"/.exec(first.mfa)![1]!;
    const enrolled = await sendCode(first.browser, first.mfa, totpAt(secret, step()));
    expect(await enrolled.text()).toContain(`<a href="${target}">Continue</a>`);
    expect((await open(first.browser, target)).status).toBe(200);

    const second = await signIn();
    const done = await sendCode(second.browser, second.mfa, totpAt(secret, step() + 1));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(target);
  });

  it('when the login gets a return_to outside the tenant, then it is ignored', async () => {
    const res = await app.http.get(`/t/${admin.tenant.slug}/login?return_to=${encodeURIComponent('//evil.example/x')}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('name="return_to"');
    const other = await app.http.get(`/t/${admin.tenant.slug}/login?return_to=${encodeURIComponent('/t/other-tenant/portal')}`);
    expect(other.text).not.toContain('name="return_to"');
  });

  it('when an organization admin opens another organization, then 403, and the list shows only theirs', async () => {
    const mine = await admin.createOrg({ name: 'Mine Inc' });
    const theirs = await admin.createOrg({ name: 'Theirs Ltd' });
    const person = await personIn(admin, mine.id, 'admin');
    const { browser } = await signInToPortal(admin, person.email);
    for (const tab of ['members', 'roles', 'invitations', 'settings', 'events', 'domains', 'sso', 'directories']) {
      const page = await open(browser, portalPath(admin, `/organizations/${theirs.id}/${tab}`));
      expect(page.status).toBe(403);
      expect(page.html).not.toContain('Theirs Ltd');
    }
    expect((await open(browser, portalPath(admin, `/organizations/${theirs.slug}`))).status).toBe(403);
    // only one organization: the portal goes straight to it
    const home = await open(browser, portalPath(admin));
    expect(home.location).toBe(portalPath(admin, `/organizations/${mine.id}`));
    const list = await open(browser, portalPath(admin, '/organizations'));
    expect(list.html).not.toContain('Theirs Ltd');
    // a POST to another organization is refused too, and changes nothing
    const target = await admin.createUser();
    const post = await submit(browser, portalPath(admin, `/organizations/${mine.id}/members`), portalPath(admin, `/organizations/${theirs.id}/members/add`), { user_id: target.id, role: 'member' });
    expect(post.status).toBe(403);
    expect((await admin.get(`/organizations/${theirs.id}/members`)).body.data).toHaveLength(0);
  });

  it('when a plain member signs in, then the portal answers 403', async () => {
    const org = await admin.createOrg();
    const person = await personIn(admin, org.id, 'member');
    const { browser } = await signInToPortal(admin, person.email);
    const page = await open(browser, portalPath(admin, `/organizations/${org.id}/members`));
    expect(page.status).toBe(403);
  });

  it('when a tenant admin signs in, then every organization and every tab opens, with the headers of a hosted page', async () => {
    const org = await admin.createOrg({ name: 'Everyone Co' });
    const person = await tenantAdminPerson(admin);
    const { browser } = await signInToPortal(admin, person.email);
    expect((await open(browser, portalPath(admin))).location).toBe(portalPath(admin, '/organizations'));
    for (const tab of ['members', 'roles', 'invitations', 'domains', 'sso', 'directories', 'settings', 'events']) {
      const page = await open(browser, portalPath(admin, `/organizations/${org.id}/${tab}`));
      expect(page.status).toBe(200);
      for (const label of ['Members', 'Roles', 'Invitations', 'Domains', 'SSO', 'Directories', 'Settings', 'Events']) expect(page.html).toContain(`>${label}</a>`);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(page.html).not.toMatch(/\sstyle=/);
    }
    expect((await open(browser, portalPath(admin, '/organizations/org_doesnotexist/members'))).status).toBe(404);
  });
});
