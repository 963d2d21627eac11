import { buildResponse, newIdpKey, newSamlId, OKTA_ATTRIBUTES, STATUS } from '../../support/saml-idp';
import {
  BINDING_COOKIE,
  bindingSetCookieOf,
  lastFailureReason,
  postAcs,
  sessionCookieOf,
  setupSso,
  signIn,
  ssoPath,
  startSignIn,
  ssoTestbed,
  type SsoSetup,
} from '../../support/sso';

const t = ssoTestbed();
let s: SsoSetup;
const EMAIL = 'alice@acme.test';

beforeAll(async () => {
  s = await setupSso(t.admin);
  t.domains.verify(s.org.id, 'acme.test');
});

/** A refused ACS: the status, an HTML page without internals, no session, and the reason recorded. */
async function expectRefused(res: { status: number; text: string; headers: Record<string, unknown> }, status: number, reason: string) {
  expect({ status: res.status, reason: await lastFailureReason(t.admin) }).toEqual({ status, reason });
  expect(String(res.headers['content-type'])).toMatch(/text\/html/);
  expect(res.text).not.toMatch(/node-saml|Error:|at .*\.js|signature on documentElement|Expected:/i);
  expect(sessionCookieOf(res as never)).toBeUndefined();
}

// This tenant's only: on MariaDB other test files share the database and sign in meanwhile.
const sessionCount = () => t.app.container.models.Session.count({ where: { tenant_id: t.admin.tenant.id } });

/** Refused as expectRefused says, and no session row was written by it. */
async function expectRefusedWithoutSession(post: () => Promise<{ status: number; text: string; headers: Record<string, unknown> }>, status: number, reason: string) {
  const before = await sessionCount();
  await expectRefused(await post(), status, reason);
  expect(await sessionCount()).toBe(before);
}

const answerTo = (started: { id: string }, email = EMAIL) =>
  buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: s.connection.sp.entity_id, inResponseTo: started.id, email });

const moveAssertion = (xml: string, f: (assertion: string, rest: string) => string) => {
  const start = xml.indexOf('<saml:Assertion');
  const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return f(xml.slice(start, end), xml.slice(0, start) + '@@' + xml.slice(end));
};

describe('ACS refuses each attack with its own reason', () => {
  it('unsigned response → signature_invalid', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, signResponse: false, signAssertion: false });
    await expectRefused(res, 400, 'signature_invalid');
  });

  it('signed by another key → signature_invalid', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, key: newIdpKey('attacker') });
    await expectRefused(res, 400, 'signature_invalid');
  });

  it('tampered after signing (email changed) → signature_invalid', async () => {
    const { res } = await signIn(t.app, s, {
      email: EMAIL,
      attributes: OKTA_ATTRIBUTES(EMAIL),
      afterSigning: (xml) => xml.replace(`<saml:AttributeValue>${EMAIL}</saml:AttributeValue>`, '<saml:AttributeValue>mallory@acme.test</saml:AttributeValue>'),
    });
    await expectRefused(res, 400, 'signature_invalid');
  });

  it('signature wrapping (a second, unsigned assertion) → multiple_assertions', async () => {
    const { res } = await signIn(t.app, s, {
      email: EMAIL,
      signResponse: false,
      afterSigning: (xml) =>
        moveAssertion(xml, (signed, rest) => {
          const evil = signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace(EMAIL, 'mallory@acme.test').replace(/ID="[^"]+"/, `ID="${newSamlId()}"`);
          return rest.replace('@@', `${evil}<samlp:Extensions>${signed}</samlp:Extensions>`);
        }),
    });
    await expectRefused(res, 400, 'multiple_assertions');
  });

  it('two assertions → multiple_assertions', async () => {
    const { res } = await signIn(t.app, s, {
      email: EMAIL,
      signResponse: false,
      afterSigning: (xml) => moveAssertion(xml, (signed, rest) => rest.replace('@@', signed + signed.replace(/ID="_/, 'ID="_b'))),
    });
    await expectRefused(res, 400, 'multiple_assertions');
  });

  it('wrong audience → audience_mismatch', async () => {
    const started = await startSignIn(t.app, s);
    const SAMLResponse = buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: 'https://other-sp.test', inResponseTo: started.id, email: EMAIL });
    await expectRefused(await postAcs(t.app, s, SAMLResponse, started), 400, 'audience_mismatch');
  });

  it('wrong destination → destination_mismatch', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, destination: 'https://other-sp.test/acs' });
    await expectRefused(res, 400, 'destination_mismatch');
  });

  it('wrong recipient → recipient_mismatch', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, recipient: 'https://other-sp.test/acs' });
    await expectRefused(res, 400, 'recipient_mismatch');
  });

  it('wrong issuer → issuer_mismatch', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, issuer: 'https://evil-idp.test' });
    await expectRefused(res, 400, 'issuer_mismatch');
  });

  it('expired (beyond the clock skew) → expired', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, notBefore: new Date(Date.now() - 600_000), notOnOrAfter: new Date(Date.now() - 120_000) });
    await expectRefused(res, 400, 'expired');
  });

  it('not yet valid (beyond the clock skew) → not_yet_valid', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, notBefore: new Date(Date.now() + 120_000) });
    await expectRefused(res, 400, 'not_yet_valid');
  });

  it('within the clock skew → accepted', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, notBefore: new Date(Date.now() + 30_000) });
    expect(res.status).toBe(303);
  });

  it('unknown InResponseTo → unknown_request', async () => {
    const started = await startSignIn(t.app, s);
    const SAMLResponse = buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: s.connection.sp.entity_id, inResponseTo: newSamlId(), email: EMAIL });
    await expectRefused(await postAcs(t.app, s, SAMLResponse, started), 400, 'unknown_request');
  });

  it('replayed assertion → replayed_assertion, even in answer to a fresh request', async () => {
    const first = await signIn(t.app, s, { email: EMAIL });
    expect(first.res.status).toBe(303);
    await expectRefused(await postAcs(t.app, s, first.SAMLResponse, first.started), 400, 'replayed_assertion');
    const assertionId = newSamlId();
    expect((await signIn(t.app, s, { email: EMAIL, assertionId })).res.status).toBe(303);
    const again = await signIn(t.app, s, { email: EMAIL, assertionId });
    await expectRefused(again.res, 400, 'replayed_assertion');
  });

  it('a request answered once cannot be answered again → unknown_request', async () => {
    const first = await signIn(t.app, s, { email: EMAIL });
    const SAMLResponse = buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: s.connection.sp.entity_id, inResponseTo: first.started.id, email: EMAIL });
    await expectRefused(await postAcs(t.app, s, SAMLResponse, first.started), 400, 'unknown_request');
  });

  it('IdP-initiated when not allowed → idp_initiated_not_allowed', async () => {
    const SAMLResponse = buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: s.connection.sp.entity_id, inResponseTo: null, email: EMAIL });
    await expectRefused(await postAcs(t.app, s, SAMLResponse), 403, 'idp_initiated_not_allowed');
  });

  it('an IdP-initiated assertion passed off as an answer through the unsigned Response InResponseTo → idp_initiated_not_allowed', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, signResponse: false, subjectInResponseTo: false });
    await expectRefused(res, 403, 'idp_initiated_not_allowed');
  });

  it('InResponseTo only on a signed Response, where the connection requires that signature → accepted', async () => {
    const signedResponse = await setupSso(t.admin, { signed: 'response' });
    t.domains.verify(signedResponse.org.id, 'signed-response.test');
    const { res } = await signIn(t.app, signedResponse, { email: 'r@signed-response.test', signAssertion: false, subjectInResponseTo: false });
    expect(res.status).toBe(303);
  });

  it('IdP-initiated when allowed → signed in, sent to the default page whatever RelayState says', async () => {
    const idp = await setupSso(t.admin, { allow_idp_initiated: true });
    t.domains.verify(idp.org.id, 'idp-init.test');
    const SAMLResponse = buildResponse({ key: idp.key, acsUrl: idp.connection.sp.acs_url, audience: idp.connection.sp.entity_id, inResponseTo: null, email: 'bob@idp-init.test' });
    const res = await postAcs(t.app, idp, SAMLResponse, { relayState: 'https://evil.test/' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/t/${t.admin.tenant.slug}/account/organizations`);
  });

  describe('IdP-initiated allowed: still bound where it can be, and still checked', () => {
    let idp: SsoSetup;
    const unsolicited = (o: Partial<Parameters<typeof buildResponse>[0]> = {}) =>
      buildResponse({ key: idp.key, acsUrl: idp.connection.sp.acs_url, audience: idp.connection.sp.entity_id, inResponseTo: null, email: 'dora@idp-allowed.test', ...o });
    beforeAll(async () => {
      idp = await setupSso(t.admin, { allow_idp_initiated: true });
      t.domains.verify(idp.org.id, 'idp-allowed.test');
    });

    it('the same unsolicited assertion posted twice → the second is replayed_assertion', async () => {
      const SAMLResponse = unsolicited();
      expect((await postAcs(t.app, idp, SAMLResponse)).status).toBe(303);
      await expectRefusedWithoutSession(() => postAcs(t.app, idp, SAMLResponse), 400, 'replayed_assertion');
    });

    it('an unsolicited assertion for another audience → audience_mismatch', async () => {
      await expectRefused(await postAcs(t.app, idp, unsolicited({ audience: 'https://other-sp.test/metadata' })), 400, 'audience_mismatch');
    });

    it("an unsolicited assertion for another connection's ACS → recipient or destination mismatch", async () => {
      await expectRefused(await postAcs(t.app, idp, unsolicited({ acsUrl: s.connection.sp.acs_url, audience: idp.connection.sp.entity_id })), 400, 'destination_mismatch');
    });

    it('an answer to one of our requests still needs the binding cookie (allowing IdP-initiated does not switch the binding off): browser_binding_missing', async () => {
      const { res } = await signIn(t.app, idp, { email: 'dora@idp-allowed.test' }, { cookie: null });
      await expectRefused(res, 400, 'browser_binding_missing');
    });

    it("an answer naming another connection's request → unknown_request", async () => {
      const elsewhere = await startSignIn(t.app, s);
      const SAMLResponse = unsolicited({ inResponseTo: elsewhere.id });
      await expectRefused(await postAcs(t.app, idp, SAMLResponse, { relayState: elsewhere.relayState, cookie: elsewhere.cookie?.replace(/^[^=]+=/, `${BINDING_COOKIE}=`) }), 400, 'unknown_request');
    });
  });

  it('comment injection in NameID → the full text is the email, never the truncated one', async () => {
    const { res } = await signIn(t.app, s, { nameIdXml: 'carol@acme.test<!---->.evil.test' });
    // Read in full, the domain is acme.test.evil.test (not verified: refused). Truncated, carol@acme.test would have been created.
    await expectRefused(res, 403, 'domain_not_verified');
    const users = await t.admin.get('/users?search=carol');
    expect(users.body.data).toEqual([]);
  });

  it('open redirect in RelayState → refused, no redirect anywhere', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL }, { returnTo: '/safe', relayState: 'https://evil.test/' });
    await expectRefused(res, 400, 'relay_state_mismatch');
    expect(res.headers.location).toBeUndefined();
  });

  it('oversized response → 413 response_too_large', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, attributes: { padding: ['x'.repeat(300 * 1024)] } });
    await expectRefused(res, 413, 'response_too_large');
  });

  it('a body beyond the ACS limit → 413 page, before anything is parsed', async () => {
    const res = await postAcs(t.app, s, 'A'.repeat(600 * 1024));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('a DOCTYPE in the response → malformed_response', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, afterSigning: (xml) => `<!DOCTYPE r [<!ENTITY e "x">]>${xml}` });
    await expectRefused(res, 400, 'malformed_response');
  });
});

describe('login CSRF (F7): an answer to our AuthnRequest counts only in the browser that started it', () => {
  it('start sets the binding cookie (HttpOnly, the ACS path only, 10 minutes; no SameSite=None without https), and the ACS clears it', async () => {
    const started = await startSignIn(t.app, s);
    const attrs = started.setCookie!.split('; ');
    expect(attrs[0]).toBe(`${BINDING_COOKIE}=${started.relayState}`);
    expect(attrs.slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=600', `Path=${ssoPath(s, 'acs')}`]);
    const res = await postAcs(t.app, s, answerTo(started), started);
    expect(res.status).toBe(303);
    expect(bindingSetCookieOf(res)).toBe(`${BINDING_COOKIE}=; Path=${ssoPath(s, 'acs')}; Max-Age=0; HttpOnly`);
  });

  it('an ACS post without the cookie → 400 browser_binding_missing, no session, and the request stays unused', async () => {
    const started = await startSignIn(t.app, s);
    await expectRefusedWithoutSession(() => postAcs(t.app, s, answerTo(started), { relayState: started.relayState }), 400, 'browser_binding_missing');
    // the same answer, from the browser that started, still signs in: the refusal consumed nothing
    expect((await postAcs(t.app, s, answerTo(started), started)).status).toBe(303);
  });

  it('an ACS post with a made-up cookie → 400 browser_binding_mismatch, no session, and the cookie is cleared', async () => {
    const started = await startSignIn(t.app, s);
    const post = () => postAcs(t.app, s, answerTo(started), { relayState: started.relayState, cookie: `${BINDING_COOKIE}=${started.relayState}x` });
    await expectRefusedWithoutSession(post, 400, 'browser_binding_mismatch');
    expect(bindingSetCookieOf(await post())).toMatch(new RegExp(`^${BINDING_COOKIE}=; .*Max-Age=0`));
  });

  it("the attacker's own sign-in posted from a victim's browser (holding the cookie of the victim's start) → 400 browser_binding_mismatch", async () => {
    const attacker = await startSignIn(t.app, s);
    const victim = await startSignIn(t.app, s);
    const attackerAnswer = answerTo(attacker, 'mallory@acme.test');
    await expectRefusedWithoutSession(() => postAcs(t.app, s, attackerAnswer, { relayState: attacker.relayState, cookie: victim.cookie }), 400, 'browser_binding_mismatch');
    expect((await t.admin.get('/users?search=mallory')).body.data).toEqual([]);
    // the victim's own sign-in is unaffected
    const mine = await postAcs(t.app, s, answerTo(victim), victim);
    expect(mine.status).toBe(303);
    const me = await t.app.http.get(`/t/${t.admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(mine)!);
    expect(me.body.user.email).toBe(EMAIL);
  });

  it("the cookie of another connection's start (which a browser would not even send here: its path) does not bind this one", async () => {
    const other = await setupSso(t.admin);
    const elsewhere = await startSignIn(t.app, other);
    expect(elsewhere.setCookie).toContain(`Path=${ssoPath(other, 'acs')}`);
    const started = await startSignIn(t.app, s);
    await expectRefusedWithoutSession(() => postAcs(t.app, s, answerTo(started), { relayState: started.relayState, cookie: elsewhere.cookie }), 400, 'browser_binding_mismatch');
  });
});

describe('IdP status (F8): a response whose top-level StatusCode is not Success is refused', () => {
  it('signed Responder/AuthnFailed response carrying a validly signed assertion → 400 status_not_success, no session', async () => {
    const before = await sessionCount();
    const { res } = await signIn(t.app, s, { email: EMAIL, status: { code: STATUS.responder, subCode: STATUS.authnFailed } });
    await expectRefused(res, 400, 'status_not_success');
    expect(await sessionCount()).toBe(before);
    const [event] = await t.admin.events('?type=sso.login_failed&limit=1');
    expect(event!.data).toEqual({ connection_id: s.connection.id, reason: 'status_not_success', status_code: STATUS.responder, sub_status_code: STATUS.authnFailed });
  });

  it('only the assertion signed (the status unsigned), Requester → status_not_success', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, signResponse: false, status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Requester' } });
    await expectRefused(res, 400, 'status_not_success');
  });

  it('a Success nested under a Responder top-level code still counts as a failure', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, status: { code: STATUS.responder, subCode: STATUS.success } });
    await expectRefused(res, 400, 'status_not_success');
  });

  describe('the status written in other ways (only the assertion signed, so the status can be rewritten)', () => {
    const RESPONDER = STATUS.responder;
    const withStatus = (status: string) => (xml: string) => xml.replace(/<samlp:Status>[\s\S]*?<\/samlp:Status>/, status);
    const refusedWith = async (status: string, reason: string) => {
      const { res } = await signIn(t.app, s, { email: EMAIL, signResponse: false, afterSigning: withStatus(status) });
      await expectRefused(res, 400, reason);
    };

    it('another prefix (or the default namespace) bound to the protocol namespace is read the same: Responder → status_not_success', async () => {
      await refusedWith(`<p:Status xmlns:p="urn:oasis:names:tc:SAML:2.0:protocol"><p:StatusCode Value="${RESPONDER}"/></p:Status>`, 'status_not_success');
      await refusedWith(`<Status xmlns="urn:oasis:names:tc:SAML:2.0:protocol"><StatusCode Value="${RESPONDER}"/></Status>`, 'status_not_success');
    });

    it('a Status or StatusCode in a foreign namespace is no status: malformed_response', async () => {
      await refusedWith(`<x:Status xmlns:x="urn:example:evil"><x:StatusCode Value="${STATUS.success}"/></x:Status>`, 'malformed_response');
      await refusedWith(`<samlp:Status><x:StatusCode xmlns:x="urn:example:evil" Value="${STATUS.success}"/></samlp:Status>`, 'malformed_response');
      // the samlp prefix rebound to a foreign namespace on the Status itself
      await refusedWith(`<samlp:Status xmlns:samlp="urn:example:evil"><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>`, 'malformed_response');
    });

    it('a foreign StatusCode saying Success next to the real Responder one → status_not_success', async () => {
      await refusedWith(`<samlp:Status><x:StatusCode xmlns:x="urn:example:evil" Value="${STATUS.success}"/><samlp:StatusCode Value="${RESPONDER}"/></samlp:Status>`, 'status_not_success');
    });

    it('two Status elements, or two top-level StatusCodes, → malformed_response', async () => {
      await refusedWith(`<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status><samlp:Status><samlp:StatusCode Value="${RESPONDER}"/></samlp:Status>`, 'malformed_response');
      await refusedWith(`<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/><samlp:StatusCode Value="${RESPONDER}"/></samlp:Status>`, 'malformed_response');
    });

    it('whitespace around the Value, or another case, is not Success (compared exactly): status_not_success', async () => {
      await refusedWith(`<samlp:Status><samlp:StatusCode Value=" ${STATUS.success} "/></samlp:Status>`, 'status_not_success');
      await refusedWith(`<samlp:Status><samlp:StatusCode Value="&#9;${STATUS.success}"/></samlp:Status>`, 'status_not_success');
      await refusedWith(`<samlp:Status><samlp:StatusCode Value="${STATUS.success.toUpperCase()}"/></samlp:Status>`, 'status_not_success');
    });

    it('a Status after the assertion (out of schema order) still counts: Responder → status_not_success', async () => {
      const { res } = await signIn(t.app, s, {
        email: EMAIL,
        signResponse: false,
        afterSigning: (xml) => withStatus('')(xml).replace('</samlp:Response>', `<samlp:Status><samlp:StatusCode Value="${RESPONDER}"/></samlp:Status></samlp:Response>`),
      });
      await expectRefused(res, 400, 'status_not_success');
    });
  });

  it('a Responder status next to an EncryptedAssertion is refused for its status, before anything is decrypted: status_not_success', async () => {
    const encrypted =
      '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">' +
      '<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>';
    const { res } = await signIn(t.app, s, {
      email: EMAIL,
      signResponse: false,
      status: { code: STATUS.responder, subCode: STATUS.authnFailed },
      afterSigning: (xml) => moveAssertion(xml, (_assertion, rest) => rest.replace('@@', encrypted)),
    });
    await expectRefused(res, 400, 'status_not_success');
  });

  it('a top-level Success with a non-success second-level code (Success/AuthnFailed) is refused: status_not_success, with both codes in the event', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, status: { code: STATUS.success, subCode: STATUS.authnFailed } });
    await expectRefused(res, 400, 'status_not_success');
    const [event] = await t.admin.events('?type=sso.login_failed&limit=1');
    expect(event!.data).toMatchObject({ status_code: STATUS.success, sub_status_code: STATUS.authnFailed });
  });

  it('a top-level Success with a second-level Success signs in', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, status: { code: STATUS.success, subCode: STATUS.success } });
    expect(res.status).toBe(303);
  });

  it('no Status at all → malformed_response', async () => {
    const { res } = await signIn(t.app, s, { email: EMAIL, signResponse: false, afterSigning: (xml) => xml.replace(/<samlp:Status>[\s\S]*?<\/samlp:Status>/, '') });
    await expectRefused(res, 400, 'malformed_response');
  });
});
