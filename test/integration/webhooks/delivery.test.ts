import { createTenant, uniqueSlug, type AdminClient } from '../../support/api';
import { createDirectory } from '../../support/scim';
import { ownDatabaseUrl, startTestApp, type TestApp } from '../../support/test-app';
import { verifyWithLibrary, WebhookReceiver } from '../../support/webhook-receiver';

let app: TestApp;
let admin: AdminClient;
let receiver: WebhookReceiver;

// A running worker takes every webhook with work in its database: on a shared MariaDB it gets one of its own.
beforeAll(async () => {
  app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1', WEBHOOK_TIMEOUT: '1s' }, databaseUrl: await ownDatabaseUrl('delivery') });
  app.container.webhookWorker.start(50);
  admin = await createTenant(app);
});
afterAll(() => app.close());
beforeEach(async () => {
  receiver = await WebhookReceiver.start();
});
afterEach(() => receiver.close());

async function hook(events: string[] = ['*']): Promise<{ id: string; secret: string }> {
  const res = await admin.post('/webhooks', { url: receiver.url, events });
  expect(res.status).toBe(201);
  return res.body;
}

async function deliveries(id: string, query = '') {
  const res = await admin.get(`/webhooks/${id}/deliveries${query}`);
  expect(res.status).toBe(200);
  return res.body.data as Array<{ id: string; status: string; event_type: string; attempts: Array<{ status_code: number | null; error: string | null; duration_ms: number }> }>;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook deliveries', () => {
  it('posts the event as GET /events shows it, signed to the Standard Webhooks spec (verified with the standardwebhooks library)', async () => {
    const { id, secret } = await hook(['organization.']);
    const org = await admin.createOrg();
    const [got] = await receiver.waitFor(1);
    const payload = verifyWithLibrary(secret, got!) as Record<string, unknown>;
    const [event] = await admin.events('?type=organization.created&limit=1');
    expect(payload).toEqual(event);
    expect(payload).toMatchObject({ type: 'organization.created', target: { type: 'organization', id: org.id } });
    expect(got!.headers['webhook-id']).toBe(event!.id);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(() => verifyWithLibrary('whsec_' + Buffer.alloc(32, 1).toString('base64'), got!)).toThrow();
    const [d] = await until(() => deliveries(id), (l) => l[0]?.status === 'succeeded');
    expect(d).toMatchObject({ status: 'succeeded', event_type: 'organization.created', attempts: [{ status_code: 200, error: null }] });
  });

  it('sends only the events a webhook asks for, and per webhook in seq order', async () => {
    await hook(['organization.created']);
    for (let i = 0; i < 12; i++) await admin.createOrg();
    await Promise.all(Array.from({ length: 12 }, () => admin.createOrg()));
    const got = await receiver.waitFor(24);
    const seqs = got.map((r) => JSON.parse(r.body).seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(got.map((r) => JSON.parse(r.body).type))).toEqual(new Set(['organization.created']));
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(24);
  });

  it('retries a failure and a timeout at once, records every attempt, and succeeds when the receiver recovers', async () => {
    const { id } = await hook(['organization.created']);
    receiver.next({ status: 500 }, { hang: true });
    await admin.createOrg();
    const got = await receiver.waitFor(3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [d] = await until(() => deliveries(id), (l) => l[0]?.status === 'succeeded');
    expect(d!.attempts.map((a) => [a.status_code, a.error])).toEqual([
      [500, null],
      [null, 'timed out after 1 s'],
      [200, null],
    ]);
    expect(d!.attempts[1]!.duration_ms).toBeGreaterThanOrEqual(900);
  });

  it('after a rotation signs with both secrets, so a receiver with either one verifies', async () => {
    const { id, secret: old } = await hook(['organization.created']);
    const rotated = await admin.post(`/webhooks/${id}/rotate-secret`);
    await admin.createOrg();
    const [got] = await receiver.waitFor(1);
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWithLibrary(old, got!)).toMatchObject({ type: 'organization.created' });
    expect(verifyWithLibrary(rotated.body.secret, got!)).toMatchObject({ type: 'organization.created' });
  });

  it('a 410 disables the webhook (an event says so) and nothing more is sent to it', async () => {
    const { id } = await hook(['organization.created']);
    receiver.next({ status: 410 });
    await admin.createOrg();
    await receiver.waitFor(1);
    const webhook = await until(async () => (await admin.get(`/webhooks/${id}`)).body, (w) => w.enabled === false);
    expect(webhook).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    expect((await deliveries(id))[0]).toMatchObject({ status: 'failed', attempts: [{ status_code: 410 }] });
    const [event] = await admin.events('?type=webhook.updated&limit=1');
    expect(event).toMatchObject({ actor: { type: 'system' }, target: { id }, data: { enabled: false, disabled_reason: 'gone' } });
    await admin.createOrg();
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
  });

  it('sends a webhook.test event on request, and sends a delivery again on a manual retry', async () => {
    const { id, secret } = await hook(['nothing.matches']);
    const test = await admin.post(`/webhooks/${id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ id: expect.stringMatching(/^dlv_/), status: 'pending', event_type: 'webhook.test' });
    const [got] = await receiver.waitFor(1);
    expect(verifyWithLibrary(secret, got!)).toMatchObject({ type: 'webhook.test', seq: null, target: { type: 'webhook', id } });
    await until(() => deliveries(id), (l) => l[0]?.status === 'succeeded');
    const retried = await admin.post(`/webhooks/${id}/deliveries/${test.body.id}/retry`);
    expect(retried.status).toBe(202);
    const again = await receiver.waitFor(2);
    expect(again[1]!.headers['webhook-id']).toBe(got!.headers['webhook-id']);
    const [d] = await until(() => deliveries(id, '?status=succeeded'), (l) => l[0]?.attempts.length === 2);
    expect(d!.attempts).toHaveLength(2);
    expect(await deliveries(id, '?status=failed')).toEqual([]);
  });

  it('never delivers the events of a transaction that rolled back', async () => {
    await hook(['rollback.']);
    const ctx = { tenantId: admin.tenant.id, actor: { type: 'system' as const, id: null } };
    const { db, events } = app.container;
    await expect(
      db.transaction(async (tx) => {
        events.record(ctx, tx, { type: 'rollback.lost', target: { type: 'test', id: null } });
        throw new Error('the change fails after recording its event');
      }),
    ).rejects.toThrow();
    await db.transaction(async (tx) => events.record(ctx, tx, { type: 'rollback.kept', target: { type: 'test', id: null } }));
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.events().map((e) => e.type)).toEqual(['rollback.kept']);
  });

  it('never delivers the events of a SCIM request that failed after recording some (a PATCH whose second operation is invalid)', async () => {
    const org = await admin.createOrg();
    const scim = await createDirectory(admin, org.id);
    const user = await scim.createUser(`${uniqueSlug('p')}@example.com`);
    const group = await scim.createGroup('Engineering');
    await hook(['directory.group.']);
    const failed = await scim.patchOps(`/Groups/${group.id}`, [
      { op: 'add', path: 'members', value: [{ value: user.id }] },
      { op: 'frobnicate', path: 'displayName', value: 'x' },
    ]);
    expect(failed.status).toBe(400);
    const ok = await scim.patchOps(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: 'Eng' }]);
    expect(ok.status).toBe(200);
    await receiver.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.events().map((e) => e.type)).not.toContain('directory.group.member_added');
    expect(receiver.events()).toHaveLength(1);
  });
});
