import { newId } from '../../../src/shared/ids';
import { createTenant, type AdminClient } from '../../support/api';
import { sessionCookieOf, setupSso, signIn } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

/** The real domains service and login routing, with SSO's ports wired as in production. */
let app: TestApp;
let admin: AdminClient;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

/** A verified domain as the domains work records one (verification itself is tested there). */
async function verified(organizationId: string, domain: string, includeSubdomains = false) {
  const now = new Date();
  await app.container.models.Domain.create({
    id: newId('dom'),
    tenant_id: admin.tenant.id,
    organization_id: organizationId,
    domain,
    include_subdomains: includeSubdomains,
    status: 'verified',
    token: 'test',
    method: 'dns_txt',
    verified_key: `${admin.tenant.id}:${domain}`,
    verified_at: now,
    last_checked_at: now,
    next_check_at: new Date(now.getTime() + 86_400_000),
  });
}

describe('SSO with the domains work', () => {
  it('when an organization with a verified domain links a connection, then routing names it and JIT signs people in', async () => {
    const s = await setupSso(admin);
    await verified(s.org.id, 'routed.test', true);
    const route = await app.http.get(`/t/${admin.tenant.slug}/login/route`).query({ email: 'pat@eu.routed.test' });
    expect(route.status).toBe(200);
    expect(route.body).toMatchObject({
      sso: true,
      organization: { id: s.org.id },
      connection: { id: s.connection.id, type: 'saml', name: 'Test IdP' },
      login_url: expect.stringMatching(new RegExp(`/sso/saml/${s.connection.id}/start$`)),
    });

    const { res } = await signIn(app, s, { email: 'pat@eu.routed.test' });
    expect(res.status).toBe(303);
    const me = await app.http.get(`/t/${admin.tenant.slug}/api/v1/me`).set('Cookie', sessionCookieOf(res)!);
    expect(me.body.organization.id).toBe(s.org.id);
  });

  it('when the verified domain belongs to an organization the connection is not linked to, then routing says no SSO for it and JIT is refused', async () => {
    const s = await setupSso(admin);
    const other = await admin.createOrg();
    await verified(other.id, 'elsewhere.test');
    expect((await app.http.get(`/t/${admin.tenant.slug}/login/route`).query({ email: 'q@elsewhere.test' })).body.sso).toBe(false);
    expect((await signIn(app, s, { email: 'q@elsewhere.test' })).res.status).toBe(403);
  });

  it('when an email domain is owned by an organization that signs in with SSO, then inviting it elsewhere is refused', async () => {
    const s = await setupSso(admin);
    await verified(s.org.id, 'owned.test');
    const other = await admin.createOrg();
    const res = await admin.post(`/organizations/${other.id}/invitations`, { email: 'x@owned.test', role: 'member' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/signs in with SSO/);
  });
});
