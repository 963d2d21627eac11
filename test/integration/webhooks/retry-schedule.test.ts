import { createTenant, type AdminClient } from '../../support/api';
import { ManualClock, ownDatabaseUrl, startTestApp, type TestApp } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { RETRY_DELAYS_MS } from '../../../src/webhooks/retry-schedule';

let app: TestApp;
let admin: AdminClient;
let receiver: WebhookReceiver;
const clock = new ManualClock();

beforeAll(async () => {
  // Its own database on MariaDB: the clock runs hours ahead, so its worker would find every other
  // file's pending retries due and deliver them.
  app = await startTestApp({ clock, env: { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' }, databaseUrl: await ownDatabaseUrl('retry') });
  admin = await createTenant(app);
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver.close();
  await app.close();
});

async function only(id: string) {
  const res = await admin.get(`/webhooks/${id}/deliveries`);
  expect(res.body.data).toHaveLength(1);
  return res.body.data[0] as { status: string; next_attempt_at: string | null; attempts: Array<{ status_code: number }> };
}

describe('the retry schedule', () => {
  it('retries immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (±10 %), honours a longer Retry-After, then fails', async () => {
    receiver.fallback = { status: 503 };
    const { body: webhook } = await admin.post('/webhooks', { url: receiver.url, events: ['organization.created'] });
    await admin.createOrg();
    const worker = app.container.webhookWorker;

    await worker.drain();
    let d = await only(webhook.id);
    expect(d.attempts).toHaveLength(2); // the first try and the immediate retry
    expect(d.status).toBe('pending');

    for (let step = 1; step < RETRY_DELAYS_MS.length; step++) {
      const delay = RETRY_DELAYS_MS[step]!;
      const wait = Date.parse(d.next_attempt_at!) - clock.now().getTime();
      if (step === 3) {
        // The previous answer said Retry-After: 3 h, longer than the 30 min the schedule has here.
        expect(wait).toBeGreaterThanOrEqual(3 * 3_600_000 - 1000);
      } else {
        expect(wait).toBeGreaterThanOrEqual(delay * 0.9 - 5);
        expect(wait).toBeLessThanOrEqual(delay * 1.1 + 5);
      }
      clock.advance(wait - 1000);
      await worker.drain();
      expect((await only(webhook.id)).attempts).toHaveLength(step + 1); // not yet due
      if (step === 2) receiver.next({ status: 429, headers: { 'retry-after': String(3 * 3600) } });
      clock.advance(1000);
      await worker.drain();
      d = await only(webhook.id);
      expect(d.attempts).toHaveLength(step + 2);
    }
    expect(d.status).toBe('failed');
    expect(d.next_attempt_at).toBeNull();
    expect(d.attempts.map((a) => a.status_code)).toEqual([503, 503, 503, 429, 503, 503, 503, 503, 503]);
    const failed = await admin.get(`/webhooks/${webhook.id}/deliveries?status=failed`);
    expect(failed.body.data).toHaveLength(1);
  });
});
