import { ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, uniqueSlug } from '../../support/api';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const root = (req: ReturnType<TestApp['http']['get']>) => req.set('Authorization', `Bearer ${ROOT_KEY}`);

describe('POST /api/v1/tenants', () => {
  it('when the slug is free, then 201 with the tenant, and it can be read back by id and slug', async () => {
    const slug = uniqueSlug('acme');
    const res = await root(app.http.post('/api/v1/tenants')).send({ slug, name: 'Acme' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^ten_[0-9A-Z]{26}$/), slug, name: 'Acme', created_at: expect.any(String) });
    expect((await root(app.http.get(`/api/v1/tenants/${res.body.id}`))).body.slug).toBe(slug);
    expect((await root(app.http.get(`/api/v1/tenants/${slug}`))).body.id).toBe(res.body.id);
  });

  it('when the slug is taken, then 409 conflict', async () => {
    const slug = uniqueSlug('dup');
    expect((await root(app.http.post('/api/v1/tenants')).send({ slug, name: 'A' })).status).toBe(201);
    expectError(await root(app.http.post('/api/v1/tenants')).send({ slug, name: 'B' }), 409, 'conflict');
  });

  it.each([
    ['an upper-case slug', { slug: 'Acme', name: 'x' }],
    ['a slug with a trailing hyphen', { slug: 'acme-', name: 'x' }],
    ['a missing name', { slug: 'acme-x' }],
    ['an unknown field', { slug: 'acme-y', name: 'x', plan: 'gold' }],
    ['a name of the wrong type', { slug: 'acme-z', name: 42 }],
  ])('when the body has %s, then 400 and nothing is created', async (_case, body) => {
    const res = await root(app.http.post('/api/v1/tenants')).send(body);
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    if (typeof body.slug === 'string') expect((await root(app.http.get(`/api/v1/tenants/${body.slug.toLowerCase()}`))).status).toBe(404);
  });

  it('when the JSON is malformed, then 400 invalid_request', async () => {
    const res = await root(app.http.post('/api/v1/tenants')).set('Content-Type', 'application/json').send('{"slug": "x",');
    expectError(res, 400, 'invalid_request');
  });

  it('when the body is over 1 MiB, then 413 payload_too_large', async () => {
    const res = await root(app.http.post('/api/v1/tenants')).send({ slug: 'big', name: 'x'.repeat(1024 * 1024 + 10) });
    expectError(res, 413, 'payload_too_large');
  });

  it('when there is no key or a wrong key, then 401 with WWW-Authenticate', async () => {
    const none = await app.http.get('/api/v1/tenants');
    expectError(none, 401, 'unauthorized');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expectError(await app.http.get('/api/v1/tenants').set('Authorization', 'Bearer nope'), 401, 'unauthorized');
    expectError(await app.http.get('/api/v1/tenants').set('Authorization', `Basic ${ROOT_KEY}`), 401, 'unauthorized');
  });
});

describe('GET /api/v1/tenants', () => {
  it('pages with limit and cursor, and rejects a limit out of range', async () => {
    for (let i = 0; i < 3; i++) await createTenant(app);
    const first = await root(app.http.get('/api/v1/tenants?limit=2'));
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await root(app.http.get(`/api/v1/tenants?limit=2&cursor=${first.body.next_cursor}`));
    expect(second.body.data[0].id > first.body.data[1].id).toBe(true);
    expectError(await root(app.http.get('/api/v1/tenants?limit=201')), 400, 'invalid_request');
    expectError(await root(app.http.get('/api/v1/tenants?limit=0')), 400, 'invalid_request');
    expectError(await root(app.http.get('/api/v1/tenants?cursor=garbage')), 400, 'invalid_request');
  });
});

describe('DELETE /api/v1/tenants/{tenant}', () => {
  it('removes the tenant with its organizations and users', async () => {
    const admin = await createTenant(app);
    const org = await admin.createOrg();
    const user = await admin.createUser();
    await admin.addMember(org.id, user.id, 'owner');
    expect((await root(app.http.delete(`/api/v1/tenants/${admin.tenant.slug}`))).status).toBe(204);
    expectError(await root(app.http.get(`/api/v1/tenants/${admin.tenant.id}`)), 404, 'not_found');
    expect(await app.container.models.User.count({ where: { tenant_id: admin.tenant.id } })).toBe(0);
    expect(await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id } })).toBe(0);
  });
});

describe('tenant settings', () => {
  it('PATCH merges, null inherits the built-in default again, and organizations inherit', async () => {
    const admin = await createTenant(app);
    const res = await admin.patch('/settings', { branding: { primary_color: '#AA0000' }, auth_settings: { session_ttl_hours: 8 } });
    expect(res.status).toBe(200);
    expect(res.body.branding.primary_color).toBe('#aa0000');
    expect(res.body.effective.auth_settings).toMatchObject({ session_ttl_hours: 8, password_min_length: 8 });

    const org = await admin.createOrg({ auth_settings: { password_min_length: 12 } });
    const got = (await admin.get(`/organizations/${org.id}`)).body;
    expect(got.effective.auth_settings).toMatchObject({ session_ttl_hours: 8, password_min_length: 12, max_login_attempts: 10 });
    expect(got.effective.branding.primary_color).toBe('#aa0000');

    const reset = await admin.patch('/settings', { auth_settings: { session_ttl_hours: null } });
    expect(reset.body.auth_settings.session_ttl_hours).toBeNull();
    expect(reset.body.effective.auth_settings.session_ttl_hours).toBe(24);
    expect((await admin.get(`/organizations/${org.id}`)).body.effective.auth_settings.session_ttl_hours).toBe(24);
  });

  it('rejects out-of-range values and a default connection that does not exist', async () => {
    const admin = await createTenant(app);
    expectError(await admin.patch('/settings', { auth_settings: { session_ttl_hours: 721 } }), 400, 'invalid_request');
    expectError(await admin.patch('/settings', { branding: { logo_url: 'http://insecure.example/logo.png' } }), 400, 'invalid_request');
    expectError(await admin.patch('/settings', { auth_settings: { default_connection_id: 'con_01ABCDEFGHJKMNPQRSTVWXYZ00' } }), 400, 'invalid_request');
    expect((await admin.get('/settings')).body.auth_settings.session_ttl_hours).toBeNull();
  });
});
