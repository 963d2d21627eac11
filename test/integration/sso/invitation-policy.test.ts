import { expectError } from '../../support/api';
import { setupSso, ssoTestbed } from '../../support/sso';

const t = ssoTestbed();

describe("invitations' SSO-domain rule, answered by SSO connections", () => {
  it('when the domain is verified by an organization with a linked connection, then inviting it elsewhere is 403; without a link, allowed', async () => {
    const s = await setupSso(t.admin);
    const other = await t.admin.createOrg({ name: 'Other' });
    const plain = await t.admin.createOrg({ name: 'Plain' });
    t.domains.verify(s.org.id, 'sso-owned.test');
    t.domains.verify(plain.id, 'plain-owned.test');
    const refused = await t.admin.post(`/organizations/${other.id}/invitations`, { email: 'x@sso-owned.test', role: 'member' });
    expectError(refused, 403, 'forbidden');
    expect(refused.body.error.message).toMatch(/signs in with SSO/);
    expect((await t.admin.post(`/organizations/${s.org.id}/invitations`, { email: 'x@sso-owned.test', role: 'member' })).status).toBe(201);
    expect((await t.admin.post(`/organizations/${other.id}/invitations`, { email: 'y@plain-owned.test', role: 'member' })).status).toBe(201);
  });
});
