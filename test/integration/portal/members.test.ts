import type { AdminClient } from '../../support/api';
import { csrfOf } from '../../support/oidc';
import { open, personIn, portalPath, signInToPortal, startPortalApp, submit, tenantAdminPerson } from '../../support/portal';
import type { TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => ({ app, admin } = await startPortalApp()));
afterAll(() => app.close());

async function signedInOwner(orgName = 'Members Org') {
  const org = await admin.createOrg({ name: orgName });
  const owner = await personIn(admin, org.id, 'owner', 'owner');
  const { browser } = await signInToPortal(admin, owner.email);
  return { org, owner, browser, tab: portalPath(admin, `/organizations/${org.id}/members`) };
}

const membersOf = async (orgId: string) => (await admin.get(`/organizations/${orgId}/members?limit=200`)).body.data as Array<{ user_id: string; roles: string[] }>;

describe('portal members tab', () => {
  it('when an owner searches the tenant\'s users, then nothing is shown: only tenant admins browse them (others add by exact email)', async () => {
    const { browser, tab } = await signedInOwner();
    const user = await admin.createUser(`yan-${Date.now()}@example.com`, { name: 'Yan Yak' });
    const page = await open(browser, `${tab}?user_q=yan`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(user.email);
    expect(page.html).not.toContain('id="user-search"');
    expect(page.html).toContain('Add by email');
  });

  it('when a tenant admin finds a tenant user and adds them, changes their roles and removes them, then the memberships change', async () => {
    const { org, tab } = await signedInOwner();
    const { browser } = await signInToPortal(admin, (await tenantAdminPerson(admin)).email);
    const user = await admin.createUser(`zed-${Date.now()}@example.com`, { name: 'Zed Zebra' });

    const found = await open(browser, `${tab}?user_q=zed`);
    expect(found.html).toContain(user.email);
    const byName = await open(browser, `${tab}?user_q=ZEBRA`);
    expect(byName.html).not.toContain(user.email); // a prefix of the name, not a word inside it
    const byFirstName = await open(browser, `${tab}?user_q=Zed%20Z`);
    expect(byFirstName.html).toContain(user.email);

    const added = await submit(browser, tab, `${tab}/add`, { user_id: user.id, role: 'member' });
    expect(added.status).toBe(303);
    expect(added.location).toBe(`${tab}?notice=added`);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)?.roles).toEqual(['member']);
    const shown = await open(browser, added.location!);
    expect(shown.html).toContain('The member was added.');
    expect(shown.html).toContain(user.email);

    const changed = await browser.request(`${tab}/${user.id}/roles`, { form: { csrf: csrfOf(shown.html), roles: 'admin' } });
    expect(changed.status).toBe(303);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)?.roles).toEqual(['admin']);
    // several roles: repeated fields
    const body = new URLSearchParams([['csrf', csrfOf(shown.html)], ['roles', 'member'], ['roles', 'guest']]);
    const multi = await browser.request(`${tab}/${user.id}/roles`, { form: body });
    expect(multi.status).toBe(303);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)?.roles).toEqual(['member', 'guest']);

    const removed = await submit(browser, tab, `${tab}/${user.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)).toBeUndefined();
    const events = await admin.events(`?organization_id=${org.id}`);
    expect(events.map((ev) => ev.type)).toEqual(expect.arrayContaining(['membership.created', 'membership.role_changed', 'membership.deleted']));
    expect(events.find((ev) => ev.type === 'membership.deleted')?.actor).toMatchObject({ type: 'user' });
  });

  it('when the last owner would lose the role or be removed, then the page shows the 409 and nothing changes', async () => {
    const { org, owner, browser, tab } = await signedInOwner();
    const demote = await submit(browser, tab, `${tab}/${owner.id}/roles`, { roles: 'member' });
    expect(demote.status).toBe(409);
    expect(demote.html).toMatch(/class="error" role="alert">[^<]*owner/);
    const remove = await submit(browser, tab, `${tab}/${owner.id}/remove`, {});
    expect(remove.status).toBe(409);
    expect((await membersOf(org.id)).find((m) => m.user_id === owner.id)?.roles).toEqual(['owner']);
  });

  it('when a form comes without the CSRF field, or with another session’s, then 403 and nothing is written', async () => {
    const { org, browser, tab } = await signedInOwner();
    const other = await signedInOwner('Other');
    const user = await admin.createUser();
    const none = await open(browser, `${tab}/add`, { user_id: user.id, role: 'member' });
    expect(none.status).toBe(403);
    const foreign = await open(browser, `${tab}/add`, { csrf: csrfOf((await open(other.browser, other.tab)).html), user_id: user.id, role: 'member' });
    expect(foreign.status).toBe(403);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)).toBeUndefined();
  });

  it('when an unknown email or role is posted, then the page shows the refusal', async () => {
    const { browser, tab } = await signedInOwner();
    const unknown = await submit(browser, tab, `${tab}/add`, { email: 'nobody-here@example.com', role: 'member' });
    expect(unknown.status).toBe(404);
    const user = await admin.createUser();
    const badRole = await submit(browser, tab, `${tab}/add`, { user_id: user.id, role: 'emperor' });
    expect(badRole.status).toBe(400);
    expect(badRole.html).toContain('emperor');
  });

  it('when members are listed and searched, then pages follow each other and a search matches the email or name prefix', async () => {
    const { org, browser, tab } = await signedInOwner();
    const prefix = `pg${Date.now()}`;
    for (let i = 0; i < 53; i++) {
      const u = await admin.createUser(`${prefix}-${String(i).padStart(2, '0')}@example.com`, { name: `Person ${i}` });
      await admin.addMember(org.id, u.id);
    }
    const first = await open(browser, tab);
    const next = /href="([^"]+)" rel="next"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await open(browser, next!);
    expect(second.status).toBe(200);
    const emailsOf = (html: string) => [...html.matchAll(/<tr data-user-id="[^"]+"><td>([^<]+)</g)].map((m) => m[1]);
    expect(emailsOf(first.html)).toHaveLength(50);
    expect(emailsOf(second.html)).toHaveLength(4); // 53 + the owner
    expect(new Set([...emailsOf(first.html), ...emailsOf(second.html)]).size).toBe(54);
    expect(second.html).not.toContain('rel="next"');

    for (let i = 0; i < 3; i++) {
      const u = await admin.createUser(`other-${prefix}-${i}@example.com`, { name: `${prefix.toUpperCase()} Named ${i}` });
      await admin.addMember(org.id, u.id);
    }
    // email matches first (by email), then name matches (by name), over two pages
    const all = await open(browser, `${tab}?q=${prefix}`);
    const rest = await open(browser, /href="([^"]+)" rel="next"/.exec(all.html)![1]!.replace(/&amp;/g, '&'));
    expect(emailsOf(all.html)).toHaveLength(50);
    expect(emailsOf(rest.html)).toEqual([50, 51, 52].map((i) => `${prefix}-${i}@example.com`).concat([0, 1, 2].map((i) => `other-${prefix}-${i}@example.com`)));
    expect(rest.html).not.toContain('rel="next"');

    const search = await open(browser, `${tab}?q=${prefix.toUpperCase()}-1`);
    expect(emailsOf(search.html)).toEqual([...Array(10).keys()].map((i) => `${prefix}-1${i}@example.com`));
    const byName = await open(browser, `${tab}?q=person%205`);
    expect(emailsOf(byName.html).sort()).toEqual([`${prefix}-05@example.com`, ...[...Array(3).keys()].map((i) => `${prefix}-5${i}@example.com`)].sort());
  });

  it('when an organization name or a user name is hostile HTML, then it is shown escaped', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { org, browser, tab } = await signedInOwner(hostile);
    const user = await admin.createUser(`h${Date.now()}@example.com`, { name: '"><b>bold</b>' });
    await admin.addMember(org.id, user.id);
    const page = await open(browser, tab);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html).not.toContain('<img src=x');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('"><b>bold</b>');
    expect(page.html).toContain('&quot;&gt;&lt;b&gt;bold&lt;/b&gt;');
  });
});

describe('the owner role in the portal', () => {
  it('when an organization admin (not owner) tries to give, take or remove owner, then 403 and nothing changes; a member role change works', async () => {
    const org = await admin.createOrg();
    const owner = await personIn(admin, org.id, 'owner', 'owner');
    const orgAdmin = await personIn(admin, org.id, 'admin', 'adm');
    const user = await admin.createUser();
    await admin.addMember(org.id, user.id);
    const { browser } = await signInToPortal(admin, orgAdmin.email);
    const tab = portalPath(admin, `/organizations/${org.id}/members`);
    expect((await submit(browser, tab, `${tab}/${orgAdmin.id}/roles`, { roles: 'owner' })).status).toBe(403);
    expect((await submit(browser, tab, `${tab}/${owner.id}/roles`, { roles: 'member' })).status).toBe(403);
    expect((await submit(browser, tab, `${tab}/${owner.id}/remove`, {})).status).toBe(403);
    const stranger = await admin.createUser();
    expect((await submit(browser, tab, `${tab}/add`, { user_id: stranger.id, role: 'owner' })).status).toBe(403);
    const invitations = portalPath(admin, `/organizations/${org.id}/invitations`);
    expect((await submit(browser, invitations, `${invitations}/send`, { email: 'new-owner@example.com', role: 'owner' })).status).toBe(403);
    const members = await membersOf(org.id);
    expect(members.find((m) => m.user_id === owner.id)?.roles).toEqual(['owner']);
    expect(members.find((m) => m.user_id === orgAdmin.id)?.roles).toEqual(['admin']);
    expect(members.find((m) => m.user_id === stranger.id)).toBeUndefined();
    expect((await submit(browser, tab, `${tab}/${user.id}/roles`, { roles: 'guest' })).status).toBe(303);
    expect((await membersOf(org.id)).find((m) => m.user_id === user.id)?.roles).toEqual(['guest']);
  });
});
