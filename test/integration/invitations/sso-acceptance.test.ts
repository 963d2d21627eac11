import * as samlify from 'samlify';
import { expectError, uniqueSlug } from '../../support/api';
import { acceptApi, acceptOnPage, GOOD_PASSWORD, invite, invitationsPath } from '../../support/invitations';
import { IDP_ENTITY_ID, IDP_SSO_URL, newIdpKey, readAuthnRedirect } from '../../support/saml-idp';
import { BINDING_COOKIE, lastFailureReason, postAcs, sessionCookieOf, setupSso, ssoPath, ssoTestbed, type SsoSetup } from '../../support/sso';

/**
 * Invitations tied to a connection, accepted through its SAML sign-in (docs/invitations.md).
 * samlify plays the IdP: it reads our AuthnRequest from SP metadata and signs its answer. No
 * domain is verified and JIT is off, so only the invitation can let these people in.
 */
const t = ssoTestbed();
let s: SsoSetup;
let sp: samlify.ServiceProviderInstance;
let idp: samlify.IdentityProviderInstance;

beforeAll(async () => {
  samlify.setSchemaValidator({ validate: async () => 'skipped' });
  const key = newIdpKey('samlify-invitations');
  s = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } }, key);
  expect((await t.admin.post(`/organizations/${s.org.id}/roles`, { key: 'billing', name: 'Billing', rank: 250 })).status).toBe(201);
  sp = samlify.ServiceProvider({ metadata: (await t.app.http.get(ssoPath(s, 'metadata'))).text, wantAssertionsSigned: true, wantMessageSigned: true });
  idp = samlify.IdentityProvider({
    entityID: IDP_ENTITY_ID,
    privateKey: key.privateKeyPem,
    signingCert: key.certificatePem,
    singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: IDP_SSO_URL }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  });
});

const email = () => `${uniqueSlug('inv')}@contractor.test`;
const slug = () => t.admin.tenant.slug;
const startPath = () => `/t/${slug()}/sso/saml/${s.connection.id}/start`;

/** The acceptance page as a browser gets it: the SSO form's fields and the CSRF cookie its action receives. */
async function openPage(token: string) {
  const page = await t.app.http.get(`/t/${slug()}/invitations/accept`).query({ token });
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).find((c) => c.startsWith('ob_csrf='));
  return { page, csrf, cookie: cookie?.split(';')[0], cookiePath: /Path=([^;]+)/.exec(cookie ?? '')?.[1] };
}

/** "Continue with single sign-on": the page's form posted to start, then the IdP's redirect read back. */
async function continueWithSso(token: string) {
  const { csrf, cookie } = await openPage(token);
  const res = await t.app.http.post(startPath()).set('Cookie', cookie!).type('form').send({ invitation_token: token, csrf });
  return res;
}

/** The whole browser round: page → start → samlify signs in `asEmail` → ACS. */
async function signInThroughInvitation(token: string, asEmail: string) {
  const started = await continueWithSso(token);
  expect(started.status).toBe(303);
  const authn = readAuthnRedirect(started.headers.location!, s.connection.sp.certificate);
  const binding = ([] as string[]).concat(started.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${BINDING_COOKIE}=`))!.split(';')[0]!;
  const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: authn.id } } }, 'post', { email: asEmail });
  const acs = await postAcs(t.app, s, context, { relayState: authn.relayState, cookie: binding });
  return { started, authn, acs };
}

const membersOf = async (orgId: string) => (await t.admin.get(`/organizations/${orgId}/members?limit=200`)).body.data as Array<Record<string, unknown>>;
const statusOf = async (id: string) => (await t.admin.get(`${invitationsPath(s.org.id)}/${id}`)).body.status;

describe('accepting an invitation through its connection (issue 22)', () => {
  it('the page offers single sign-on only; start keeps the token server-side; the ACS accepts with every invited role and the metadata', async () => {
    const app = (await t.admin.post('/applications', { name: 'Portal', redirect_uris: ['https://portal.example/cb'] })).body;
    const to = email();
    const { invitation, token } = await invite(t.admin, s.org.id, to, {
      role: undefined,
      roles: ['member', 'billing'],
      connection_id: s.connection.id,
      client_id: app.client_id,
      return_to: 'https://portal.example/welcome',
      app_metadata: { plan: 'pro' },
      user_metadata: { lang: 'fr' },
    });

    const { page, cookiePath } = await openPage(token);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Continue with single sign-on');
    expect(page.text).toContain(`action="${startPath()}"`);
    expect(page.text).not.toContain('type="password"');
    expect(cookiePath).toBe(startPath());
    // start answers a redirect to the IdP: no form-action may stop it (browsers apply it to redirects)
    expect(page.headers['content-security-policy']).not.toContain('form-action');
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');

    const { started, authn, acs } = await signInThroughInvitation(token, to.toUpperCase());
    expect(started.headers.location!.startsWith(IDP_SSO_URL)).toBe(true);
    expect(started.headers.location).not.toContain(token);
    expect(authn.relayState).not.toContain(token);
    expect(authn.signatureValid).toBe(true);

    expect(acs.status).toBe(303);
    expect(acs.headers.location).toBe('https://portal.example/welcome');
    const me = await t.app.http.get(`/t/${slug()}/api/v1/me`).set('Cookie', sessionCookieOf(acs)!);
    expect(me.body.user.email).toBe(to);

    const member = (await membersOf(s.org.id)).find((m) => m.email === to);
    expect(member).toMatchObject({ source: 'invitation', role: 'billing', roles: ['billing', 'member'], status: 'active' });
    const user = (await t.admin.get(`/users/${member!.user_id}`)).body;
    expect(user).toMatchObject({ app_metadata: { plan: 'pro' }, user_metadata: { lang: 'fr' } });
    expect(user.identities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'saml', connection_id: s.connection.id })]));
    expect((await t.admin.get(`${invitationsPath(s.org.id)}/${invitation.id}`)).body).toMatchObject({ status: 'accepted', accepted_user_id: user.id });
    const [accepted] = await t.admin.events('?type=invitation.accepted&limit=1');
    expect(accepted).toMatchObject({ target: { id: invitation.id }, data: { roles: ['billing', 'member'], new_user: true, connection_id: s.connection.id } });
    const [login] = await t.admin.events('?type=sso.login_succeeded&limit=1');
    expect(login!.data).toMatchObject({ invitation_id: invitation.id, email: to });

    // the link is used up: the page and a second start answer 410
    expect((await t.app.http.get(`/t/${slug()}/invitations/accept`).query({ token })).status).toBe(410);
  });

  it("an existing account outside the connection's verified domains is not reached through an invitation: 403, nothing written (F1)", async () => {
    // the victim: the tenant's admin, owner of another organization, on a domain nobody verified
    const victimOrg = await t.admin.createOrg({ name: 'Victim Org' });
    const domain = `${uniqueSlug('unverified')}.example`;
    const to = `boss@${domain}`;
    const victim = await t.admin.createUser(to, { name: 'Known Person', tenant_role: 'admin' });
    await t.admin.addMember(victimOrg.id, victim.id, 'owner');
    const { invitation, token } = await invite(t.admin, s.org.id, to, { connection_id: s.connection.id });
    // whoever holds the link (an organization admin can resend it) has the connection's IdP assert the email
    const { acs } = await signInThroughInvitation(token, to);
    expect(acs.status).toBe(403);
    expect(acs.text).toMatch(/already exists/);
    expect(sessionCookieOf(acs)).toBeUndefined();
    expect(await lastFailureReason(t.admin)).toBe('invitation_refused');
    const [failed] = await t.admin.events('?type=sso.login_failed&limit=1');
    expect(failed!.data).toMatchObject({ rule: 'existing_account_outside_verified_domains' });
    expect(await statusOf(invitation.id)).toBe('pending');
    expect((await membersOf(s.org.id)).find((m) => m.email === to)).toBeUndefined();
    expect((await t.admin.get(`/users/${victim.id}`)).body.identities).toEqual([]);

    // once the connection's organization verifies the domain, its IdP speaks for the account (the usual F1 rule)
    t.domains.verify(s.org.id, domain);
    const again = await signInThroughInvitation(token, to);
    expect(again.acs.status).toBe(303);
    expect((await membersOf(s.org.id)).find((m) => m.email === to)).toMatchObject({ user_id: victim.id, source: 'invitation' });
  });

  it('a new account on a domain another organization verified is not created through an invitation: 403 (F1)', async () => {
    const owner = await t.admin.createOrg({ name: 'Domain Owner' });
    const domain = `${uniqueSlug('owned')}.example`;
    t.domains.verify(owner.id, domain);
    const to = `new.person@${domain}`;
    const { invitation, token } = await invite(t.admin, s.org.id, to, { connection_id: s.connection.id });
    const users = await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } });
    const { acs } = await signInThroughInvitation(token, to);
    expect(acs.status).toBe(403);
    expect(sessionCookieOf(acs)).toBeUndefined();
    expect(await lastFailureReason(t.admin)).toBe('invitation_refused');
    expect(await statusOf(invitation.id)).toBe('pending');
    expect(await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } })).toBe(users);
  });

  it('an assertion for another email: 403 page, nothing written, the invitation stays pending', async () => {
    const to = email();
    const { invitation, token } = await invite(t.admin, s.org.id, to, { connection_id: s.connection.id });
    const users = await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } });
    const { acs } = await signInThroughInvitation(token, `someone-else-${to}`);
    expect(acs.status).toBe(403);
    expect(acs.type).toBe('text/html');
    expect(acs.text).toMatch(/another email address/);
    expect(sessionCookieOf(acs)).toBeUndefined();
    expect(await lastFailureReason(t.admin)).toBe('invitation_email_mismatch');
    expect(await statusOf(invitation.id)).toBe('pending');
    expect(await t.app.container.models.User.count({ where: { tenant_id: t.admin.tenant.id } })).toBe(users);
    // the invited person can still use the link
    expect((await signInThroughInvitation(token, to)).acs.status).toBe(303);
    expect(await statusOf(invitation.id)).toBe('accepted');
  });

  it('a revoked or expired invitation: start answers 410; revoked between start and the ACS, the ACS answers 410', async () => {
    const revoked = await invite(t.admin, s.org.id, email(), { connection_id: s.connection.id });
    const { csrf, cookie } = await openPage(revoked.token);
    expect((await t.admin.del(`${invitationsPath(s.org.id)}/${revoked.invitation.id}`)).status).toBe(204);
    const refused = await t.app.http.post(startPath()).set('Cookie', cookie!).type('form').send({ invitation_token: revoked.token, csrf });
    expect(refused.status).toBe(410);
    expect(refused.text).toMatch(/revoked/);

    const expired = await invite(t.admin, s.org.id, email(), { connection_id: s.connection.id });
    const page = await openPage(expired.token);
    await t.app.container.models.Invitation.update({ expires_at: new Date(Date.now() - 1000) }, { where: { id: expired.invitation.id } });
    const late = await t.app.http.post(startPath()).set('Cookie', page.cookie!).type('form').send({ invitation_token: expired.token, csrf: page.csrf });
    expect(late.status).toBe(410);
    expect(late.text).toMatch(/expired/);

    const to = email();
    const midway = await invite(t.admin, s.org.id, to, { connection_id: s.connection.id });
    const started = await continueWithSso(midway.token);
    expect(started.status).toBe(303);
    const authn = readAuthnRedirect(started.headers.location!, s.connection.sp.certificate);
    const binding = ([] as string[]).concat(started.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${BINDING_COOKIE}=`))!.split(';')[0]!;
    expect((await t.admin.del(`${invitationsPath(s.org.id)}/${midway.invitation.id}`)).status).toBe(204);
    const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: authn.id } } }, 'post', { email: to });
    const acs = await postAcs(t.app, s, context, { relayState: authn.relayState, cookie: binding });
    expect(acs.status).toBe(410);
    expect(await lastFailureReason(t.admin)).toBe('invitation_gone');
    expect(await statusOf(midway.invitation.id)).toBe('revoked');
    expect((await membersOf(s.org.id)).find((m) => m.email === to)).toBeUndefined();
  });

  it('start refuses a form without its CSRF cookie, and an invitation of another connection', async () => {
    const { token } = await invite(t.admin, s.org.id, email(), { connection_id: s.connection.id });
    const { csrf, cookie } = await openPage(token);
    const noCookie = await t.app.http.post(startPath()).type('form').send({ invitation_token: token, csrf });
    expect(noCookie.status).toBe(403);
    expect(noCookie.text).toMatch(/form has expired/);

    const other = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const elsewhere = await t.app.http.post(`/t/${slug()}/sso/saml/${other.connection.id}/start`).set('Cookie', cookie!).type('form').send({ invitation_token: token, csrf });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.text).toMatch(/not accepted through this sign-in/);
  });

  it('a connection unlinked from the organization since the invitation was sent: start answers 403', async () => {
    const other = await setupSso(t.admin, { jit: { enabled: false, default_role: 'member' } });
    const { invitation, token } = await invite(t.admin, other.org.id, email(), { connection_id: other.connection.id });
    const page = await t.app.http.get(`/t/${slug()}/invitations/accept`).query({ token });
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).find((c) => c.startsWith('ob_csrf='))!.split(';')[0]!;
    expect((await t.admin.del(`/organizations/${other.org.id}/connections/${other.connection.id}`)).status).toBe(204);
    const res = await t.app.http.post(`/t/${slug()}/sso/saml/${other.connection.id}/start`).set('Cookie', cookie).type('form').send({ invitation_token: token, csrf });
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/no longer linked/);
    expect((await t.admin.get(`${invitationsPath(other.org.id)}/${invitation.id}`)).body.status).toBe('pending');
  });

  it('the password paths stay refused with 403: the acceptance API and the page form', async () => {
    const to = email();
    const { invitation, token } = await invite(t.admin, s.org.id, to, { connection_id: s.connection.id });
    const api = await acceptApi(t.admin, { token, name: 'Pass Word', password: GOOD_PASSWORD });
    expectError(api, 403, 'forbidden');
    expect(api.body.error.message).toMatch(/single sign-on/);
    // the page has no password form; one posted anyway (with the page's valid CSRF pair) is refused
    const posted = await acceptOnPage(t.admin, token, { name: 'Pass Word', password: GOOD_PASSWORD });
    expect(posted.status).toBe(403);
    expect(posted.text).toMatch(/single sign-on/);
    expect(await statusOf(invitation.id)).toBe('pending');
    expect((await membersOf(s.org.id)).find((m) => m.email === to)).toBeUndefined();
  });
});
