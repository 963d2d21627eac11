import { domainToASCII } from 'node:url';
import { addVerifiedDomain, siteDomain, startDomainsTestApp, type DomainsTestApp } from '../../support/domain-peers';
import { createTenant } from '../../support/api';
import { createDirectory, SCIM, type ScimClient } from '../../support/scim';
import { lastFailureReason, sessionCookieOf, setupSso, signIn, type SsoSetup } from '../../support/sso';

/**
 * Issue 18, F1, attacked again with the real domains service (DNS TXT on a loopback server), so
 * that the spellings of addresses (case, spaces, trailing dots, IDN) meet the real normalization.
 * The attacker is an organization with its own verified domain, SCIM directory and IdP; the
 * victim is the tenant's admin, owner of another organization whose domain that one verified.
 */
const LINK = 'urn:orgbridge:params:scim:schemas:extension:link:2.0:User';
let t: DomainsTestApp;
beforeAll(async () => {
  t = await startDomainsTestApp();
});
afterAll(() => t.close());

interface Scene {
  victim: { id: string; email: string };
  victimOrg: { id: string };
  victimDomain: string;
  attacker: SsoSetup;
  attackerDomain: string;
  scim: ScimClient;
}

async function scene(local = 'boss'): Promise<Scene> {
  const victimOrg = await t.admin.createOrg({ name: 'Victim' });
  const victimDomain = siteDomain(t.peers, 'victim');
  await addVerifiedDomain(t.admin, t.peers, victimOrg.id, victimDomain);
  const victim = await t.admin.createUser(`${local}@${victimDomain}`, { tenant_role: 'admin' });
  await t.admin.addMember(victimOrg.id, victim.id, 'owner');
  const attacker = await setupSso(t.admin, { jit: { enabled: true, default_role: 'member' } });
  const attackerDomain = siteDomain(t.peers, 'attacker');
  await addVerifiedDomain(t.admin, t.peers, attacker.org.id, attackerDomain);
  return { victim, victimOrg, victimDomain, attacker, attackerDomain, scim: await createDirectory(t.admin, attacker.org.id) };
}

const membersOf = async (orgId: string) => (await t.admin.get(`/organizations/${orgId}/members?limit=200`)).body.data as Array<{ user_id: string; email: string }>;

/** The victim's account is as the scene made it: no membership of the attacker's organization, no SAML identity. */
async function expectUntouched(s: Scene) {
  const account = (await t.admin.get(`/users/${s.victim.id}`)).body;
  expect(account).toMatchObject({ email: s.victim.email, tenant_role: 'admin' });
  expect(account.memberships).toEqual([expect.objectContaining({ organization_id: s.victimOrg.id, role: 'owner' })]);
  expect(account.identities.filter((i: { type: string }) => i.type !== 'password')).toEqual([]);
  expect((await membersOf(s.attacker.org.id)).map((m) => m.user_id)).not.toContain(s.victim.id);
}

/** The attacker's IdP asserts `email` (NameID and attribute): refused, no session. */
async function expectNoSession(s: Scene, email: string, attributes?: Record<string, string[]>) {
  const { res } = await signIn(t.app, s.attacker, { email, attributes: attributes ?? { email: [email] } });
  expect(res.status).toBe(403);
  expect(sessionCookieOf(res)).toBeUndefined();
}

describe('F1 attacked again: SCIM spellings and changes', () => {
  it("the victim's address in every spelling and position links nothing and signs nothing in", async () => {
    const s = await scene();
    const boss = s.victim.email;
    const spellings = [boss, boss.toUpperCase(), `  ${boss}\t`, `Boss@${s.victimDomain.toUpperCase()}`];
    for (const [i, spelling] of spellings.entries()) {
      // userName is unique case-insensitively within the directory: each spelling in a directory of its own
      const asUserName = await (i ? await createDirectory(t.admin, s.attacker.org.id) : s.scim).post('/Users', { schemas: [SCIM.user], userName: spelling });
      expect(asUserName.status).toBe(201);
      expect(asUserName.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
      const asPrimary = await s.scim.post('/Users', { schemas: [SCIM.user], userName: `p${i}@${s.attackerDomain}-id`, emails: [{ value: spelling, primary: true }] });
      expect(asPrimary.status).toBe(201);
      expect(asPrimary.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
      // the first work email links when none is primary
      const asWork = await s.scim.post('/Users', {
        schemas: [SCIM.user],
        userName: `w${i}`,
        emails: [{ value: `w${i}@${s.attackerDomain}`, type: 'home' }, { value: spelling, type: 'work' }],
      });
      expect(asWork.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    }
    // .search finds the directory's own SCIM users, never the tenant user
    const found = await s.scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `emails.value eq "${boss}"` });
    expect(found.status).toBe(200);
    for (const r of found.body.Resources as Array<Record<string, unknown>>) expect(r[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    // a non-primary victim address beside the attacker's own primary: linked to a new account of the attacker's, not the victim's
    const beside = await s.scim.post('/Users', {
      schemas: [SCIM.user],
      userName: `mallory@${s.attackerDomain}`,
      emails: [{ value: `mallory@${s.attackerDomain}`, primary: true }, { value: boss, type: 'work' }],
    });
    expect(beside.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    const mallory = (await membersOf(s.attacker.org.id)).find((m) => m.email === `mallory@${s.attackerDomain}`)!;
    expect(mallory.user_id).not.toBe(s.victim.id);
    // an unlinked victim SCIM user in a group: the group gives no membership
    expect((await s.scim.createGroup('Admins', [asPrimaryId(await s.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "p0@${s.attackerDomain}-id"`)}`))])).id).toBeTruthy();
    await expectUntouched(s);
    for (const spelling of [boss, boss.toUpperCase(), ` ${boss} `]) await expectNoSession(s, spelling);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
    await expectUntouched(s);
  });

  it('a linked SCIM user changed to the victim\'s address (PUT, PATCH replace, add, new primary) stays linked to its own account, and the victim is untouched', async () => {
    const s = await scene();
    const own = await s.scim.createUser(`eve@${s.attackerDomain}`);
    const eve = (await membersOf(s.attacker.org.id)).find((m) => m.email === `eve@${s.attackerDomain}`)!;
    const boss = s.victim.email;
    const steps = [
      () => s.scim.patchOps(`/Users/${own.id}`, [{ op: 'replace', path: 'emails', value: [{ value: boss, primary: true }] }]),
      () => s.scim.patchOps(`/Users/${own.id}`, [{ op: 'replace', path: 'userName', value: boss }]),
      () => s.scim.patchOps(`/Users/${own.id}`, [{ op: 'add', path: 'emails', value: [{ value: boss.toUpperCase(), type: 'work', primary: true }] }]),
      () => s.scim.patchOps(`/Users/${own.id}`, [{ op: 'replace', path: 'emails[primary eq true].value', value: boss }]),
      () => s.scim.put(`/Users/${own.id}`, { schemas: [SCIM.user], userName: boss, name: { givenName: 'Not', familyName: 'Boss' }, displayName: 'Owned', emails: [{ value: boss, primary: true }] }),
    ];
    for (const step of steps) {
      const res = await step();
      expect(res.status).toBe(200);
      expect(res.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    }
    // the link stayed with eve's account; the directory wrote nothing to any tenant user's profile
    expect((await membersOf(s.attacker.org.id)).find((m) => m.user_id === eve.user_id)).toBeTruthy();
    expect((await t.admin.get(`/users/${eve.user_id}`)).body).toMatchObject({ email: `eve@${s.attackerDomain}`, name: null });
    expect((await t.admin.get(`/users/${s.victim.id}`)).body.name).toBeNull();
    // deleting and re-creating it with the victim's address does not link either
    expect((await s.scim.del(`/Users/${own.id}`)).status).toBe(204);
    expect((await s.scim.post('/Users', { schemas: [SCIM.user], userName: boss, emails: [{ value: boss, primary: true }] })).body[LINK]).toEqual({
      linked: false,
      unlinkedReason: 'domain_not_verified',
    });
    await expectUntouched(s);
    await expectNoSession(s, boss);
  });

  it('an unlinked SCIM user is not linked to the victim by a later change, and a trailing dot or other spelling does not reach the account', async () => {
    const s = await scene();
    const created = await s.scim.post('/Users', { schemas: [SCIM.user], userName: 'no-email-yet' });
    expect(created.body[LINK]).toEqual({ linked: false, unlinkedReason: 'no_email' });
    const patched = await s.scim.patchOps(`/Users/${created.body.id}`, [{ op: 'add', path: 'emails', value: [{ value: s.victim.email, primary: true }] }]);
    expect(patched.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    // a trailing dot: the admin API's address rule refuses it (400), nothing written
    const dotted = await s.scim.post('/Users', { schemas: [SCIM.user], userName: 'dotted', emails: [{ value: `${s.victim.email}.`, primary: true }] });
    expect(dotted.status).toBe(400);
    // quoted local parts and +tags are other addresses: never the victim's account
    const tagged = await s.scim.post('/Users', { schemas: [SCIM.user], userName: 'tagged', emails: [{ value: `boss+x@${s.victimDomain}`, primary: true }] });
    if (tagged.status === 201) expect((await membersOf(s.attacker.org.id)).map((m) => m.user_id)).not.toContain(s.victim.id);
    await expectUntouched(s);
    // over SAML a trailing dot names the same domain, which is not the attacker's: 403, whatever the account
    await expectNoSession(s, `${s.victim.email}.`);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
  });

  it('the Unicode and punycode spellings of an IDN address are one address: the other spelling is the existing account (never linked, no second account) and never signs in', async () => {
    const victimOrg = await t.admin.createOrg({ name: 'IDN Victim' });
    const unicode = `bücher-${Math.random().toString(16).slice(2, 8)}.test`;
    const ascii = domainToASCII(unicode);
    t.peers.dns.set(ascii, { A: ['127.0.0.2'] });
    await addVerifiedDomain(t.admin, t.peers, victimOrg.id, ascii);
    const victim = await t.admin.createUser(`boss@${ascii}`, { tenant_role: 'admin' });
    await t.admin.addMember(victimOrg.id, victim.id, 'owner');
    const attacker = await setupSso(t.admin, { jit: { enabled: true, default_role: 'member' } });
    await addVerifiedDomain(t.admin, t.peers, attacker.org.id, siteDomain(t.peers, 'idn-attacker'));
    const scim = await createDirectory(t.admin, attacker.org.id);
    // the victim's address in the other spelling is the victim's: unlinked, and no second account for that mailbox
    const chief = await t.admin.createUser(`chief@${unicode}`);
    await t.admin.addMember(victimOrg.id, chief.id, 'admin');
    const users = await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } });
    for (const [i, email] of [`boss@${unicode}`, `BOSS@${unicode.toUpperCase()}`, `chief@${ascii}`].entries()) {
      const res = await scim.post('/Users', { schemas: [SCIM.user], userName: `idn-${i}`, emails: [{ value: email, primary: true }] });
      expect(res.status).toBe(201);
      expect(res.body[LINK]).toEqual({ linked: false, unlinkedReason: 'domain_not_verified' });
    }
    expect(await membersOf(attacker.org.id)).toEqual([]);
    expect(await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } })).toBe(users);
    for (const email of [`boss@${unicode}`, `boss@${ascii}`, `boss@${unicode.toUpperCase()}`]) {
      const { res } = await signIn(t.app, attacker, { email, attributes: { email: [email] } });
      expect(res.status).toBe(403);
      expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
    }
  });
});

describe('F1 attacked again: SAML attributes and domains that change hands', () => {
  it('NameID and attributes cannot disagree their way in: the email attribute chosen is the one checked', async () => {
    const s = await scene();
    const own = `eve@${s.attackerDomain}`;
    // NameID the attacker's, attribute the victim's (and the reverse); several values; a mapped attribute
    await expectNoSession(s, own, { email: [s.victim.email] });
    await expectNoSession(s, own, { email: [s.victim.email, own] });
    expect((await t.admin.patch(`/connections/${s.attacker.connection.id}`, { attribute_mapping: { email: 'mail' } })).status).toBe(200);
    await expectNoSession(s, own, { mail: [s.victim.email], email: [own] });
    // the other way round signs in as the attacker's own address, never the victim
    const { res } = await signIn(t.app, s.attacker, { email: s.victim.email, attributes: { mail: [own] } });
    expect(res.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.email).toBe(own);
    expect(me.body.user.id).not.toBe(s.victim.id);
    await expectUntouched(s);
  });

  it('a subdomain verified by another organization is that one\'s; a domain moved or lost stops the old IdP at once', async () => {
    const s = await scene();
    // the attacker verified the parent with its subdomains; the victim's organization verified one subdomain of it
    const parent = siteDomain(t.peers, 'parent');
    await addVerifiedDomain(t.admin, t.peers, s.attacker.org.id, parent, { include_subdomains: true });
    const sub = `eng.${parent}`;
    t.peers.dns.set(sub, { A: ['127.0.0.2'] });
    await addVerifiedDomain(t.admin, t.peers, s.victimOrg.id, sub);
    const engineer = await t.admin.createUser(`lead@${sub}`);
    await t.admin.addMember(s.victimOrg.id, engineer.id, 'admin');
    await expectNoSession(s, `lead@${sub}`);
    await expectNoSession(s, `lead@${sub.toUpperCase()}`);

    // a person of the attacker's own domain, signed in once, then the domain is deleted: the IdP no longer speaks for them
    const first = await signIn(t.app, s.attacker, { email: `dev@${s.attackerDomain}`, attributes: { email: [`dev@${s.attackerDomain}`] } });
    expect(first.res.status).toBe(303);
    const domains = (await t.admin.get(`/organizations/${s.attacker.org.id}/domains`)).body.data as Array<{ id: string; domain: string }>;
    const row = domains.find((d) => d.domain === s.attackerDomain)!;
    expect((await t.admin.del(`/organizations/${s.attacker.org.id}/domains/${row.id}`)).status).toBe(204);
    await expectNoSession(s, `dev@${s.attackerDomain}`);
    expect(await lastFailureReason(t.admin)).toBe('domain_not_verified');
    // the victim's organization verifies it now: it is theirs, and their own IdP is the one that speaks for it
    await addVerifiedDomain(t.admin, t.peers, s.victimOrg.id, s.attackerDomain);
    await expectNoSession(s, `dev@${s.attackerDomain}`);
  });

  it('a connection linked to two organizations speaks for both their domains only, and /me shows only what the account holds', async () => {
    const s = await scene();
    const second = await t.admin.createOrg({ name: 'Second' });
    expect((await t.admin.post(`/organizations/${second.id}/connections`, { connection_id: s.attacker.connection.id })).status).toBe(201);
    const secondDomain = siteDomain(t.peers, 'second');
    await addVerifiedDomain(t.admin, t.peers, second.id, secondDomain);
    const { res } = await signIn(t.app, s.attacker, { email: `ann@${secondDomain}`, attributes: { email: [`ann@${secondDomain}`] } });
    expect(res.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.email).toBe(`ann@${secondDomain}`);
    expect(JSON.stringify(me.body)).not.toContain(s.victimOrg.id);
    expect(JSON.stringify(me.body)).not.toMatch(/"tenant_role":"admin"/);
    // the victim's organization is not linked: its domain stays out of reach
    await expectNoSession(s, s.victim.email);
    await expectUntouched(s);
  });
});

describe('F1 attacked again: homographs', () => {
  it("a look-alike IDN domain the attacker verified signs in the attacker's own look-alike account, never the victim's (exact comparison on every database)", async () => {
    const s = await scene();
    const [label, tld] = [s.victimDomain.slice(0, s.victimDomain.indexOf('.')), s.victimDomain.slice(s.victimDomain.indexOf('.'))];
    // "víctim-…": an accent- or case-folding comparison would take it for the victim's domain
    const lookalike = `${label.replace('i', 'í')}${tld}`;
    const ascii = domainToASCII(lookalike);
    t.peers.dns.set(ascii, { A: ['127.0.0.2'] });
    await addVerifiedDomain(t.admin, t.peers, s.attacker.org.id, ascii);
    const email = s.victim.email.replace(s.victimDomain, lookalike);
    const linked = await s.scim.post('/Users', { schemas: [SCIM.user], userName: 'homograph', emails: [{ value: email.toUpperCase(), primary: true }] });
    expect(linked.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    const { res } = await signIn(t.app, s.attacker, { email, attributes: { email: [email] } });
    expect(res.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.id).not.toBe(s.victim.id);
    expect(me.body.user.email).toBe(email.toLowerCase());
    expect(JSON.stringify(me.body)).not.toContain(s.victimOrg.id);
    await expectUntouched(s);
  });
});

describe('F1 attacked again: another tenant', () => {
  it("another tenant verifying the victim's domain signs in only its own account of that address, never this tenant's", async () => {
    const s = await scene();
    const other = await createTenant(t.app);
    const theirs = await setupSso(other, { jit: { enabled: true, default_role: 'member' } });
    await addVerifiedDomain(other, t.peers, theirs.org.id, s.victimDomain);
    const scim = await createDirectory(other, theirs.org.id);
    const provisioned = await scim.post('/Users', { schemas: [SCIM.user], userName: s.victim.email, emails: [{ value: s.victim.email, primary: true }] });
    expect(provisioned.body[LINK]).toEqual({ linked: true, unlinkedReason: null });
    const { res } = await signIn(t.app, theirs, { email: s.victim.email, attributes: { email: [s.victim.email] } });
    expect(res.status).toBe(303);
    const cookie = sessionCookieOf(res)!;
    const me = await t.app.http.get(`/t/${other.tenant.slug}/api/v1/me`).set('Cookie', cookie);
    expect(me.body.user.id).not.toBe(s.victim.id);
    expect(JSON.stringify(me.body)).not.toContain(s.victimOrg.id);
    expect((await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', cookie)).status).toBe(401);
    await expectUntouched(s);
  });
});

function asPrimaryId(list: { body: { Resources?: Array<{ id: string }> } }): string {
  return list.body.Resources![0]!.id;
}
