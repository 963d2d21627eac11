import { totpAt } from '../../../src/auth/totp';
import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf, member } from '../../support/oidc';
import { ManualClock, startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
// TOTP codes follow this clock, so a test can move to the next 30 s step instead of waiting
const clock = new ManualClock();
beforeAll(async () => {
  app = await startTestApp({ clock });
  admin = await createTenant(app);
});
afterAll(() => app.close());

const path = (p: string) => `/t/${admin.tenant.slug}${p}`;
const step = () => Math.floor(clock.now().getTime() / 30_000);

/** Email, then password, on the hosted sign-in page; answers the signed-in browser. */
async function signIn(email: string, password = GOOD_PASSWORD): Promise<Browser> {
  const browser = new Browser(app.url);
  const start = await browser.request(path('/login'));
  const second = await browser.request(path('/login'), { form: { csrf: csrfOf(await start.text()), email } });
  const done = await browser.request(path('/login'), { form: { csrf: csrfOf(await second.text()), email, password } });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status}`);
  return browser;
}

async function page(browser: Browser, p: string): Promise<string> {
  const res = await browser.request(path(p));
  expect(res.status).toBe(200);
  return res.text();
}

const meOf = async (browser: Browser) => (await browser.request(path('/api/v1/me'))).json();

describe('account: organizations', () => {
  it('when a member of two organizations switches, then the session’s current organization changes (and only to their own organizations)', async () => {
    const first = await admin.createOrg({ name: 'First Org' });
    const second = await admin.createOrg({ name: 'Second Org' });
    const other = await admin.createOrg({ name: 'Not Mine' });
    const person = await member(admin, first.id, `${uniqueSlug('sw')}@example.com`);
    await admin.addMember(second.id, person.id, 'admin');
    const browser = await signIn(person.email);

    const html = await page(browser, '/account/organizations');
    expect(html).toContain('First Org');
    expect(html).toContain('Second Org');
    expect(html).toMatch(/Second Org.*— admin/);
    expect(html).not.toContain('Not Mine');
    // the portal is linked where its guard lets the person in: admin of Second Org, not of First Org
    expect(html).toContain(`href="${path(`/portal/organizations/${second.id}`)}"`);
    expect(html).not.toContain(`href="${path(`/portal/organizations/${first.id}`)}"`);
    expect(html).toContain(`href="${path('/portal')}"`);
    expect((await meOf(browser)).organization).toBeNull();

    const switched = await browser.request(path('/account/organizations/switch'), { form: { csrf: csrfOf(html), organization: second.id } });
    expect(switched.status).toBe(303);
    expect((await meOf(browser)).organization).toMatchObject({ id: second.id, role: 'admin' });
    const after = await page(browser, '/account/organizations');
    expect(after).toMatch(new RegExp(`data-organization="${second.id}">Second Org[^<]*<span[^>]*>[^<]*</span>[^<]*<strong>\\(current\\)`));

    const refused = await browser.request(path('/account/organizations/switch'), { form: { csrf: csrfOf(after), organization: other.id } });
    expect(refused.status).toBe(403);
    expect((await meOf(browser)).organization).toMatchObject({ id: second.id });
  });

  it('when the CSRF field is missing or from another session, then the switch is refused and nothing changes', async () => {
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('csrf')}@example.com`);
    const browser = await signIn(person.email);
    const otherBrowser = await signIn(person.email);
    const otherCsrf = csrfOf(await page(otherBrowser, '/account/organizations'));
    await page(browser, '/account/organizations');

    expect((await browser.request(path('/account/organizations/switch'), { form: { organization: org.id } })).status).toBe(403);
    expect((await browser.request(path('/account/organizations/switch'), { form: { csrf: otherCsrf, organization: org.id } })).status).toBe(403);
    expect((await meOf(browser)).organization).toBeNull();
  });

  it('when nobody is signed in, then the pages answer 401 and the forms refuse', async () => {
    const browser = new Browser(app.url);
    expect((await browser.request(path('/account/organizations'))).status).toBe(401);
    expect((await browser.request(path('/account/security'))).status).toBe(401);
    expect((await browser.request(path('/account/security/password'), { form: { csrf: 'x', current_password: 'a', password: 'b' } })).status).toBe(401);
  });

  it('when a page is served, then it has the CSP without unsafe-inline and no framing', async () => {
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('csp')}@example.com`);
    const res = await (await signIn(person.email)).request(path('/account/security'));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('account: change password', () => {
  it('when the current password is right and the new one follows the strictest effective rules, then it changes, other sessions end and user.password_changed is recorded', async () => {
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('pw')}@example.com`);
    expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { password_min_length: 30 } })).status).toBe(200);
    const browser = await signIn(person.email);
    const elsewhere = await signIn(person.email);
    const post = async (form: Record<string, string>) => {
      const html = await page(browser, '/account/security');
      return browser.request(path('/account/security/password'), { form: { csrf: csrfOf(html), ...form } });
    };

    const wrong = await post({ current_password: 'not the password at all', password: 'a long and unusual new passphrase here' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('current password is not right');
    // the organization asks for 30 characters (the tenant only for 8)
    const short = await post({ current_password: GOOD_PASSWORD, password: 'short but fine elsewhere' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('at least 30 characters');
    const breached = await post({ current_password: GOOD_PASSWORD, password: 'password' });
    expect(breached.status).toBe(400);
    expect(await breached.text()).toContain('breached');
    expect(await admin.events(`?type=user.password_changed`).then((e) => e.filter((x) => (x.target as { id: string }).id === person.id))).toHaveLength(0);

    const next = 'a long and unusual new passphrase here';
    const changed = await post({ current_password: GOOD_PASSWORD, password: next });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe(path('/account/security?notice=password_changed'));
    expect((await admin.events('?type=user.password_changed'))[0]).toMatchObject({ target: { id: person.id }, actor: { type: 'user', id: person.id }, data: { other_sessions_ended: 1 } });
    expect((await admin.events('?type=user.password_change_failed'))[0]).toMatchObject({ target: { id: person.id } });

    expect((await browser.request(path('/api/v1/me'))).status).toBe(200);
    expect((await elsewhere.request(path('/api/v1/me'))).status).toBe(401);
    await expect(signIn(person.email)).rejects.toThrow('sign-in failed: 401');
    expect((await meOf(await signIn(person.email, next))).user.id).toBe(person.id);
  });

  it('when wrong current passwords reach max_login_attempts, then the account locks like at sign-in and even the right password is refused', async () => {
    const other = await createTenant(app);
    expect((await other.patch('/settings', { auth_settings: { max_login_attempts: 2 } })).status).toBe(200);
    const org = await other.createOrg();
    const person = await member(other, org.id, `${uniqueSlug('lock')}@example.com`);
    const p = (x: string) => `/t/${other.tenant.slug}${x}`;
    const browser = new Browser(app.url);
    const start = await browser.request(p('/login'));
    const second = await browser.request(p('/login'), { form: { csrf: csrfOf(await start.text()), email: person.email } });
    expect((await browser.request(p('/login'), { form: { csrf: csrfOf(await second.text()), email: person.email, password: GOOD_PASSWORD } })).status).toBe(303);
    const attempt = async (current: string) => {
      const html = await (await browser.request(p('/account/security'))).text();
      return browser.request(p('/account/security/password'), { form: { csrf: csrfOf(html), current_password: current, password: 'a long and unusual new passphrase here' } });
    };
    expect((await attempt('wrong one')).status).toBe(401);
    expect((await attempt('wrong two')).status).toBe(401);
    expect((await other.events('?type=user.locked'))[0]).toMatchObject({ target: { id: person.id } });
    const locked = await attempt(GOOD_PASSWORD);
    expect(locked.status).toBe(401);
    expect(await locked.text()).toContain('locked');
    expect(await other.events('?type=user.password_changed')).toHaveLength(0);
  });

  it('when the CSRF field is missing, then the password is not changed', async () => {
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('pwcsrf')}@example.com`);
    const browser = await signIn(person.email);
    await page(browser, '/account/security');
    const res = await browser.request(path('/account/security/password'), { form: { current_password: GOOD_PASSWORD, password: 'another long passphrase' } });
    expect(res.status).toBe(403);
    await signIn(person.email); // the old password still works
  });
});

describe('account: two-step sign-in', () => {
  it('when a person enrols, regenerates recovery codes and removes the factor, then each step is checked and recorded; removal is refused while an organization requires MFA', async () => {
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('mfa')}@example.com`);
    const browser = await signIn(person.email);
    expect(await page(browser, '/account/security')).toContain('data-mfa="none"');

    const enrol = await page(browser, '/account/security/mfa');
    expect(enrol).toContain('<svg');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(enrol)![1]!;
    const wrongCode = totpAt(secret, step()) === '000000' ? '111111' : '000000';
    const wrong = await browser.request(path('/account/security/mfa'), { form: { csrf: csrfOf(enrol), code: wrongCode } });
    expect(wrong.status).toBe(400);
    const retry = await wrong.text();
    expect(retry).toContain(`data-secret="${secret}"`);

    const enrolled = await browser.request(path('/account/security/mfa'), { form: { csrf: csrfOf(retry), code: totpAt(secret, step()) } });
    expect(enrolled.status).toBe(200);
    const codes = [...(await enrolled.text()).matchAll(/class="recovery-code">([0-9a-f]+)</g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect((await admin.events('?type=mfa.enrolled'))[0]).toMatchObject({ target: { id: person.id } });
    const security = await page(browser, '/account/security');
    expect(security).toContain('data-mfa="enrolled"');
    expect(security).not.toContain('data-secret');
    // the codes appear on the POST answer only
    expect(security).not.toContain(codes[0]!);

    // new recovery codes: a used code is refused, a fresh one works
    const replayed = await browser.request(path('/account/security/mfa/recovery-codes'), { form: { csrf: csrfOf(security), code: totpAt(secret, step()) } });
    expect(replayed.status).toBe(400);
    const regenerated = await browser.request(path('/account/security/mfa/recovery-codes'), { form: { csrf: csrfOf(await replayed.text()), code: totpAt(secret, step() + 1) } });
    expect(regenerated.status).toBe(200);
    const newCodes = [...(await regenerated.text()).matchAll(/class="recovery-code">([0-9a-f]+)</g)].map((m) => m[1]!);
    expect(newCodes).toHaveLength(10);
    expect(newCodes).not.toContain(codes[0]);
    expect((await admin.events('?type=mfa.recovery_codes_regenerated'))[0]).toMatchObject({ target: { id: person.id } });

    // the organization requires MFA: no removal form, and a forged POST is refused
    expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { require_mfa: true } })).status).toBe(200);
    const required = await page(browser, '/account/security');
    expect(required).not.toContain('/account/security/mfa/remove');
    const refused = await browser.request(path('/account/security/mfa/remove'), { form: { csrf: csrfOf(required), code: totpAt(secret, step() + 1) } });
    expect(refused.status).toBe(403);
    expect(await page(browser, '/account/security')).toContain('data-mfa="enrolled"');

    // inherited again (off): removal with a fresh code
    expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { require_mfa: null } })).status).toBe(200);
    const allowed = await page(browser, '/account/security');
    const noCsrf = await browser.request(path('/account/security/mfa/remove'), { form: { code: totpAt(secret, step() - 1) } });
    expect(noCsrf.status).toBe(403);
    const stale = await browser.request(path('/account/security/mfa/remove'), { form: { csrf: csrfOf(allowed), code: totpAt(secret, step() - 1) } });
    expect(stale.status).toBe(400); // older than the last accepted step
    clock.advance(30_000); // the step after the last accepted one (+1) is now the current + 1
    const fresh = await page(browser, '/account/security');
    const removed = await browser.request(path('/account/security/mfa/remove'), { form: { csrf: csrfOf(fresh), code: totpAt(secret, step() + 1) } });
    expect(removed.status).toBe(303);
    expect(await page(browser, '/account/security')).toContain('data-mfa="none"');
    expect((await admin.events('?type=mfa.removed'))[0]).toMatchObject({ target: { id: person.id } });
  });

  it('when the tenant requires MFA, then the account shows it as required and refuses removal', async () => {
    const other = await createTenant(app);
    const org = await other.createOrg();
    const person = await member(other, org.id, `${uniqueSlug('tmfa')}@example.com`);
    // enrol while MFA is still optional, then the tenant turns it on
    const browser = new Browser(app.url);
    const p = (x: string) => `/t/${other.tenant.slug}${x}`;
    const start = await browser.request(p('/login'));
    const second = await browser.request(p('/login'), { form: { csrf: csrfOf(await start.text()), email: person.email } });
    expect((await browser.request(p('/login'), { form: { csrf: csrfOf(await second.text()), email: person.email, password: GOOD_PASSWORD } })).status).toBe(303);
    const enrol = await (await browser.request(p('/account/security/mfa'))).text();
    const secret = /data-secret="([A-Z2-7]+)"/.exec(enrol)![1]!;
    expect((await browser.request(p('/account/security/mfa'), { form: { csrf: csrfOf(enrol), code: totpAt(secret, step()) } })).status).toBe(200);
    expect((await other.patch('/settings', { auth_settings: { require_mfa: true } })).status).toBe(200);

    const security = await (await browser.request(p('/account/security'))).text();
    expect(security).toContain('required by');
    expect(security).not.toContain('/account/security/mfa/remove');
    const refused = await browser.request(p('/account/security/mfa/remove'), { form: { csrf: csrfOf(security), code: totpAt(secret, step() + 1) } });
    expect(refused.status).toBe(403);
  });
});

