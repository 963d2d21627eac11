import { OKTA_ATTRIBUTES } from '../../support/saml-idp';
import { sessionCookieOf, setupSso, signIn, ssoTestbed } from '../../support/sso';

const t = ssoTestbed();

describe('SAML JIT and several roles', () => {
  it('a JIT member given extra roles by an admin holds exactly the mapped role after its groups change', async () => {
    const s = await setupSso(t.admin, { role_mappings: { default_role: 'guest', mappings: [{ group: 'Admins', role: 'admin' }] } });
    t.domains.verify(s.org.id, 'jit-roles.test');
    await t.admin.post(`/organizations/${s.org.id}/roles`, { key: 'billing', name: 'Billing' });
    const email = 'jo@jit-roles.test';
    expect((await signIn(t.app, s, { email, attributes: OKTA_ATTRIBUTES(email) })).res.status).toBe(303);
    const [member] = (await t.admin.get(`/organizations/${s.org.id}/members`)).body.data;
    expect(member).toMatchObject({ source: 'jit', role: 'admin', roles: ['admin'] });

    // An admin adds a role; the same mapped role at the next sign-in keeps the set.
    expect((await t.admin.patch(`/organizations/${s.org.id}/members/${member.user_id}`, { roles: ['admin', 'billing'] })).status).toBe(200);
    const same = await signIn(t.app, s, { email, attributes: OKTA_ATTRIBUTES(email) });
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(same.res)!);
    expect(me.body.organization).toMatchObject({ role: 'admin', roles: ['admin', 'billing'] });

    // The groups change: the mapped role replaces the whole set.
    await signIn(t.app, s, { email, attributes: { ...OKTA_ATTRIBUTES(email), groups: ['Everyone'] } });
    expect((await t.admin.get(`/organizations/${s.org.id}/members`)).body.data[0]).toMatchObject({ role: 'guest', roles: ['guest'] });
    const [changed] = await t.admin.events(`?type=membership.role_changed&organization_id=${s.org.id}`);
    expect(changed!.data).toMatchObject({ from: 'admin', to: 'guest', roles_from: ['admin', 'billing'], roles_to: ['guest'], source: 'jit' });
  });
});
