import { newIdpKey } from '../../support/saml-idp';
import { lastFailureReason, sessionCookieOf, setupSso, signIn, ssoTestbed } from '../../support/sso';

const t = ssoTestbed();

const members = async (orgId: string) => (await t.admin.get(`/organizations/${orgId}/members`)).body.data as Array<{ email: string; source: string; role: string; status: string }>;

describe('JIT', () => {
  it('when the email domain is verified for a linked organization, then the most specific one is signed into', async () => {
    const s = await setupSso(t.admin);
    const sub = await t.admin.createOrg({ name: 'EU' });
    expect((await t.admin.post(`/organizations/${sub.id}/connections`, { connection_id: s.connection.id })).status).toBe(201);
    t.domains.verify(s.org.id, 'corp.test', true);
    t.domains.verify(sub.id, 'eu.corp.test');
    const { res } = await signIn(t.app, s, { email: 'eve@eu.corp.test' });
    expect(res.status).toBe(303);
    expect(await members(sub.id)).toEqual([expect.objectContaining({ email: 'eve@eu.corp.test', source: 'jit' })]);
    expect(await members(s.org.id)).toEqual([]);
  });

  it('when the domain is not verified, then JIT is refused with 403 and nobody is created', async () => {
    const s = await setupSso(t.admin);
    const { res } = await signIn(t.app, s, { email: 'nobody@unverified.test' });
    expect(res.status).toBe(403);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
    expect((await t.admin.get('/users?search=unverified.test')).body.data).toEqual([]);
  });

  it('when the domain is verified for an organization that is not linked, then JIT is refused', async () => {
    const s = await setupSso(t.admin);
    const unlinked = await t.admin.createOrg();
    t.domains.verify(unlinked.id, 'unlinked.test');
    const { res } = await signIn(t.app, s, { email: 'x@unlinked.test' });
    expect(res.status).toBe(403);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
  });

  it('when JIT is disabled, then a new person is refused but an existing member signs in', async () => {
    const s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    t.domains.verify(s.org.id, 'nojit.test');
    expect((await signIn(t.app, s, { email: 'new@nojit.test' })).res.status).toBe(403);
    const user = await t.admin.createUser('Old@NoJit.test');
    await t.admin.addMember(s.org.id, user.id, 'admin');
    const { res } = await signIn(t.app, s, { email: 'old@nojit.TEST' });
    expect(res.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.id).toBe(user.id);
    expect(me.body.organization.role).toBe('admin');
  });

  it('when an existing tenant user without membership signs in on a verified domain, then the user is reused', async () => {
    const s = await setupSso(t.admin);
    t.domains.verify(s.org.id, 'reuse.test');
    const user = await t.admin.createUser('reuse@reuse.test');
    expect((await signIn(t.app, s, { email: 'REUSE@reuse.test' })).res.status).toBe(303);
    expect((await members(s.org.id))[0]).toMatchObject({ email: user.email, source: 'jit' });
  });

  it('when the user is blocked, then 403 user_blocked, and an existing session stops working', async () => {
    const s = await setupSso(t.admin);
    t.domains.verify(s.org.id, 'blocked.test');
    const first = await signIn(t.app, s, { email: 'b@blocked.test' });
    const cookie = sessionCookieOf(first.res)!;
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', cookie);
    expect((await t.admin.patch(`/users/${me.body.user.id}`, { blocked: true })).status).toBe(200);
    expect((await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', cookie)).status).toBe(401);
    const { res } = await signIn(t.app, s, { email: 'b@blocked.test' });
    expect(res.status).toBe(403);
    expect(await lastFailureReason(t.admin)).toBe('user_blocked');
  });

  it('when the membership is suspended, then 403 membership_suspended', async () => {
    const s = await setupSso(t.admin);
    t.domains.verify(s.org.id, 'suspended.test');
    await signIn(t.app, s, { email: 's@suspended.test' });
    await t.app.container.models.Membership.update({ status: 'suspended' }, { where: { organization_id: s.org.id } });
    const { res } = await signIn(t.app, s, { email: 's@suspended.test' });
    expect(res.status).toBe(403);
    expect(await lastFailureReason(t.admin)).toBe('membership_suspended');
  });
});

describe('certificate rotation', () => {
  it('when a second certificate is added, then both sign; when the old one is removed, then only the new one does', async () => {
    const old = newIdpKey('old');
    const fresh = newIdpKey('new');
    const s = await setupSso(t.admin, {}, old);
    t.domains.verify(s.org.id, 'rotate.test');
    const both = await t.admin.patch(`/connections/${s.connection.id}`, { idp_certificates: [old.certificatePem, fresh.certificatePem] });
    expect(both.body.idp_certificates).toHaveLength(2);
    expect((await signIn(t.app, s, { email: 'r@rotate.test', key: old })).res.status).toBe(303);
    expect((await signIn(t.app, s, { email: 'r@rotate.test', key: fresh })).res.status).toBe(303);

    expect((await t.admin.patch(`/connections/${s.connection.id}`, { idp_certificates: [fresh.certificatePem] })).status).toBe(200);
    expect((await signIn(t.app, s, { email: 'r@rotate.test', key: fresh })).res.status).toBe(303);
    const { res } = await signIn(t.app, s, { email: 'r@rotate.test', key: old });
    expect(res.status).toBe(400);
    expect(await lastFailureReason(t.admin)).toBe('signature_invalid');
  });
});

describe('signed modes', () => {
  it.each([
    ['either', { signResponse: true, signAssertion: false }, 303],
    ['either', { signResponse: false, signAssertion: true }, 303],
    ['response', { signResponse: false, signAssertion: true }, 400],
    ['response', { signResponse: true, signAssertion: false }, 303],
    ['assertion', { signResponse: true, signAssertion: false }, 400],
    ['assertion', { signResponse: false, signAssertion: true }, 303],
    ['both', { signResponse: true, signAssertion: false }, 400],
    ['both', { signResponse: true, signAssertion: true }, 303],
  ])('signed=%s with %j → %i', async (signed, knobs, status) => {
    const s = await setupSso(t.admin, { signed });
    t.domains.verify(s.org.id, `${signed}.signed.test`);
    const { res } = await signIn(t.app, s, { email: `p@${signed}.signed.test`, ...knobs });
    expect(res.status).toBe(status);
    if (status === 400) expect(await lastFailureReason(t.admin)).toBe('signature_invalid');
  });
});
