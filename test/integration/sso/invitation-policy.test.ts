import { createTenant, expectError, type AdminClient } from '../../support/api';
import { setupSso, StubVerifiedDomains } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
const domains = new StubVerifiedDomains();

beforeAll(async () => {
  app = await startTestApp({ verifiedDomains: domains });
  admin = await createTenant(app);
});
afterAll(() => app.close());

describe("invitations' SSO-domain rule, answered by SSO connections", () => {
  it('when the domain is verified by an organization with a linked connection, then inviting it elsewhere is 403; without a link, allowed', async () => {
    const s = await setupSso(admin);
    const other = await admin.createOrg({ name: 'Other' });
    const plain = await admin.createOrg({ name: 'Plain' });
    domains.verify(s.org.id, 'sso-owned.test');
    domains.verify(plain.id, 'plain-owned.test');
    const refused = await admin.post(`/organizations/${other.id}/invitations`, { email: 'x@sso-owned.test', role: 'member' });
    expectError(refused, 403, 'forbidden');
    expect(refused.body.error.message).toMatch(/signs in with SSO/);
    expect((await admin.post(`/organizations/${s.org.id}/invitations`, { email: 'x@sso-owned.test', role: 'member' })).status).toBe(201);
    expect((await admin.post(`/organizations/${other.id}/invitations`, { email: 'y@plain-owned.test', role: 'member' })).status).toBe(201);
  });
});
