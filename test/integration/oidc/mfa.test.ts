import { totpAt } from '../../../src/auth/totp';
import { uniqueSlug } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf, member, oidcWorld, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
  expect((await world.admin.patch('/settings', { auth_settings: { require_mfa: true } })).status).toBe(200);
});
afterAll(() => world.app.close());

const path = (p: string) => `/t/${world.admin.tenant.slug}${p}`;
const step = () => Math.floor(Date.now() / 30_000);

/** Email and password on the hosted page; answers the browser and the code page. */
async function passwordDone(email: string) {
  const browser = new Browser(world.app.url);
  const start = await browser.request(path('/login'));
  const second = await browser.request(path('/login'), { form: { csrf: csrfOf(await start.text()), email } });
  const res = await browser.request(path('/login'), { form: { csrf: csrfOf(await second.text()), email, password: GOOD_PASSWORD } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('name="code"');
  expect(res.headers.getSetCookie().some((c) => c.startsWith('ob_session='))).toBe(false); // no session before the code
  return { browser, html };
}

async function sendCode(browser: Browser, html: string, code: string) {
  const mfaToken = /name="mfa_token" value="([^"]+)"/.exec(html)![1]!;
  return browser.request(path('/login/mfa'), { form: { csrf: csrfOf(html), mfa_token: mfaToken, code } });
}

describe('TOTP MFA (require_mfa)', () => {
  it('when a person signs in the first time, then they enrol with the QR code or the key, get ten recovery codes once, and are signed in', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('mfa')}@example.com`);
    const { browser, html } = await passwordDone(person.email);
    expect(html).toContain('<svg');
    const secret = /data-secret="([A-Z2-7]+)"/.exec(html)![1]!;

    const wrong = await sendCode(browser, html, '000000' === totpAt(secret, step()) ? '111111' : '000000');
    expect(wrong.status).toBe(401);
    const retry = await wrong.text();
    expect(/data-secret="([A-Z2-7]+)"/.exec(retry)![1]).toBe(secret); // the same key while enrolling

    const enrolmentCode = totpAt(secret, step());
    const enrolled = await sendCode(browser, retry, enrolmentCode);
    expect(enrolled.status).toBe(200);
    const codes = [...(await enrolled.text()).matchAll(/class="recovery-code">([0-9a-f]+)</g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect((await browser.request(path('/api/v1/me'))).status).toBe(200);
    expect((await world.admin.events('?type=mfa.enrolled'))[0]).toMatchObject({ target: { id: person.id } });

    // next sign-in: a code, not the enrolment; a code already used is refused; a recovery code works once
    const next = await passwordDone(person.email);
    expect(next.html).not.toContain('data-secret');
    const replay = await sendCode(next.browser, next.html, enrolmentCode);
    expect(replay.status).toBe(401);
    const recovered = await sendCode(next.browser, await replay.text(), codes[0]!);
    expect(recovered.status).toBe(303);
    expect((await next.browser.request(path('/api/v1/me'))).status).toBe(200);

    const again = await passwordDone(person.email);
    expect((await sendCode(again.browser, again.html, codes[0]!)).status).toBe(401);
  });

  it('when wrong codes reach max_login_attempts, then the account is locked and even a right code is refused', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('guess')}@example.com`);
    const { browser, html } = await passwordDone(person.email);
    const secret = /data-secret="([A-Z2-7]+)"/.exec(html)![1]!;
    let page = html;
    for (let i = 0; i < 10; i++) {
      const res = await sendCode(browser, page, 'abcdef');
      expect(res.status).toBe(401);
      page = await res.text();
    }
    expect((await world.admin.events('?type=user.locked'))[0]).toMatchObject({ target: { id: person.id } });
    expect((await sendCode(browser, page, totpAt(secret, step()))).status).toBe(401);
  });

  it('when the pending token is forged, then the code step refuses', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('forge')}@example.com`);
    const { browser, html } = await passwordDone(person.email);
    const forged = html.replace(/name="mfa_token" value="([^".]+)\./, 'name="mfa_token" value="usr_01ABCDEFGHJKMNPQRSTVWXYZ00.');
    expect((await sendCode(browser, forged, '123456')).status).toBe(403);
  });
});
