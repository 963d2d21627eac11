import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';
import { acceptApi, acceptOnPage, GOOD_PASSWORD, invite, invitationsPath } from '../../support/invitations';
import { linkSamlConnection } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
let org: { id: string; slug: string };
let webApp: { id: string; client_id: string };
const email = () => `${uniqueSlug('p')}@example.com`;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
  org = await admin.createOrg({ name: 'Acme' });
  expect((await admin.post(`/organizations/${org.id}/roles`, { key: 'billing', name: 'Billing', rank: 250 })).status).toBe(201);
  webApp = (await admin.post('/applications', { name: 'App', redirect_uris: ['https://app.example/callback', 'https://admin.app.example/cb'] })).body;
});
afterAll(() => app.close());

const invitationCount = () => app.container.models.Invitation.count({ where: { tenant_id: admin.tenant.id } });

describe('invitation fields of seed 001 (issue 22)', () => {
  it('roles: stored and shown; role is the highest-ranked; API acceptance grants every invited role', async () => {
    const to = email();
    const { invitation, token } = await invite(admin, org.id, to, { role: undefined, roles: ['member', 'billing', 'member'] });
    expect(invitation).toMatchObject({ role: 'billing', roles: ['billing', 'member'] });
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body).toMatchObject({ role: 'billing', roles: ['billing', 'member'] });
    const accepted = await acceptApi(admin, { token, name: 'Rolf', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ role: 'billing', roles: ['billing', 'member'] });
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members.find((m: { email: string }) => m.email === to)).toMatchObject({ role: 'billing', roles: ['billing', 'member'], source: 'invitation' });
    const [event] = await admin.events('?type=invitation.accepted&limit=1');
    expect(event!.data).toMatchObject({ role: 'billing', roles: ['billing', 'member'] });
    const permissions = (await admin.get(`/users/${accepted.body.user_id}/permissions?organization=${org.id}`)).body;
    expect(permissions.roles).toEqual(['billing', 'member']);
  });

  it('roles: the hosted page names every invited role and its acceptance grants them all', async () => {
    const to = email();
    const { token } = await invite(admin, org.id, to, { role: undefined, roles: ['admin', 'billing'] });
    const form = await app.http.get(`/t/${admin.tenant.slug}/invitations/accept`).query({ token });
    expect(form.text).toContain('<strong>admin, billing</strong>');
    const posted = await acceptOnPage(admin, token, { name: 'Page Roles', password: GOOD_PASSWORD });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('(admin, billing)');
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members.find((m: { email: string }) => m.email === to)).toMatchObject({ role: 'admin', roles: ['admin', 'billing'], source: 'invitation' });
  });

  it('an invitation with role only answers roles: [role]', async () => {
    const { invitation } = await invite(admin, org.id, email(), { role: 'admin' });
    expect(invitation).toMatchObject({ role: 'admin', roles: ['admin'], connection_id: null, client_id: null, return_to: null, app_metadata: {}, user_metadata: {} });
  });

  it('bad input is 400 with the field named, and writes nothing', async () => {
    const before = await invitationCount();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ role: 'member', roles: ['member'] }, 'roles'],
      [{ role: undefined }, 'role'],
      [{ role: undefined, roles: [] }, 'roles'],
      [{ role: undefined, roles: 'member' }, 'roles'],
      [{ role: undefined, roles: ['member', 'nope'] }, 'roles.1'],
      [{ connection_id: 'con_01HZZZZZZZZZZZZZZZZZZZZZZZ' }, 'connection_id'],
      [{ client_id: 'has space' }, 'client_id'],
      [{ client_id: 'app_01J0000000000000000000000' }, 'client_id'],
      [{ client_id: 'no-such-client' }, 'client_id'],
      [{ client_id: webApp.id, return_to: 'javascript:alert(1)' }, 'return_to'],
      [{ client_id: webApp.id, return_to: 'https://user:pw@app.example/' }, 'return_to'],
      [{ client_id: webApp.id, return_to: 'https://evil.example/welcome' }, 'return_to'],
      [{ client_id: webApp.id, return_to: 'http://app.example/welcome' }, 'return_to'],
      [{ client_id: webApp.id, return_to: '/t/somewhere/next' }, 'return_to'],
      [{ return_to: 'https://app.example/' }, 'return_to'],
      [{ app_metadata: [1] }, 'app_metadata'],
      [{ user_metadata: { big: 'x'.repeat(16 * 1024) } }, 'user_metadata'],
    ];
    for (const [extra, path] of cases) {
      const res = await admin.post(invitationsPath(org.id), { email: email(), role: 'member', send_email: false, ...extra });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    // a connection of the tenant that is not linked to this organization
    const other = await admin.createOrg();
    const foreign = await linkSamlConnection(admin, other.id);
    expectError(await admin.post(invitationsPath(org.id), { email: email(), role: 'member', connection_id: foreign }), 400, 'invalid_request');
    expect(await invitationCount()).toBe(before);
  });

  it('connection_id: kept; the page offers single sign-on only; the password form and API refuse with 403 naming the reason, and nothing is written', async () => {
    const connectionId = await linkSamlConnection(admin, org.id);
    const to = email();
    const { invitation, token } = await invite(admin, org.id, to, { connection_id: connectionId });
    expect(invitation.connection_id).toBe(connectionId);
    const users = await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } });
    const res = await acceptApi(admin, { token, name: 'Sso Person', password: GOOD_PASSWORD });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toMatch(/single sign-on/);
    const page = await app.http.get(`/t/${admin.tenant.slug}/invitations/accept?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Continue with single sign-on');
    const posted = await acceptOnPage(admin, token, { name: 'Sso Person', password: GOOD_PASSWORD });
    expect(posted.status).toBe(403);
    expect(posted.text).toMatch(/single sign-on/);
    expect(await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } })).toBe(users);
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body.status).toBe('pending');
  });

  it('client_id and return_to: stored; the API answer carries return_to and the page redirects the browser there', async () => {
    const { invitation, token } = await invite(admin, org.id, email(), { client_id: webApp.id, return_to: 'https://app.example/welcome' });
    expect(invitation).toMatchObject({ client_id: webApp.id, return_to: 'https://app.example/welcome' });
    const accepted = await acceptApi(admin, { token, name: 'App User', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body.return_to).toBe('https://app.example/welcome');

    // by the OIDC client_id, on the origin of its second redirect URI
    const { token: pageToken } = await invite(admin, org.id, email(), { client_id: webApp.client_id, return_to: 'https://admin.app.example/next?x=1' });
    const posted = await acceptOnPage(admin, pageToken, { name: 'Page User', password: GOOD_PASSWORD });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('https://admin.app.example/next?x=1');
  });

  it('client_id without return_to: the browser goes to the application\'s initiate_login_uri, else its first redirect URI\'s origin', async () => {
    const withLogin = (await admin.post('/applications', { name: 'With login', redirect_uris: ['https://login.example/cb'], initiate_login_uri: 'https://login.example/start?src=invite' })).body;
    const first = await invite(admin, org.id, email(), { client_id: withLogin.client_id });
    const posted = await acceptOnPage(admin, first.token, { name: 'Lena', password: GOOD_PASSWORD });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('https://login.example/start?src=invite');

    const second = await invite(admin, org.id, email(), { client_id: webApp.id });
    const accepted = await acceptApi(admin, { token: second.token, name: 'Otto', password: GOOD_PASSWORD });
    expect(accepted.body.return_to).toBe('https://app.example');

    // a native app without a web redirect URI: no target, the page shows the welcome
    const native = (await admin.post('/applications', { name: 'Phone', type: 'native', redirect_uris: ['com.example.app:/cb'] })).body;
    const third = await invite(admin, org.id, email(), { client_id: native.id });
    const page = await acceptOnPage(admin, third.token, { name: 'Nat', password: GOOD_PASSWORD });
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are now a member of Acme');
  });

  it('app_metadata and user_metadata: set on a new user, merged over an existing one at acceptance', async () => {
    const { token } = await invite(admin, org.id, email(), { app_metadata: { plan: 'pro' }, user_metadata: { lang: 'fr' } });
    const accepted = (await acceptApi(admin, { token, name: 'New', password: GOOD_PASSWORD })).body;
    expect((await admin.get(`/users/${accepted.user_id}`)).body).toMatchObject({ app_metadata: { plan: 'pro' }, user_metadata: { lang: 'fr' } });

    // an existing account (registered through an earlier invitation) keeps its other keys
    const to = email();
    const first = await invite(admin, (await admin.createOrg()).id, to, { app_metadata: { keep: 1, plan: 'free' } });
    const userId = (await acceptApi(admin, { token: first.token, name: 'Old', password: GOOD_PASSWORD })).body.user_id;
    const second = await invite(admin, org.id, to, { app_metadata: { plan: 'pro' }, user_metadata: { lang: 'de' } });
    expect((await acceptApi(admin, { token: second.token, password: GOOD_PASSWORD })).status).toBe(200);
    expect((await admin.get(`/users/${userId}`)).body).toMatchObject({ app_metadata: { keep: 1, plan: 'pro' }, user_metadata: { lang: 'de' } });
  });

  it('inviter: the actor that created it (root key, tenant key), or the inviter_user_id user with its email', async () => {
    const byRoot = (await invite(admin, org.id, email())).invitation;
    expect(byRoot.inviter).toEqual({ type: 'root_key', id: null });
    const key = (await admin.post('/api-keys', { name: 'ci' })).body;
    const byKey = (await invite(admin.withKey(key.key), org.id, email())).invitation;
    expect(byKey.inviter).toEqual({ type: 'api_key', id: key.id });
    const ines = await admin.createUser(email(), { name: 'Ines' });
    const byUser = (await invite(admin, org.id, email(), { inviter_user_id: ines.id })).invitation;
    expect(byUser.inviter).toEqual({ type: 'user', id: ines.id, email: ines.email });
    const listed = (await admin.get(`${invitationsPath(org.id)}?limit=200`)).body.data;
    expect(listed.find((i: { id: string }) => i.id === byUser.id).inviter).toEqual({ type: 'user', id: ines.id, email: ines.email });
    expect(listed.find((i: { id: string }) => i.id === byKey.id).inviter).toEqual({ type: 'api_key', id: key.id });
  });
});
