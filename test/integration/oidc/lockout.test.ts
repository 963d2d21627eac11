import { uniqueSlug } from '../../support/api';
import { GOOD_PASSWORD } from '../../support/invitations';
import { Browser, csrfOf, member, oidcWorld, type OidcWorld } from '../../support/oidc';
import { ManualClock } from '../../support/test-app';

const clock = new ManualClock();
let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld({ clock });
  expect((await world.admin.patch('/settings', { auth_settings: { max_login_attempts: 3, lockout_duration_minutes: 2 } })).status).toBe(200);
});
afterAll(() => world.app.close());

async function tryPassword(email: string, password: string) {
  const browser = new Browser(world.app.url);
  const path = `/t/${world.admin.tenant.slug}/login`;
  const start = await browser.request(path);
  const step = await browser.request(path, { form: { csrf: csrfOf(await start.text()), email } });
  const res = await browser.request(path, { form: { csrf: csrfOf(await step.text()), email, password } });
  return { status: res.status, body: res.status === 303 ? '' : (await res.text()).replace(/value="[^"]{20,}"/g, 'CSRF') };
}

describe('password lockout', () => {
  it('when max_login_attempts wrong passwords come in a row, then the account is locked, answers like a wrong password, and opens again after the lockout', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('lock')}@example.com`);

    const first = await tryPassword(person.email, 'wrong one');
    expect(first.status).toBe(401);
    await tryPassword(person.email, 'wrong two');
    expect(await admin.events('?type=user.locked')).toHaveLength(0);
    await tryPassword(person.email, 'wrong three');
    const locked = await admin.events('?type=user.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ target: { type: 'user', id: person.id }, data: { failed_attempts: 3 } });

    // the right password is refused while locked, with the same page as a wrong one
    const refused = await tryPassword(person.email, GOOD_PASSWORD);
    expect(refused).toEqual(first);
    expect((await admin.events('?type=user.login_failed'))[0]).toMatchObject({ data: { reason: 'locked' } });

    clock.advance(2 * 60_000 + 1000);
    expect((await tryPassword(person.email, GOOD_PASSWORD)).status).toBe(303);
  });

  it('when a right password comes before the limit, then the count starts again', async () => {
    const { admin } = world;
    const org = await admin.createOrg();
    const person = await member(admin, org.id, `${uniqueSlug('reset')}@example.com`);
    await tryPassword(person.email, 'wrong');
    await tryPassword(person.email, 'wrong');
    expect((await tryPassword(person.email, GOOD_PASSWORD)).status).toBe(303);
    await tryPassword(person.email, 'wrong');
    await tryPassword(person.email, 'wrong');
    expect((await tryPassword(person.email, GOOD_PASSWORD)).status).toBe(303);
    expect((await admin.events('?type=user.locked')).filter((e) => (e.target as { id: string }).id === person.id)).toHaveLength(0);
  });
});
