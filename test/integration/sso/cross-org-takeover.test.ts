import { createDirectory, SCIM } from '../../support/scim';
import { lastFailureReason, sessionCookieOf, setupSso, signIn, ssoTestbed } from '../../support/sso';

/**
 * Issue 18, F1: an organization's directory and IdP must not reach an account of another
 * organization or the tenant's admin. Before the fix, the SCIM POST linked the directory to the
 * victim's account and the signed assertion then signed in as the victim.
 */
const t = ssoTestbed();

describe('cross-organization account takeover', () => {
  it("a directory that provisions the tenant admin's address, then its IdP's signed assertion for it, gets no link and no session", async () => {
    const victimOrg = await t.admin.createOrg({ name: 'Victim' });
    t.domains.verify(victimOrg.id, 'victim.example');
    const boss = await t.admin.createUser('boss@victim.example', { tenant_role: 'admin' });
    await t.admin.addMember(victimOrg.id, boss.id, 'owner');

    const attacker = await setupSso(t.admin);
    t.domains.verify(attacker.org.id, 'attacker.example');
    const scim = await createDirectory(t.admin, attacker.org.id);
    const provisioned = await scim.post('/Users', { schemas: [SCIM.user], userName: 'boss@victim.example', active: true });
    expect(provisioned.status).toBe(201);
    expect(provisioned.body['urn:orgbridge:params:scim:schemas:extension:link:2.0:User']).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });

    const { res } = await signIn(t.app, attacker, { email: 'boss@victim.example' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(sessionCookieOf(res)).toBeUndefined();
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
    const account = (await t.admin.get(`/users/${boss.id}`)).body;
    expect(account.memberships).toEqual([expect.objectContaining({ organization_id: victimOrg.id, role: 'owner' })]);
  });

  it("an IdP learns nothing about an account it does not speak for: a blocked victim's address is refused as domain_not_verified", async () => {
    const victimOrg = await t.admin.createOrg({ name: 'Blocked Victim' });
    t.domains.verify(victimOrg.id, 'blocked-victim.example');
    const victim = await t.admin.createUser('ceo@blocked-victim.example');
    expect((await t.admin.patch(`/users/${victim.id}`, { blocked: true })).status).toBe(200);
    const attacker = await setupSso(t.admin);
    const { res } = await signIn(t.app, attacker, { email: 'ceo@blocked-victim.example' });
    expect(res.status).toBe(403);
    expect(res.text).not.toMatch(/account is blocked/i);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
  });

  it("a member added by hand signs in through the organization's IdP only on a domain it verified", async () => {
    const s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const outsider = await t.admin.createUser('guest@elsewhere.example');
    await t.admin.addMember(s.org.id, outsider.id, 'member');
    const refused = await signIn(t.app, s, { email: 'guest@elsewhere.example' });
    expect(refused.res.status).toBe(403);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');

    t.domains.verify(s.org.id, 'elsewhere.example');
    const { res } = await signIn(t.app, s, { email: 'guest@elsewhere.example' });
    expect(res.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.id).toBe(outsider.id);
  });
});
