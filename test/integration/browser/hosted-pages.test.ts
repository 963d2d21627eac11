import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totpAt } from '../../../src/auth/totp';
import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { axeCheck, checkPage, describeInBrowser, launchBrowser, newContext } from '../../support/browser';
import { GOOD_PASSWORD, invite } from '../../support/invitations';
import * as client from 'openid-client';
import { authorizationRequest, member, registeredApp, startOidcApp } from '../../support/oidc';
import type { TestApp } from '../../support/test-app';

jest.setTimeout(60_000);

/**
 * The hosted pages in Chromium: invitation acceptance, password sign-in, sign-out, the account
 * page, password reset, MFA enrolment and the error pages, each checked with axe (no serious or
 * critical violation) and, with UPDATE_SCREENSHOTS=1, photographed into docs/screenshots/.
 */
describeInBrowser('hosted pages in a browser', () => {
  let app: TestApp;
  let admin: AdminClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startOidcApp(), launchBrowser()]);
    admin = await createTenant(app, uniqueSlug('acme'), 'Acme Cloud');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    context = await newContext(browser, app.url);
    page = await context.newPage();
  });
  afterEach(() => context?.close());

  const tenantPath = (p: string, a: AdminClient = admin) => `/t/${a.tenant.slug}${p}`;
  const me = async () => {
    const res = await page.request.get(tenantPath('/api/v1/me'));
    return { status: res.status(), body: res.ok() ? await res.json() : null };
  };

  async function signInWithPassword(email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('when a person accepts an invitation by registering, then they sign in with the password, sign out, sign in again and land on their organizations', async () => {
    const org = await admin.createOrg({ name: 'Acme Europe', slug: 'acme-europe' });
    const email = 'alice@acme.example';
    const { invitation } = await invite(admin, org.id, email);
    expect(invitation.invite_url.startsWith(`${app.url}/`)).toBe(true);

    await page.goto(invitation.invite_url);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Join Acme Europe');
    await checkPage(page, 'invitation-accept');

    // a weak password is answered on the form, with the error announced
    await page.getByLabel('Your name').fill('Alice Example');
    await page.getByLabel('Choose a password').fill('password1');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/password/i);
    await checkPage(page, 'invitation-accept-error');
    expect((await admin.get(`/organizations/${org.id}/members`)).body.data).toHaveLength(0);

    await page.getByLabel('Choose a password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to Acme Europe');
    await checkPage(page, 'invitation-accepted');
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members).toEqual([expect.objectContaining({ email, role: 'member', source: 'invitation' })]);

    // "Sign in" goes straight to the password step for the invited email
    await page.getByRole('link', { name: 'Sign in' }).click();
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await checkPage(page, 'sign-in-password');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${tenantPath('/account/organizations')}`);
    expect(await page.locator('main').textContent()).toContain('Acme Europe');
    expect(await page.locator('main li').allTextContents()).toEqual([expect.stringMatching(/Acme Europe .* member/)]);
    await checkPage(page, 'account-organizations');
    expect((await me()).body.user.email).toBe(email);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`**${tenantPath('/login')}`);
    await checkPage(page, 'sign-in');
    expect((await me()).status).toBe(401);
    const signedOut = await page.goto(tenantPath('/account/organizations'));
    expect(signedOut!.status()).toBe(401);
    await checkPage(page, 'account-signed-out');

    // a wrong password is refused on the page; the right one signs in again
    await page.goto(tenantPath('/login'));
    await signInWithPassword(email, 'not the password at all');
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    await checkPage(page, 'sign-in-error');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${tenantPath('/account/organizations')}`);
    expect((await me()).body.user.email).toBe(email);
  });

  it('when a person forgets the password, then the mailed link lets them choose a new one and sign in with it', async () => {
    const org = await admin.createOrg({ name: 'Acme Support', slug: 'acme-support' });
    const person = await member(admin, org.id, 'bob@acme.example');
    await page.goto(`${tenantPath('/login')}?login_hint=${encodeURIComponent(person.email)}`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await checkPage(page, 'password-forgot');
    await page.getByLabel('Email').fill(person.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your mail');
    await axeCheck(page, 'password-forgot-sent');

    const outbox = (await admin.get('/outbox?limit=200')).body.data as Array<{ to: string; text: string }>;
    const mail = outbox.find((m) => m.to === person.email);
    const link = /(http\S+\/login\/reset\?token=\S+)/.exec(mail!.text)![1]!;
    await page.goto(link);
    await checkPage(page, 'password-reset');
    const newPassword = 'a whole new passphrase 42';
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.waitForURL(`**${tenantPath('/login')}`);
    await signInWithPassword(person.email, newPassword);
    await page.waitForURL(`**${tenantPath('/account/organizations')}`);
    expect((await me()).body.user.email).toBe(person.email);
  });

  it('when the tenant requires MFA, then the first sign-in enrols an authenticator from the page and shows the recovery codes once', async () => {
    const mfaTenant = await createTenant(app, uniqueSlug('secure'), 'Secure Cloud');
    expect((await mfaTenant.patch('/settings', { auth_settings: { require_mfa: true } })).status).toBe(200);
    const org = await mfaTenant.createOrg({ name: 'Secure Corp', slug: 'secure-corp' });
    const person = await member(mfaTenant, org.id, 'carol@secure.example');

    await page.goto(tenantPath('/login', mfaTenant));
    await signInWithPassword(person.email, GOOD_PASSWORD);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Set up two-step sign-in');
    await checkPage(page, 'mfa-enrol');
    const secret = await page.locator('code[data-secret]').textContent();
    await page.getByLabel('Code').fill(totpAt(secret!, Math.floor(Date.now() / 30_000)));
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('code.recovery-code').count()).toBe(10);
    await checkPage(page, 'mfa-recovery-codes');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(`**${tenantPath('/account/organizations', mfaTenant)}`);
    expect((await page.request.get(tenantPath('/api/v1/me', mfaTenant))).status()).toBe(200);
  });

  it('when a signed-in person opens Security, then they change the password and set up an authenticator from their account', async () => {
    const org = await admin.createOrg({ name: 'Acme Labs', slug: 'acme-labs' });
    const person = await member(admin, org.id, 'erin@acme.example');
    await page.goto(tenantPath('/login'));
    await signInWithPassword(person.email, GOOD_PASSWORD);
    await page.waitForURL(`**${tenantPath('/account/organizations')}`);
    await page.getByRole('link', { name: 'Security' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Security');
    await checkPage(page, 'account-security');

    const changed = 'another long passphrase 7';
    await page.getByLabel('Current password').fill(GOOD_PASSWORD);
    await page.getByLabel('New password').fill(changed);
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Your password was changed');

    await page.getByRole('link', { name: 'Set up an authenticator app' }).click();
    await checkPage(page, 'account-security-mfa');
    const secret = await page.locator('code[data-secret]').textContent();
    await page.getByLabel('Code').fill(totpAt(secret!, Math.floor(Date.now() / 30_000)));
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await page.locator('code.recovery-code').count()).toBe(10);
    await axeCheck(page, 'account-security-recovery-codes');
    await page.getByRole('link', { name: 'Back to security' }).click();
    expect(await page.locator('[data-mfa]').getAttribute('data-mfa')).toBe('enrolled');
    await axeCheck(page, 'account-security-enrolled');

    // the old password no longer signs in; the new one asks for the authenticator's code
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(person.email, GOOD_PASSWORD);
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    await page.getByLabel('Password').fill(changed);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Two-step sign-in');
    await checkPage(page, 'mfa-code');
  });

  it('when a member of two organizations signs in to an application, then they choose one on the picker and later confirm the sign-out', async () => {
    const first = await admin.createOrg({ name: 'Acme Retail', slug: 'acme-retail' });
    const second = await admin.createOrg({ name: 'Acme Logistics', slug: 'acme-logistics' });
    const person = await member(admin, first.id, 'frank@acme.example');
    await admin.addMember(second.id, person.id, 'admin');
    const { config, redirect } = await registeredApp({ app, admin, issuer: `${app.url}/t/${admin.tenant.slug}/oidc` });
    // the application's callback, answered inside the browser
    await page.route('http://127.0.0.1:9/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>App</title><main><h1>App</h1></main></html>' }));

    const request = await authorizationRequest(config, redirect);
    await page.goto(request.url.href);
    await signInWithPassword(person.email, GOOD_PASSWORD);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Choose an organization');
    await checkPage(page, 'sign-in-choose-organization');
    await page.getByLabel(/Acme Logistics/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:9\/callback/);
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    expect(tokens.claims()).toMatchObject({ sub: person.id, org_id: second.id, org_role: 'admin' });

    await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).href);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Do you want to sign out?');
    await checkPage(page, 'sign-out-confirm');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Signed out');
    await axeCheck(page, 'signed-out');
  });

  it('when a person signs in with the keyboard only, then Tab reaches each field in order and Enter submits', async () => {
    const org = await admin.createOrg({ name: 'Acme Keys', slug: 'acme-keys' });
    const person = await member(admin, org.id, 'grace@acme.example');
    await page.goto(tenantPath('/login'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.keyboard.type(person.email);
    await page.keyboard.press('Enter');
    await page.getByLabel('Password').waitFor();
    // the password field has the focus on arrival
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(GOOD_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${tenantPath('/account/organizations')}`);
    // the sign-out button is reachable by Tab and works with Enter
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Sign out') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${tenantPath('/login')}`);
    expect((await me()).status).toBe(401);
  });

  it('when an organization brands its pages with a light colour, then the buttons stay readable', async () => {
    const org = await admin.createOrg({ name: 'Sunny Ltd', slug: 'sunny', branding: { primary_color: '#ffd400', welcome_text: 'Welcome to the sunny side.' } });
    const { invitation } = await invite(admin, org.id, 'dave@sunny.example');
    await page.goto(invitation.invite_url);
    expect(await page.locator('main').textContent()).toContain('Welcome to the sunny side.');
    await checkPage(page, 'invitation-accept-branded');
  });

  it('when a page has serious accessibility faults, then axeCheck fails and names each rule and element', async () => {
    await page.setContent('<html><head><title>x</title></head><body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input id="q"></main></body></html>');
    const failure = await axeCheck(page, 'broken page').then(() => null, (err: Error) => err.message);
    expect(failure).toContain('image-alt (critical)');
    expect(failure).toContain('label (critical)');
    expect(failure).toContain('at #q');
  });

  it('when a link or a sign-in cannot be used, then the error pages say so accessibly', async () => {
    const unknownInvite = await page.goto(`${tenantPath('/invitations/accept')}?token=not-a-real-token`);
    expect(unknownInvite!.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Invitation not found');
    await checkPage(page, 'invitation-not-found');

    const saml = await page.goto(tenantPath('/sso/saml/con_01JZZZZZZZZZZZZZZZZZZZZZZZ/start'));
    expect(saml!.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    await checkPage(page, 'saml-error');
  });
});
