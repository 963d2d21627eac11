import { AdminClient, createTenant, expectError } from '../../support/api';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;

beforeAll(async () => {
  app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' } });
  admin = await createTenant(app);
});
afterAll(() => app.close());

const url = 'http://127.0.0.1:9/hooks';

describe('webhooks API', () => {
  it('creates a webhook and shows its secret once; reads, lists, updates and deletes it, each with an event', async () => {
    const created = await admin.post('/webhooks', { url, events: ['membership.', 'organization.created'], description: 'CRM' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^whk_/), url, events: ['membership.', 'organization.created'], enabled: true, description: 'CRM' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(32);
    const id = created.body.id;

    const read = await admin.get(`/webhooks/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect((await admin.get('/webhooks')).body.data.map((w: { id: string }) => w.id)).toContain(id);

    const patched = await admin.patch(`/webhooks/${id}`, { events: ['*'], enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['*'], enabled: false, disabled_reason: 'disabled' });

    const rotated = await admin.post(`/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(Date.parse(rotated.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600_000);

    expect((await admin.del(`/webhooks/${id}`)).status).toBe(204);
    expectError(await admin.get(`/webhooks/${id}`), 404, 'not_found');

    const types = (await admin.events('?type=webhook.*')).map((e) => e.type).reverse();
    expect(types).toEqual(['webhook.created', 'webhook.updated', 'webhook.secret_rotated', 'webhook.deleted']);
    const all = JSON.stringify(await admin.events('?type=webhook.*'));
    expect(all).not.toContain('whsec_');
  });

  it('keeps the secret sealed at rest, not in clear and not hashed', async () => {
    const created = await admin.post('/webhooks', { url, events: ['*'] });
    const row = await app.container.models.Webhook.findByPk(created.body.id, { raw: true });
    expect(row!.secret_sealed).toMatch(/^v1\./);
    expect(row!.secret_sealed).not.toContain(created.body.secret.slice(6, 20));
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'not a url', events: ['*'] }, 'url'],
    [{ url: 'http://user:pw@example.com/x', events: ['*'] }, 'url'],
    [{ url: 'http://10.0.0.1/x', events: ['*'] }, 'url'],
    [{ url: 'http://169.254.169.254/latest', events: ['*'] }, 'url'],
    [{ url, events: [] }, 'events'],
    [{ url, events: ['Bad Type'] }, 'events.0'],
    [{ url }, 'events'],
    [{ url, events: ['*'], secret: 'mine' }, undefined],
    [{ url, events: ['*'], enabled: 'yes' }, 'enabled'],
  ])('answers 400 to %j and writes nothing', async (body, path) => {
    const before = (await admin.get('/webhooks?limit=200')).body.data.length;
    const res = await admin.post('/webhooks', body);
    expectError(res, 400, 'invalid_request');
    if (path) expect(res.body.error.details[0].path).toBe(path);
    expect((await admin.get('/webhooks?limit=200')).body.data.length).toBe(before);
  });

  it('accepts a `membership.*` prefix as `membership.`', async () => {
    const res = await admin.post('/webhooks', { url, events: ['membership.*'] });
    expect(res.status).toBe(201);
    expect(res.body.events).toEqual(['membership.']);
  });

  it('answers 404 for another tenant’s webhook and 400 to a bad deliveries status', async () => {
    const other = await createTenant(app);
    const mine = await admin.post('/webhooks', { url, events: ['*'] });
    expectError(await other.get(`/webhooks/${mine.body.id}`), 404, 'not_found');
    expectError(await other.patch(`/webhooks/${mine.body.id}`, { enabled: false }), 404, 'not_found');
    expectError(await other.del(`/webhooks/${mine.body.id}`), 404, 'not_found');
    expectError(await admin.get(`/webhooks/${mine.body.id}/deliveries?status=lost`), 400, 'invalid_request');
    expectError(await admin.post(`/webhooks/${mine.body.id}/deliveries/dlv_01ARZ3NDEKTSV4RRFFQ69G5FAV/retry`), 404, 'not_found');
  });

  it('refuses a test event for a disabled webhook (409)', async () => {
    const hook = await admin.post('/webhooks', { url, events: ['*'], enabled: false });
    expectError(await admin.post(`/webhooks/${hook.body.id}/test`), 409, 'conflict');
  });
});

describe('webhooks API in production', () => {
  it('requires https', async () => {
    const prod = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const t = await createTenant(prod);
      const res = await t.post('/webhooks', { url: 'http://example.com/hooks', events: ['*'] });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.message).toMatch(/https/);
      expect((await t.post('/webhooks', { url: 'https://example.com/hooks', events: ['*'] })).status).toBe(201);
    } finally {
      await prod.close();
    }
  });
});
