import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';
import { acceptApi, GOOD_PASSWORD, invite, invitationsPath } from '../../support/invitations';
import { startTestApp, type TestApp } from '../../support/test-app';

/** A stand-in for the domains/SSO work: `sso.example` belongs to one organization that signs in with SSO. */
const claimed = new Map<string, { organizationId: string; name: string }>();
const policy = {
  ssoOrganizationFor: async (tenantId: string, email: string) => claimed.get(`${tenantId}/${email.split('@')[1]!.toLowerCase()}`) ?? null,
};

let app: TestApp;
let admin: AdminClient;
let ssoOrg: { id: string };
let plainOrg: { id: string };

beforeAll(async () => {
  app = await startTestApp({ ssoDomains: policy });
  admin = await createTenant(app);
  ssoOrg = await admin.createOrg({ name: 'Globex' });
  plainOrg = await admin.createOrg({ name: 'Initech' });
});
afterAll(() => app.close());

const claim = () => claimed.set(`${admin.tenant.id}/sso.example`, { organizationId: ssoOrg.id, name: 'Globex' });

describe('an email whose domain another organization verified and signs in to with SSO', () => {
  beforeEach(() => claimed.clear());

  it('cannot be invited to a different organization: 403 forbidden naming the reason', async () => {
    claim();
    const res = await admin.post(invitationsPath(plainOrg.id), { email: `${uniqueSlug('a')}@SSO.example`, role: 'member' });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toMatch(/sso\.example is verified by the organization Globex, which signs in with SSO/);
    expect((await admin.get(invitationsPath(plainOrg.id))).body.data).toEqual([]);
  });

  it('can be invited to the organization that owns the domain', async () => {
    claim();
    const { token } = await invite(admin, ssoOrg.id, `${uniqueSlug('b')}@sso.example`);
    expect((await acceptApi(admin, { token, name: 'Bea', password: GOOD_PASSWORD })).status).toBe(200);
  });

  it('when the domain is claimed after the invitation was sent, then acceptance is 403 (API and page) and the invitation stays pending', async () => {
    const { invitation, token } = await invite(admin, plainOrg.id, `${uniqueSlug('c')}@sso.example`);
    claim();
    const res = await acceptApi(admin, { token, name: 'Cy', password: GOOD_PASSWORD });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toMatch(/Globex's single sign-on/);
    const page = await app.http.get(`/t/${admin.tenant.slug}/invitations/accept?token=${token}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('Globex&#39;s single sign-on');
    expect((await admin.get(`${invitationsPath(plainOrg.id)}/${invitation.id}`)).body.status).toBe('pending');
  });

  it('a tenant-level invitation for a claimed domain is refused too', async () => {
    claim();
    expectError(await admin.post('/invitations', { email: `${uniqueSlug('d')}@sso.example` }), 403, 'forbidden');
  });
});
