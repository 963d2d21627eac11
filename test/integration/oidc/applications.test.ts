import { createTenant, expectError, type AdminClient } from '../../support/api';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const WEB = { name: 'Dashboard', redirect_uris: ['https://app.example.com/callback'] };

describe('applications API', () => {
  it('when a web app is created, then it has a client_id and a secret shown once', async () => {
    const res = await admin.post('/applications', { ...WEB, post_logout_redirect_uris: ['https://app.example.com/'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Dashboard', type: 'web', redirect_uris: WEB.redirect_uris, post_logout_redirect_uris: ['https://app.example.com/'] });
    expect(res.body.id).toMatch(/^app_/);
    expect(res.body.client_secret).toMatch(/^obc_/);
    const got = await admin.get(`/applications/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.client_secret).toBeUndefined();
    expect(got.body.client_id).toBe(res.body.client_id);
    const events = await admin.events('?type=application.created');
    expect(events[0]).toMatchObject({ target: { type: 'application', id: res.body.id } });
    expect(JSON.stringify(events[0])).not.toContain(res.body.client_secret);
  });

  it('when a spa is created, then it gets no secret, and rotating one is a 409', async () => {
    const res = await admin.post('/applications', { ...WEB, type: 'spa' });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toBeUndefined();
    expectError(await admin.post(`/applications/${res.body.id}/secret`), 409, 'conflict');
  });

  it.each([
    ['no redirect URIs', { name: 'x', redirect_uris: [] }],
    ['a relative redirect URI', { name: 'x', redirect_uris: ['/callback'] }],
    ['a fragment', { name: 'x', redirect_uris: ['https://a.example.com/cb#x'] }],
    ['plain http off loopback', { name: 'x', redirect_uris: ['http://a.example.com/cb'] }],
    ['an unknown type', { ...WEB, type: 'daemon' }],
    ['an unknown field', { ...WEB, grant_types: ['implicit'] }],
    ['no name', { redirect_uris: WEB.redirect_uris }],
    ['a plain http initiate_login_uri off loopback', { ...WEB, initiate_login_uri: 'http://app.example.com/login' }],
    ['a relative initiate_login_uri', { ...WEB, initiate_login_uri: '/login' }],
    ['an initiate_login_uri with credentials', { ...WEB, initiate_login_uri: 'https://u:p@app.example.com/login' }],
    ['a native-scheme initiate_login_uri', { ...WEB, initiate_login_uri: 'com.example.app:/login' }],
  ])('when the body has %s, then 400 and nothing is written', async (_, body) => {
    const before = (await admin.get('/applications')).body.data.length;
    const res = await admin.post('/applications', body);
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect((await admin.get('/applications')).body.data.length).toBe(before);
  });

  it('when an app is patched, rotated and deleted, then each shows and is recorded', async () => {
    const created = (await admin.post('/applications', WEB)).body;
    const patched = await admin.patch(`/applications/${created.id}`, { redirect_uris: ['http://localhost:3000/cb'] });
    expect(patched.status).toBe(200);
    expect(patched.body.redirect_uris).toEqual(['http://localhost:3000/cb']);
    expectError(await admin.patch(`/applications/${created.id}`, { type: 'spa' }), 400, 'invalid_request');
    const rotated = await admin.post(`/applications/${created.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).toMatch(/^obc_/);
    expect(rotated.body.client_secret).not.toBe(created.client_secret);
    expect((await admin.del(`/applications/${created.id}`)).status).toBe(204);
    expectError(await admin.get(`/applications/${created.id}`), 404, 'not_found');
    const types = (await admin.events()).filter((e) => (e.target as { id: string }).id === created.id).map((e) => e.type);
    expect(types).toEqual(['application.deleted', 'application.secret_rotated', 'application.updated', 'application.created']);
  });
});

describe('initiate_login_uri (issue 22: where invitations for the application land)', () => {
  it('is optional (null), taken at creation, changed and cleared by PATCH; http only on localhost', async () => {
    const plain = (await admin.post('/applications', WEB)).body;
    expect(plain.initiate_login_uri).toBeNull();
    const created = await admin.post('/applications', { ...WEB, initiate_login_uri: 'https://app.example.com/login?from=invite' });
    expect(created.status).toBe(201);
    expect(created.body.initiate_login_uri).toBe('https://app.example.com/login?from=invite');
    const local = await admin.patch(`/applications/${created.body.id}`, { initiate_login_uri: 'http://localhost:3000/login' });
    expect(local.body.initiate_login_uri).toBe('http://localhost:3000/login');
    expectError(await admin.patch(`/applications/${created.body.id}`, { initiate_login_uri: 'http://app.example.com/login' }), 400, 'invalid_request');
    const cleared = await admin.patch(`/applications/${created.body.id}`, { initiate_login_uri: null });
    expect(cleared.body.initiate_login_uri).toBeNull();
    expect((await admin.get(`/applications/${created.body.id}`)).body.initiate_login_uri).toBeNull();
  });
});

describe('signing keys API', () => {
  it('when rotated, then the new key is active and the old one retired', async () => {
    const first = await admin.get('/signing-keys');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({ alg: 'ES256', status: 'active', retired_at: null });
    const rotated = await admin.post('/signing-keys/rotate');
    expect(rotated.status).toBe(201);
    const after = (await admin.get('/signing-keys')).body.data;
    expect(after.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [rotated.body.kid, 'active'],
      [first.body.data[0].kid, 'retired'],
    ]);
    expect((await admin.events('?type=signing_key.rotated'))[0]).toMatchObject({ target: { id: rotated.body.kid } });
  });
});
