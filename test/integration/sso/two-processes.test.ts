import { createTenant } from '../../support/api';
import { buildResponse } from '../../support/saml-idp';
import { postAcs, setupSso, startSignIn, StubVerifiedDomains } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

let a: TestApp;
let b: TestApp;
const domains = new StubVerifiedDomains();

beforeAll(async () => {
  a = await startTestApp({ overrides: { verifiedDomains: domains } });
  b = await startTestApp({ overrides: { verifiedDomains: domains }, databaseUrl: a.databaseUrl });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

describe('two orgbridge processes on one database', () => {
  it('when a request is started on one and answered on the other, then it works; a response posted to both at once is accepted once', async () => {
    const admin = await createTenant(a);
    const s = await setupSso(admin);
    domains.verify(s.org.id, 'two.test');
    const started = await startSignIn(a, s);
    const SAMLResponse = buildResponse({ key: s.key, acsUrl: s.connection.sp.acs_url, audience: s.connection.sp.entity_id, inResponseTo: started.id, email: 'p@two.test' });
    const results = await Promise.all([postAcs(a, s, SAMLResponse, started), postAcs(b, s, SAMLResponse, started)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    const reasons = (await admin.events('?type=sso.login_failed')).map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual([expect.stringMatching(/^(replayed_assertion|unknown_request)$/)]);
    expect(await admin.events('?type=sso.login_succeeded')).toHaveLength(1);
  });
});
