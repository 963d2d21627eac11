import { totpAt } from '../../../src/auth/totp';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf, member, oidcWorld, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld();
});
afterAll(() => world.app.close());

const path = (p: string) => `/t/${world.admin.tenant.slug}${p}`;
const step = () => Math.floor(Date.now() / 30_000);

async function signIn(email: string) {
  const browser = new Browser(world.app.url);
  const start = await browser.request(path('/login'));
  const second = await browser.request(path('/login'), { form: { csrf: csrfOf(await start.text()), email } });
  const res = await browser.request(path('/login'), { form: { csrf: csrfOf(await second.text()), email, password: GOOD_PASSWORD } });
  return { browser, res };
}

describe('an authenticator the person set up themselves (require_mfa off)', () => {
  it('when they enrolled one on the account page, then the next password sign-in asks for its code before any session', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, 'self-enrolled@example.com');

    // before enrolment: the password alone signs in
    const first = await signIn(person.email);
    expect(first.res.status).toBe(303);
    const enrol = await first.browser.request(path('/account/security/mfa'));
    const html = await enrol.text();
    const secret = /data-secret="([A-Z2-7]+)"/.exec(html)![1]!;
    const confirmed = await first.browser.request(path('/account/security/mfa'), { form: { csrf: csrfOf(html), code: totpAt(secret, step()) } });
    expect(confirmed.status).toBe(200);
    expect((await world.admin.events('?type=mfa.enrolled'))[0]).toMatchObject({ target: { id: person.id } });

    const next = await signIn(person.email);
    expect(next.res.status).toBe(200);
    expect(await next.res.text()).toContain('name="code"');
    expect(next.res.headers.getSetCookie().some((c) => c.startsWith('ob_session='))).toBe(false);
    expect((await next.browser.request(path('/api/v1/me'))).status).toBe(401);
  });

  it('when they never enrolled, then the password alone still signs in', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, 'no-factor@example.com');
    const { browser, res } = await signIn(person.email);
    expect(res.status).toBe(303);
    expect((await browser.request(path('/api/v1/me'))).status).toBe(200);
  });
});
