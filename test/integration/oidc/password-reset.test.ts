import { uniqueSlug } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf, member, oidcWorld, type OidcWorld } from '../../support/oidc';
import { ManualClock } from '../../support/test-app';

const NEW_PASSWORD = 'a whole new passphrase 42';
const clock = new ManualClock();
let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld({ clock });
});
afterAll(() => world.app.close());

const path = (p: string) => `/t/${world.admin.tenant.slug}${p}`;

async function askForLink(email: string) {
  const browser = new Browser(world.app.url);
  const page = await browser.request(path('/login/forgot'));
  const res = await browser.request(path('/login/forgot'), { form: { csrf: csrfOf(await page.text()), email } });
  return { status: res.status, html: await res.text() };
}

async function mailsTo(email: string): Promise<Array<{ text: string; subject: string }>> {
  const res = await world.admin.get('/outbox?limit=200');
  return res.body.data.filter((m: { to: string }) => m.to === email);
}

const linkIn = (text: string) => /(http\S+\/login\/reset\?token=\S+)/.exec(text)![1]!;

async function tryPassword(email: string, password: string): Promise<number> {
  const browser = new Browser(world.app.url);
  const start = await browser.request(path('/login'));
  const step = await browser.request(path('/login'), { form: { csrf: csrfOf(await start.text()), email } });
  return (await browser.request(path('/login'), { form: { csrf: csrfOf(await step.text()), email, password } })).status;
}

async function setPassword(link: string, password: string) {
  const browser = new Browser(world.app.url);
  const page = await browser.request(new URL(link).pathname + new URL(link).search);
  if (page.status !== 200) return { status: page.status, html: await page.text() };
  const html = await page.text();
  const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
  const res = await browser.request(path('/login/reset'), { form: { csrf: csrfOf(html), token, password } });
  return { status: res.status, html: await res.text() };
}

describe('password reset by mail', () => {
  it('when a known and an unknown email ask, then both see the same page and only the account gets a link', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('reset')}@example.com`);
    const unknown = `${uniqueSlug('ghost')}@example.com`;
    const known = await askForLink(person.email);
    const missing = await askForLink(unknown);
    expect(known).toEqual(missing);
    expect(known.status).toBe(200);
    expect(await mailsTo(unknown)).toHaveLength(0);
    const [mail] = await mailsTo(person.email);
    expect(mail!.subject).toContain('Reset your');
    expect(linkIn(mail!.text)).toContain(`${world.app.url}/t/${world.admin.tenant.slug}/login/reset?token=`);
  });

  it('when the link is used, then a weak password is refused, a good one replaces the old, and the link works only once', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('once')}@example.com`);
    await askForLink(person.email);
    const link = linkIn((await mailsTo(person.email))[0]!.text);

    const weak = await setPassword(link, 'short');
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('at least 8 characters');
    expect((await setPassword(link, NEW_PASSWORD)).status).toBe(303);

    expect(await tryPassword(person.email, GOOD_PASSWORD)).toBe(401);
    expect(await tryPassword(person.email, NEW_PASSWORD)).toBe(303);
    expect((await setPassword(link, 'yet another passphrase 7')).status).toBe(410);
    expect((await world.admin.events('?type=user.password_reset'))[0]).toMatchObject({ target: { id: person.id } });
  });

  it('when the link is older than an hour, then it is gone', async () => {
    const org = await world.admin.createOrg();
    const person = await member(world.admin, org.id, `${uniqueSlug('late')}@example.com`);
    await askForLink(person.email);
    const link = linkIn((await mailsTo(person.email))[0]!.text);
    clock.advance(3600_000 + 1000);
    expect((await setPassword(link, NEW_PASSWORD)).status).toBe(410);
    expect(await tryPassword(person.email, GOOD_PASSWORD)).toBe(303);
  });
});
