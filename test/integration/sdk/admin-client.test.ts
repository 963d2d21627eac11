import { createAdminClient, OrgbridgeError, type AdminClient, type Member, type Organization } from '../../../sdk/src';
import { createTenant, uniqueSlug, type AdminClient as SupportClient } from '../../support/api';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let root: SupportClient;
let sdk: AdminClient;

beforeAll(async () => {
  app = await startTestApp();
  root = await createTenant(app);
  // the SDK with a tenant management key, as an integrator would use it
  const key = await root.post('/api-keys', { name: 'sdk' });
  expect(key.status).toBe(201);
  sdk = createAdminClient({ baseUrl: app.url, tenant: root.tenant.slug, apiKey: key.body.key });
});
afterAll(() => app.close());

async function failure(attempt: Promise<unknown>): Promise<OrgbridgeError> {
  const err = await attempt.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OrgbridgeError);
  return err as OrgbridgeError;
}

describe('admin client', () => {
  it('when an organization is created and a user added, then the typed answers match what the service holds', async () => {
    const slug = uniqueSlug('org');
    const org: Organization = await sdk.organizations.create({ name: 'Globex', slug, metadata: { plan: 'pro' } });
    expect(org).toMatchObject({ id: expect.stringMatching(/^org_/), slug, name: 'Globex', tenant_id: root.tenant.id, metadata: { plan: 'pro' } });
    expect(org.effective.auth_settings.password_min_length).toBe(8);

    const user = await sdk.users.create({ email: `${uniqueSlug('ada')}@example.com`, name: 'Ada' });
    const added = await sdk.members.add(org.id, { user_id: user.id, role: 'owner' });
    expect(added).toMatchObject({ user_id: user.id, role: 'owner' });

    const page = await sdk.members.list(org.id);
    const members: Member[] = page.data;
    expect(members.map((m) => [m.email, m.role, m.source])).toEqual([[user.email, 'owner', 'manual']]);
    expect(page.next_cursor).toBeNull();

    // the service agrees, read through the root key
    const held = await root.get(`/organizations/${org.id}/members`);
    expect(held.body.data).toEqual([expect.objectContaining({ user_id: user.id, role: 'owner' })]);
    expect((await sdk.organizations.get(slug)).id).toBe(org.id); // slug accepted as the id
  });

  it('when organizations span several pages, then listAll follows the cursors', async () => {
    const tag = uniqueSlug('page');
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await sdk.organizations.create({ name: `${tag} ${i}`, slug: `${tag}-${i}` })).id);
    const firstPage = await sdk.organizations.list({ search: tag, limit: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.next_cursor).not.toBeNull();
    const seen: string[] = [];
    for await (const org of sdk.organizations.listAll({ search: tag, limit: 2 })) seen.push(org.id);
    expect(seen.sort()).toEqual(made.sort());
  });

  it('when an invitation is made, listed and revoked, then its status follows', async () => {
    const org = await sdk.organizations.create({ name: 'Initech' });
    const invitation = await sdk.invitations.create(org.id, { email: `${uniqueSlug('bob')}@example.com`, role: 'member', send_email: false });
    expect(invitation).toMatchObject({ status: 'pending', invite_url: expect.stringContaining('/invitations/accept?token=') });
    expect((await sdk.invitations.list(org.id, { status: 'pending' })).data.map((i) => i.id)).toEqual([invitation.id]);
    await sdk.invitations.revoke(org.id, invitation.id);
    expect((await sdk.invitations.get(org.id, invitation.id)).status).toBe('revoked');
  });

  it('when the raw typed client is used, then any operation of the document is reachable', async () => {
    const org = await sdk.organizations.create({ name: 'Hooli' });
    const events = await sdk.api.GET('/t/{tenant}/api/v1/admin/events', { query: { type: 'organization.created', organization_id: org.id } });
    expect(events.data.map((e) => [e.type, e.target.id])).toEqual([['organization.created', org.id]]);
  });

  it('when the organization does not exist, then OrgbridgeError 404 not_found', async () => {
    const err = await failure(sdk.organizations.get('org_01HZZZZZZZZZZZZZZZZZZZZZZZ'));
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    expect(err.message).toEqual(expect.any(String));
  });

  it('when the body is invalid, then OrgbridgeError 400 invalid_request with the details, and nothing is created', async () => {
    const before = (await root.get('/organizations')).body.data.length;
    const err = await failure(sdk.organizations.create({ name: 'Bad', slug: 'Not A Slug!' }));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'slug' })]));
    expect((await root.get('/organizations')).body.data.length).toBe(before);
    // a field the document does not have is refused by the compiler and by the service
    // @ts-expect-error unknown field
    const unknown = await failure(sdk.organizations.create({ name: 'X', colour: 'red' }));
    expect(unknown).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('when the slug is taken or the key is wrong, then 409 conflict and 401 unauthorized', async () => {
    const org = await sdk.organizations.create({ name: 'Taken' });
    expect(await failure(sdk.organizations.create({ name: 'Again', slug: org.slug }))).toMatchObject({ status: 409, code: 'conflict' });
    const stranger = createAdminClient({ baseUrl: app.url, tenant: root.tenant.slug, apiKey: 'not-a-key' });
    expect(await failure(stranger.organizations.list())).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
