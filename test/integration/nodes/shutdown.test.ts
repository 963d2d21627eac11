import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueSlug } from '../../support/api';
import { NodeProcess } from '../../support/node-process';
import { ownDatabaseUrl, ROOT_KEY, startTestApp } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * A database of its own: on a shared MariaDB, another file's running webhook worker would take
 * this file's deliveries (and the process here theirs).
 */
const databaseUrl = async (suffix: string) => (await ownDatabaseUrl(suffix)) ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'ob-shutdown-')), 'db.sqlite')}`;

/** A request whose body arrives in two parts, so it is still under way when the signal comes. */
function slowPost(url: string, path: string, body: unknown) {
  const data = JSON.stringify(body);
  const u = new URL(url);
  let finish!: () => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.write(data.slice(0, 5));
    finish = () => req.end(data.slice(5));
  });
  return { response, finish: () => finish() };
}

describe('graceful shutdown of the real process', () => {
  it('on SIGTERM stops taking requests, finishes the request and the webhook delivery under way, releases its leases and exits 0 within 10 s', async () => {
    const db = await databaseUrl('shutdown');
    const receiver = await WebhookReceiver.start();
    const node = await NodeProcess.start(db, { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' });
    try {
      const slug = uniqueSlug('tenant');
      expect((await node.api('POST', '/api/v1/tenants', { slug, name: 'Shutdown' })).status).toBe(201);
      const hook = await node.api('POST', `/t/${slug}/api/v1/admin/webhooks`, { url: receiver.url, events: ['organization.created'] });
      expect(hook.status).toBe(201);
      receiver.next({ status: 200, delayMs: 2_000 });
      expect((await node.api('POST', `/t/${slug}/api/v1/admin/organizations`, { name: 'A', slug: uniqueSlug('org') })).status).toBe(201);
      await receiver.waitFor(1); // the delivery is under way: the receiver answers in 2 s

      const inFlight = slowPost(node.url, `/t/${slug}/api/v1/admin/organizations`, { name: 'B', slug: uniqueSlug('org') });
      await new Promise((r) => setTimeout(r, 200));
      const stopped = node.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // No new connections once the signal is handled…
      await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
      // …but the request under way is answered.
      inFlight.finish();
      expect((await inFlight.response).status).toBe(201);
      const end = await stopped;
      expect(end).toMatchObject({ code: 0, signal: null });
      expect(end.ms).toBeLessThan(10_000);

      const after = await startTestApp({ databaseUrl: db });
      try {
        const deliveries = await after.http.get(`/t/${slug}/api/v1/admin/webhooks/${hook.body.id}/deliveries`).set('Authorization', `Bearer ${ROOT_KEY}`);
        const first = deliveries.body.data.find((d: { event_type: string; attempts: unknown[] }) => d.attempts.length);
        expect(first).toMatchObject({ status: 'succeeded', attempts: [{ status_code: 200 }] });
        const lease = await after.container.models.SchedulerLease.findByPk(`webhook:${hook.body.id}`, { raw: true });
        expect(new Date(lease!.expires_at).getTime()).toBe(0);
      } finally {
        await after.close();
      }
      expect(receiver.received).toHaveLength(1);
    } finally {
      if (node.child.exitCode === null) node.child.kill('SIGKILL');
      await receiver.close();
    }
  }, 40_000);

  it('with SHUTDOWN_DRAIN_DELAY, /readyz answers 503 from the signal on while requests are still served; then the server stops listening and exits 0', async () => {
    const db = await databaseUrl('drain');
    const node = await NodeProcess.start(db, { SHUTDOWN_DRAIN_DELAY: '2s' });
    try {
      expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
      const signalled = Date.now();
      const stopped = node.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const ready = await fetch(`${node.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
      expect(await ready.json()).toEqual({ error: { code: 'unavailable', message: 'the process is shutting down' } });
      // Still alive, and still serving, writes included, until the delay is over.
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      expect((await node.api('POST', '/api/v1/tenants', { slug: uniqueSlug('tenant'), name: 'While draining' })).status).toBe(201);
      expect(Date.now() - signalled).toBeLessThan(2_000);
      const end = await stopped;
      expect(end).toMatchObject({ code: 0, signal: null });
      expect(end.ms).toBeGreaterThanOrEqual(2_000);
      expect(end.ms).toBeLessThan(12_000);
      await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
    } finally {
      if (node.child.exitCode === null) node.child.kill('SIGKILL');
    }
  }, 40_000);

  it('kill -9 right after commits loses no delivery: another process delivers every committed event', async () => {
    const db = await databaseUrl('kill');
    const receiver = await WebhookReceiver.start();
    const node = await NodeProcess.start(db, { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' });
    const slug = uniqueSlug('tenant');
    let hookId = '';
    try {
      expect((await node.api('POST', '/api/v1/tenants', { slug, name: 'Kill' })).status).toBe(201);
      const hook = await node.api('POST', `/t/${slug}/api/v1/admin/webhooks`, { url: receiver.url, events: ['organization.created'] });
      hookId = hook.body.id;
      // The receiver is slow, so most events are still waiting when the process dies.
      receiver.fallback = { status: 200, delayMs: 300 };
      const created = await Promise.all(Array.from({ length: 10 }, () => node.api('POST', `/t/${slug}/api/v1/admin/organizations`, { name: 'K', slug: uniqueSlug('org') })));
      expect(created.map((r) => r.status)).toEqual(Array(10).fill(201));
      node.child.kill('SIGKILL');
      await node.ended();
    } finally {
      if (node.child.exitCode === null) node.child.kill('SIGKILL');
    }
    const before = receiver.received.length;
    expect(before).toBeLessThan(10);
    receiver.fallback = { status: 200 };
    const after = await startTestApp({ databaseUrl: db, env: { WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' } });
    try {
      // The dead process's lease would lapse after 60 s; the test moves that along.
      await after.container.models.SchedulerLease.update({ expires_at: new Date(0) }, { where: { name: `webhook:${hookId}` } });
      after.container.webhookWorker.start(50);
      // At least once: the delivery under way at the kill may come twice.
      const ids = () => new Set(receiver.received.map((r) => r.headers['webhook-id']));
      for (let n = before + 1; ids().size < 10 && n <= 20; n++) await receiver.waitFor(n, 15_000);
      expect(ids().size).toBe(10);
    } finally {
      await after.close();
      await receiver.close();
    }
  }, 40_000);
});
