import * as samlify from 'samlify';
import { newIdpKey, IDP_ENTITY_ID, IDP_SSO_URL } from '../../support/saml-idp';
import { postAcs, sessionCookieOf, setupSso, ssoPath, startSignIn, ssoTestbed } from '../../support/sso';

/** An independent SAML implementation as the IdP: samlify signs the response from our own SP metadata. */
const t = ssoTestbed();

beforeAll(() => {
  // samlify validates XML against the SAML schemas only with a validator plugged in; a test IdP needs none.
  samlify.setSchemaValidator({ validate: async () => 'skipped' });
});

describe('samlify as the identity provider', () => {
  it('when samlify answers our AuthnRequest, then the person is signed in', async () => {
    const key = newIdpKey('samlify');
    const s = await setupSso(t.admin, {}, key);
    t.domains.verify(s.org.id, 'samlify.test');
    const metadata = await t.app.http.get(ssoPath(s, 'metadata'));
    const sp = samlify.ServiceProvider({ metadata: metadata.text, wantAssertionsSigned: true, wantMessageSigned: true });
    const idp = samlify.IdentityProvider({
      entityID: IDP_ENTITY_ID,
      privateKey: key.privateKeyPem,
      signingCert: key.certificatePem,
      singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: IDP_SSO_URL }],
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${IDP_SSO_URL}/logout` }],
    });
    const started = await startSignIn(t.app, s, '/after');
    const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: started.id } } }, 'post', { email: 'sam@samlify.test' });
    const res = await postAcs(t.app, s, context, started);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/after');
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.user.email).toBe('sam@samlify.test');
  });
});
