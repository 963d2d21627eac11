import { randomBytes } from 'node:crypto';
import { createTenant, expectError, type AdminClient } from '../../support/api';
import { TestDnsServer } from '../../support/dns-server';
import { ownDatabaseUrl, startTestApp, type TestApp } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * Deliveries are fetched like domain verification: only 127.0.0.2 is allowed here
 * (WEBHOOK_ALLOW_PRIVATE), names are resolved by the test's DNS server, and each case asserts
 * that the forbidden receiver on 127.0.0.3 saw nothing.
 */
let app: TestApp;
let admin: AdminClient;
let dns: TestDnsServer;
let allowed: WebhookReceiver;
let forbidden: WebhookReceiver;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  // A running worker takes every webhook with work in its database: on a shared MariaDB it gets one of its own.
  app = await startTestApp({ env: { DNS_SERVERS: dns.address, WEBHOOK_ALLOW_PRIVATE: '127.0.0.2' }, databaseUrl: await ownDatabaseUrl('ssrf') });
  app.container.webhookWorker.start(50);
  admin = await createTenant(app);
  allowed = await WebhookReceiver.start('127.0.0.2');
  forbidden = await WebhookReceiver.start('127.0.0.3');
});
afterAll(async () => {
  await app.close();
  await allowed.close();
  await forbidden.close();
  await dns.close();
});

function name(address: string): string {
  const n = `hooks-${randomBytes(4).toString('hex')}.test`;
  dns.set(n, { A: [address] });
  return n;
}

async function firstAttempt(webhookId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [d] = (await admin.get(`/webhooks/${webhookId}/deliveries`)).body.data;
    if (d?.attempts.length || Date.now() > deadline) return d?.attempts[0] as { status_code: number | null; error: string | null };
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook SSRF policy', () => {
  it('delivers to a name that resolves to an allowed address', async () => {
    const { body } = await admin.post('/webhooks', { url: `http://${name('127.0.0.2')}:${new URL(allowed.url).port}/hooks`, events: ['webhook.test'] });
    await admin.post(`/webhooks/${body.id}/test`);
    await allowed.waitFor(1);
    expect(await firstAttempt(body.id)).toMatchObject({ status_code: 200 });
  });

  it('refuses a name that resolves to a non-public address, at delivery time', async () => {
    const host = name('127.0.0.3');
    const { body } = await admin.post('/webhooks', { url: `http://${host}:${new URL(forbidden.url).port}/hooks`, events: ['webhook.test'] });
    await admin.post(`/webhooks/${body.id}/test`);
    expect(await firstAttempt(body.id)).toEqual({ status_code: null, error: `${host} resolves to a non-public address (127.0.0.3); refused`, attempted_at: expect.any(String), duration_ms: expect.any(Number) });
    expect(forbidden.received).toHaveLength(0);
  });

  it('never follows a redirect: a 307 is a failed attempt', async () => {
    allowed.next({ status: 307, headers: { location: forbidden.url } });
    const { body } = await admin.post('/webhooks', { url: allowed.url, events: ['webhook.test'] });
    await admin.post(`/webhooks/${body.id}/test`);
    expect(await firstAttempt(body.id)).toMatchObject({ status_code: 307, error: null });
    expect(forbidden.received).toHaveLength(0);
  });

  it('refuses a non-public address literal when the webhook is created', async () => {
    expectError(await admin.post('/webhooks', { url: forbidden.url, events: ['*'] }), 400, 'invalid_request');
  });
});
