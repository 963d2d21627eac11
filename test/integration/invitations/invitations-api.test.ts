import { hashInviteToken } from '../../../src/invitations/invite-token';
import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';
import { acceptApi, GOOD_PASSWORD, invite, invitationsPath } from '../../support/invitations';
import { ManualClock, ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
let org: { id: string; slug: string };
const clock = new ManualClock();
const email = () => `${uniqueSlug('p')}@example.com`;

beforeAll(async () => {
  app = await startTestApp({ clock });
  admin = await createTenant(app);
  org = await admin.createOrg({ name: 'Acme' });
});
afterAll(() => app.close());

describe('POST /organizations/{orgId}/invitations', () => {
  it('when the email is new, then 201 pending with a link, the inviter and metadata are kept, and an event is recorded', async () => {
    const inviter = await admin.createUser(email(), { name: 'Ines' });
    const to = email();
    const before = clock.now().getTime();
    const res = await admin.post(invitationsPath(org.id), { email: to, role: 'admin', inviter_user_id: inviter.id, metadata: { team: 'blue' }, send_email: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^inv_/),
      organization_id: org.id,
      email: to,
      role: 'admin',
      status: 'pending',
      inviter_user_id: inviter.id,
      metadata: { team: 'blue' },
      invite_url: expect.stringMatching(new RegExp(`^http://localhost:3000/t/${admin.tenant.slug}/invitations/accept\\?token=[A-Za-z0-9_-]{43}$`)),
    });
    expect(Date.parse(res.body.expires_at) - before).toBe(604_800_000);

    const got = await admin.get(`${invitationsPath(org.id)}/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.invite_url).toBeUndefined();
    expect(got.body).toMatchObject({ status: 'pending', inviter_user_id: inviter.id, metadata: { team: 'blue' } });
    const [event] = await admin.events('?type=invitation.created');
    expect(event).toMatchObject({ target: { type: 'invitation', id: res.body.id }, organization_id: org.id, data: { email: to, role: 'admin' } });
    expect(JSON.stringify(event)).not.toContain(res.body.invite_url.split('token=')[1]);
  });

  it.each([
    ['no role', { email: 'a@example.com' }],
    ['an unknown role', { email: 'a@example.com', role: 'wizard' }],
    ['a bad email', { email: 'not-an-email', role: 'member' }],
    ['expires_in over 30 days', { email: 'a@example.com', role: 'member', expires_in: 2_592_001 }],
    ['expires_in below a minute', { email: 'a@example.com', role: 'member', expires_in: 5 }],
    ['an unknown field', { email: 'a@example.com', role: 'member', colour: 'red' }],
    ['an unknown inviter', { email: 'a@example.com', role: 'member', inviter_user_id: 'usr_01J00000000000000000000000' }],
  ])('when the body has %s, then 400 and nothing is created', async (_case, body) => {
    const res = await admin.post(invitationsPath(org.id), body);
    expectError(res, 400, 'invalid_request');
    expect((await admin.get(`${invitationsPath(org.id)}?status=pending`)).body.data.filter((i: { email: string }) => i.email === 'a@example.com')).toEqual([]);
  });

  it('when expires_in is 30 days, then it is accepted', async () => {
    const res = await admin.post(invitationsPath(org.id), { email: email(), role: 'member', expires_in: 2_592_000, send_email: false });
    expect(res.status).toBe(201);
  });

  it('when the organization does not exist, then 404', async () => {
    expectError(await admin.post(invitationsPath('org_01J00000000000000000000000'), { email: email(), role: 'member' }), 404, 'not_found');
  });

  it('when the email already has a pending invite (any case), then 409 and one invitation stays pending', async () => {
    const to = email();
    await invite(admin, org.id, to);
    expectError(await admin.post(invitationsPath(org.id), { email: to.toUpperCase(), role: 'member', send_email: false }), 409, 'conflict');
    const pending = (await admin.get(`${invitationsPath(org.id)}?status=pending&limit=200`)).body.data.filter((i: { email: string }) => i.email.toLowerCase() === to);
    expect(pending).toHaveLength(1);
  });

  it('when the email is already a member, then 409', async () => {
    const user = await admin.createUser();
    await admin.addMember(org.id, user.id);
    const res = await admin.post(invitationsPath(org.id), { email: user.email, role: 'member', send_email: false });
    expectError(res, 409, 'conflict');
    expect(res.body.error.message).toMatch(/already a member/);
  });

  it('when invites for one email race, then exactly one 201 and the rest 409', async () => {
    const to = email();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => admin.post(invitationsPath(org.id), { email: to, role: 'member', send_email: false })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'conflict');
  });

  it('when the earlier invite has expired, then a new one is created and the old one reads expired', async () => {
    const to = email();
    const { invitation: old } = await invite(admin, org.id, to, { expires_in: 60 });
    clock.advance(61_000);
    const { invitation: fresh } = await invite(admin, org.id, to);
    expect(fresh.id).not.toBe(old.id);
    expect((await admin.get(`${invitationsPath(org.id)}/${old.id}`)).body.status).toBe('expired');
  });
});

describe('GET /organizations/{orgId}/invitations', () => {
  it('filters by status, pages, and rejects an unknown status', async () => {
    const o = await admin.createOrg();
    const a = await invite(admin, o.id, email());
    const b = await invite(admin, o.id, email());
    const c = await invite(admin, o.id, email(), { expires_in: 60 });
    expect((await admin.del(`${invitationsPath(o.id)}/${b.invitation.id}`)).status).toBe(204);
    clock.advance(61_000);
    expect((await acceptApi(admin, { token: a.token, name: 'Ann', password: GOOD_PASSWORD })).status).toBe(200);

    const ids = async (q: string) => (await admin.get(`${invitationsPath(o.id)}${q}`)).body.data.map((i: { id: string }) => i.id);
    expect(await ids('')).toEqual([a.invitation.id, b.invitation.id, c.invitation.id]);
    expect(await ids('?status=accepted')).toEqual([a.invitation.id]);
    expect(await ids('?status=revoked')).toEqual([b.invitation.id]);
    expect(await ids('?status=expired')).toEqual([c.invitation.id]);
    expect(await ids('?status=pending')).toEqual([]);
    const first = await admin.get(`${invitationsPath(o.id)}?limit=2`);
    expect(first.body.data).toHaveLength(2);
    expect((await admin.get(`${invitationsPath(o.id)}?limit=2&cursor=${first.body.next_cursor}`)).body.data.map((i: { id: string }) => i.id)).toEqual([c.invitation.id]);
    expectError(await admin.get(`${invitationsPath(o.id)}?status=lost`), 400, 'invalid_request');
  });

  it('when the invitation belongs to another organization, then 404', async () => {
    const other = await admin.createOrg();
    const { invitation } = await invite(admin, org.id, email());
    expectError(await admin.get(`${invitationsPath(other.id)}/${invitation.id}`), 404, 'not_found');
    expectError(await admin.del(`${invitationsPath(other.id)}/${invitation.id}`), 404, 'not_found');
  });
});

describe('resend and revoke', () => {
  it('when resent, then a new link and expiry, the old link answers 410 and the new one works', async () => {
    const to = email();
    const first = await invite(admin, org.id, to, { expires_in: 60 });
    clock.advance(1000);
    const res = await admin.post(`${invitationsPath(org.id)}/${first.invitation.id}/resend`, { send_email: false });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(first.invitation.id);
    expect(res.body.invite_url).not.toBe(first.invitation.invite_url);
    expect(Date.parse(res.body.expires_at)).toBe(clock.now().getTime() + 604_800_000);
    const oldAccept = await acceptApi(admin, { token: first.token, name: 'Old', password: GOOD_PASSWORD });
    expectError(oldAccept, 410, 'gone');
    expect(oldAccept.body.error.message).toMatch(/replaced/);
    const newToken = new URL(res.body.invite_url).searchParams.get('token');
    expect((await acceptApi(admin, { token: newToken, name: 'New', password: GOOD_PASSWORD })).status).toBe(200);
    expect((await admin.events('?type=invitation.resent'))[0]).toMatchObject({ target: { id: first.invitation.id } });
  });

  it('when revoked, then 204, the link answers 410, a second revoke is 204, and resend is 409', async () => {
    const { invitation, token } = await invite(admin, org.id, email());
    expect((await admin.del(`${invitationsPath(org.id)}/${invitation.id}`)).status).toBe(204);
    expect((await admin.del(`${invitationsPath(org.id)}/${invitation.id}`)).status).toBe(204);
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
    const res = await acceptApi(admin, { token, name: 'Rita', password: GOOD_PASSWORD });
    expectError(res, 410, 'gone');
    expect(res.body.error.message).toMatch(/revoked/);
    expectError(await admin.post(`${invitationsPath(org.id)}/${invitation.id}/resend`, {}), 409, 'conflict');
    expect((await admin.events('?type=invitation.revoked')).filter((e) => (e.target as { id: string }).id === invitation.id)).toHaveLength(1);
    // the revoked invite no longer blocks a new one
    expect((await admin.post(invitationsPath(org.id), { email: invitation.email, role: 'member', send_email: false })).status).toBe(201);
  });

  it('when an accepted invitation is revoked, then 409', async () => {
    const { invitation, token } = await invite(admin, org.id, email());
    expect((await acceptApi(admin, { token, name: 'Al', password: GOOD_PASSWORD })).status).toBe(200);
    expectError(await admin.del(`${invitationsPath(org.id)}/${invitation.id}`), 409, 'conflict');
  });
});

describe('POST /t/{tenant}/api/v1/invitations/accept', () => {
  it('when a new person registers, then 200, they are a member with the invited role and source invitation, in one transaction with the events', async () => {
    const to = email();
    const { invitation, token } = await invite(admin, org.id, to, { role: 'admin' });
    const res = await acceptApi(admin, { token, name: 'Nina New', password: GOOD_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: expect.stringMatching(/^usr_/), organization_id: org.id, role: 'admin', roles: ['admin'] });

    const user = (await admin.get(`/users/${res.body.user_id}`)).body;
    expect(user).toMatchObject({ email: to, name: 'Nina New', tenant_role: null });
    expect(user.memberships).toEqual([expect.objectContaining({ organization_id: org.id, role: 'admin', source: 'invitation', status: 'active' })]);
    // identities name the password sign-in (issue 22) but never the hash
    expect(JSON.stringify(user)).not.toMatch(/scrypt|password_hash/);
    expect(user.identities).toEqual([{ type: 'password', subject: to, last_used_at: null }]);
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body).toMatchObject({
      status: 'accepted',
      accepted_user_id: res.body.user_id,
    });
    const types = (await admin.events('?limit=10')).map((e) => e.type);
    expect(types.slice(0, 3).sort()).toEqual(['invitation.accepted', 'membership.created', 'user.created']);
    const [accepted] = await admin.events('?type=invitation.accepted');
    expect(accepted).toMatchObject({ actor: { type: 'user', id: res.body.user_id }, data: { user_id: res.body.user_id, role: 'admin', new_user: true } });
    const stored = await app.container.models.User.findByPk(res.body.user_id);
    expect(stored!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('when the token is used a second time, then 410 and nothing changes', async () => {
    const { token } = await invite(admin, org.id, email());
    const first = await acceptApi(admin, { token, name: 'Once', password: GOOD_PASSWORD });
    expect(first.status).toBe(200);
    const again = await acceptApi(admin, { token, password: GOOD_PASSWORD });
    expectError(again, 410, 'gone');
    expect(again.body.error.message).toMatch(/already been accepted/);
  });

  it('when the invitation has expired, then 410 and no user is created', async () => {
    const to = email();
    const { token } = await invite(admin, org.id, to, { expires_in: 60 });
    clock.advance(60_000);
    const res = await acceptApi(admin, { token, name: 'Late', password: GOOD_PASSWORD });
    expectError(res, 410, 'gone');
    expect(res.body.error.message).toMatch(/expired/);
    expect((await admin.get(`/users?search=${encodeURIComponent(to)}`)).body.data).toEqual([]);
  });

  it('when the token is unknown or belongs to another tenant, then 404', async () => {
    const other = await createTenant(app);
    const { token } = await invite(admin, org.id, email());
    expectError(await acceptApi(admin, { token, name: 'X', password: GOOD_PASSWORD }, other.tenant.slug), 404, 'not_found');
    expectError(await acceptApi(admin, { token: 'A'.repeat(43), name: 'X', password: GOOD_PASSWORD }), 404, 'not_found');
    expectError(await acceptApi(admin, { token, name: 'X', password: GOOD_PASSWORD }, 'no-such-tenant'), 404, 'not_found');
    // still pending in its own tenant
    expect((await acceptApi(admin, { token, name: 'X', password: GOOD_PASSWORD })).status).toBe(200);
  });

  it.each([
    ['too short', 'Sh0rt!x'],
    ['a common password', 'Password123'],
    ['the email itself', null],
    ['over 256 characters', 'x'.repeat(257)],
  ])('when the password is %s, then 400 invalid_request with details, and the invitation stays pending', async (_case, password) => {
    const to = email();
    const { invitation, token } = await invite(admin, org.id, to);
    const res = await acceptApi(admin, { token, name: 'Weak', password: password ?? to });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'password' })]));
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body.status).toBe('pending');
  });

  it("when the organization's effective password_min_length is 12, then an 11-character password is refused", async () => {
    const strict = await admin.createOrg({ auth_settings: { password_min_length: 12 } });
    const { token } = await invite(admin, strict.id, email());
    const res = await acceptApi(admin, { token, name: 'Len', password: 'vq8#kLm2zP!' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(/at least 12/);
    expect((await acceptApi(admin, { token, name: 'Len', password: 'vq8#kLm2zP!w' })).status).toBe(200);
  });

  it('when a new person gives no name, then 400', async () => {
    const { token } = await invite(admin, org.id, email());
    expectError(await acceptApi(admin, { token, password: GOOD_PASSWORD }), 400, 'invalid_request');
    expectError(await acceptApi(admin, { token: 5 }), 400, 'invalid_request');
  });

  it('when someone with an account accepts, then a wrong or missing password is 401 and the right one makes them a member', async () => {
    const first = await admin.createOrg();
    const to = email();
    const a = await invite(admin, first.id, to);
    const registered = await acceptApi(admin, { token: a.token, name: 'Eve', password: GOOD_PASSWORD });
    expect(registered.status).toBe(200);

    const { invitation, token } = await invite(admin, org.id, to, { role: 'guest' });
    expectError(await acceptApi(admin, { token, password: 'not the password' }), 401, 'unauthorized');
    expectError(await acceptApi(admin, { token }), 401, 'unauthorized');
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body.status).toBe('pending');
    const res = await acceptApi(admin, { token, password: GOOD_PASSWORD, name: 'ignored' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: registered.body.user_id, organization_id: org.id, role: 'guest', roles: ['guest'] });
    const user = (await admin.get(`/users/${registered.body.user_id}`)).body;
    expect(user.name).toBe('Eve');
    expect(user.memberships.map((m: { organization_id: string }) => m.organization_id).sort()).toEqual([first.id, org.id].sort());
  });

  it("when wrong passwords reach the organization's max_login_attempts, then the link answers 410 until the invitation is resent", async () => {
    const to = email();
    const reg = await acceptApi(admin, { token: (await invite(admin, org.id, to)).token, name: 'Bo', password: GOOD_PASSWORD });
    const strict = await admin.createOrg({ auth_settings: { max_login_attempts: 2 } });
    const { invitation, token } = await invite(admin, strict.id, to);
    expectError(await acceptApi(admin, { token, password: 'guess one' }), 401, 'unauthorized');
    expectError(await acceptApi(admin, { token, password: 'guess two' }), 401, 'unauthorized');
    const locked = await acceptApi(admin, { token, password: GOOD_PASSWORD });
    expectError(locked, 410, 'gone');
    expect(locked.body.error.message).toMatch(/too many wrong passwords/);
    const resent = await admin.post(`${invitationsPath(strict.id)}/${invitation.id}/resend`, { send_email: false });
    const fresh = new URL(resent.body.invite_url).searchParams.get('token');
    expect((await acceptApi(admin, { token: fresh, password: GOOD_PASSWORD })).body).toEqual({ user_id: reg.body.user_id, organization_id: strict.id, role: 'member', roles: ['member'] });
  });

  it('when the account has no password (created by an administrator), then 403 with a clear message', async () => {
    const user = await admin.createUser();
    const { invitation, token } = await invite(admin, org.id, user.email);
    const res = await acceptApi(admin, { token, password: GOOD_PASSWORD });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toMatch(/without a password/);
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body.status).toBe('pending');
  });

  it('when the person became a member after the invite, then 200 with the existing role, which is kept', async () => {
    const to = email();
    const other = await admin.createOrg();
    const reg = await acceptApi(admin, { token: (await invite(admin, other.id, to)).token, name: 'Mo', password: GOOD_PASSWORD });
    const { token } = await invite(admin, org.id, to, { role: 'admin' });
    await admin.addMember(org.id, reg.body.user_id, 'guest');
    const res = await acceptApi(admin, { token, password: GOOD_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('guest');
    expect((await admin.events('?type=invitation.accepted'))[0]!.data).toMatchObject({ already_member: true });
  });

  it('when the same token is accepted in parallel, then exactly one 200 and the rest 410, with one user and one membership', async () => {
    const o = await admin.createOrg();
    const to = email();
    const { token } = await invite(admin, o.id, to);
    const results = await Promise.all(Array.from({ length: 5 }, () => acceptApi(admin, { token, name: 'Racer', password: GOOD_PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410, 410, 410]);
    for (const r of results.filter((x) => x.status !== 200)) expectError(r, 410, 'gone');
    expect((await admin.get(`/users?search=${encodeURIComponent(to)}`)).body.data).toHaveLength(1);
    expect((await admin.get(`/organizations/${o.id}/members`)).body.data).toHaveLength(1);
  });
});

describe('tenant-level invitations', () => {
  it('POST /api/v1/tenants with admin_email invites the first administrator, who becomes tenant_role admin on acceptance', async () => {
    const slug = uniqueSlug('boot');
    const to = email();
    const res = await app.http.post('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`).send({ slug, name: 'Boot', admin_email: to });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug, admin_invitation: { organization_id: null, email: to, role: 'admin', status: 'pending' } });
    const boot = new (admin.constructor as typeof AdminClient)(app, res.body);
    const listed = (await boot.get('/invitations')).body.data;
    expect(listed).toEqual([expect.objectContaining({ id: res.body.admin_invitation.id, organization_id: null })]);
    // Without SMTP the mail waits in the outbox, link included. (Its status is not asserted: on a
    // shared MariaDB another test file's SMTP sender loop may already have picked it up.)
    const outbox = (await boot.get('/outbox')).body.data;
    expect(outbox).toEqual([expect.objectContaining({ to, subject: 'You are invited to administer Boot' })]);
    expect(outbox[0].text).toContain(res.body.admin_invitation.invite_url);

    const token = new URL(res.body.admin_invitation.invite_url).searchParams.get('token');
    const page = await app.http.get(`/t/${slug}/invitations/accept?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Administer Boot</h1>');
    expect(page.text).toContain('as a <strong>tenant administrator</strong>');
    const accepted = await acceptApi(boot, { token, name: 'Root Admin', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ user_id: expect.any(String), organization_id: null, role: 'admin', roles: ['admin'] });
    expect((await boot.get(`/users/${accepted.body.user_id}`)).body).toMatchObject({ tenant_role: 'admin', memberships: [] });
  });

  it('when admin_email is malformed, then 400 and no tenant is created', async () => {
    const slug = uniqueSlug('bad');
    const res = await app.http.post('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`).send({ slug, name: 'Bad', admin_email: 'nope' });
    expectError(res, 400, 'invalid_request');
    expect((await app.http.get(`/api/v1/tenants/${slug}`).set('Authorization', `Bearer ${ROOT_KEY}`)).status).toBe(404);
  });

  it('lists, resends and revokes under /invitations; an existing administrator cannot be invited (409); only role admin', async () => {
    const { invitation } = await invite(admin, null, email());
    expect((await admin.post(`/invitations/${invitation.id}/resend`, { send_email: false })).status).toBe(200);
    expect((await admin.del(`/invitations/${invitation.id}`)).status).toBe(204);
    expect((await admin.get(`/invitations/${invitation.id}`)).body.status).toBe('revoked');
    expectError(await admin.get(`${invitationsPath(org.id)}/${invitation.id}`), 404, 'not_found');
    const existingAdmin = await admin.createUser(email(), { tenant_role: 'admin' });
    expectError(await admin.post('/invitations', { email: existingAdmin.email, send_email: false }), 409, 'conflict');
    expectError(await admin.post('/invitations', { email: email(), role: 'owner' }), 400, 'invalid_request');
  });

  it('when an existing member accepts a tenant-level invitation, then they become tenant admin and keep their memberships', async () => {
    const to = email();
    const reg = await acceptApi(admin, { token: (await invite(admin, org.id, to)).token, name: 'Up', password: GOOD_PASSWORD });
    const { token } = await invite(admin, null, to);
    expect((await acceptApi(admin, { token, password: GOOD_PASSWORD })).body).toEqual({ user_id: reg.body.user_id, organization_id: null, role: 'admin', roles: ['admin'] });
    const user = (await admin.get(`/users/${reg.body.user_id}`)).body;
    expect(user.tenant_role).toBe('admin');
    expect(user.memberships).toHaveLength(1);
  });
});

describe('deleting what invitations belong to', () => {
  it('deleting an organization or a tenant takes its invitations, tokens and mail with it', async () => {
    const t = await createTenant(app);
    const o = await t.createOrg();
    const { token } = await invite(t, o.id, email(), { send_email: true });
    await invite(t, null, email(), { send_email: true });
    expect((await t.del(`/organizations/${o.id}`)).status).toBe(204);
    expectError(await acceptApi(t, { token, name: 'Gone', password: GOOD_PASSWORD }), 404, 'not_found');
    expect((await app.http.delete(`/api/v1/tenants/${t.tenant.slug}`).set('Authorization', `Bearer ${ROOT_KEY}`)).status).toBe(204);
    const { Invitation, InvitationToken, Outbox } = app.container.models;
    expect(await Invitation.count({ where: { tenant_id: t.tenant.id } })).toBe(0);
    expect(await Outbox.count({ where: { tenant_id: t.tenant.id } })).toBe(0);
    expect(await InvitationToken.count({ where: { token_hash: hashInviteToken(token) } })).toBe(0);
  });
});

describe('GET /outbox', () => {
  it('is admin-only and validates its filter', async () => {
    expectError(await app.http.get(`/t/${admin.tenant.slug}/api/v1/admin/outbox`), 401, 'unauthorized');
    expectError(await admin.get('/outbox?status=lost'), 400, 'invalid_request');
    const fresh = await createTenant(app);
    const res = await fresh.get('/outbox?status=queued');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });
});
