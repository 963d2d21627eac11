import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { ulid } from 'ulid';
import { cpu, type Cpu } from './support/cpu';
import { call, runLoad } from './support/load';
import { ReceiverProcess as Receiver } from './support/receiver-process';
import { benchEnv, BENCH_ROOT_KEY, startOrgbridge, type Server } from './support/servers';

/**
 * Webhook delivery (issue 20). The service runs in its own process (`node dist/src/main.js`); this
 * process is the load generator; the receiver (a bare node:http server on loopback answering 204)
 * runs in a third process (bench/support/receiver-process.ts).
 *
 *   npx tsx bench/webhooks.bench.ts                    (SQLite file)
 *   BENCH_DATABASE_URL=mysql://u:p@127.0.0.1:3306/db npx tsx bench/webhooks.bench.ts
 *   [BACKLOG=100000] [INGEST_ROUNDS=3] [PHASES=latency,backlog,ingest]
 *
 * 1. Idle latency: 200 admin-API changes one at a time, 20 ms apart; from sending the request (the
 *    commit is inside it) to the receiver having the event.
 * 2. Backlog: BACKLOG events are written straight into the events table in one transaction (as if a
 *    burst of changes had committed while the receiver was down), for one webhook; time until the
 *    receiver has them all (deliveries/s), and the service's peak RSS meanwhile.
 * 3. SCIM ingest with and without delivery work: interleaved rounds of 1,000 SCIM user creations
 *    into a tenant without webhooks, and into one whose `*` webhook delivers every event as it goes.
 */
const BACKLOG = Number(process.env.BACKLOG ?? 100_000);
const INGEST_ROUNDS = Number(process.env.INGEST_ROUNDS ?? 3);
/** SCIM users created per ingest round. */
const ROUND = 1000;
const admin = { authorization: `Bearer ${BENCH_ROOT_KEY}` };

const pctl = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tenant(port: number, slug: string) {
  await call(port, { method: 'POST', path: '/api/v1/tenants', headers: admin, body: { slug, name: slug } });
  return `/t/${slug}/api/v1/admin`;
}

async function idleLatency(s: Server, receiver: Receiver) {
  const base = await tenant(s.port, `lat-${Date.now()}`);
  await call(s.port, { method: 'POST', path: `${base}/webhooks`, headers: admin, body: { url: receiver.url, events: ['organization.created'] } });
  const fromRequest: number[] = [];
  const fromAnswer: number[] = [];
  receiver.track = true;
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const org = await call(s.port, { method: 'POST', path: `${base}/organizations`, headers: admin, body: { name: `O${i}` } });
    const t1 = performance.now();
    while (!receiver.seenTarget.has(org.body.id)) await sleep(0);
    fromRequest.push(receiver.seenTarget.get(org.body.id)! - t0);
    fromAnswer.push(receiver.seenTarget.get(org.body.id)! - t1);
    await sleep(20);
  }
  receiver.track = false;
  const show = (xs: number[]) => `p50 ${pctl(xs, 0.5).toFixed(1)} ms, p90 ${pctl(xs, 0.9).toFixed(1)} ms, p99 ${pctl(xs, 0.99).toFixed(1)} ms`;
  // The commit happens between the two instants: the first is an upper bound, the second nearly exact.
  console.log(`idle commit → delivery, 200 changes: from the request ${show(fromRequest)}; from its answer ${show(fromAnswer)}`);
}

/** BACKLOG events of one tenant, committed at once, straight into the database. */
async function seedEvents(databaseUrl: string, tenantId: string, count: number) {
  const now = new Date();
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    const stamp = `${now.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
    db.transaction(() => {
      const { last_seq } = db.prepare('UPDATE tenant_event_counters SET last_seq = last_seq + ? WHERE tenant_id = ? RETURNING last_seq').get(count, tenantId) as { last_seq: number };
      const insert = db.prepare("INSERT INTO events (id, tenant_id, seq, type, actor_type, actor_id, target_type, target_id, organization_id, data, created_at) VALUES (?, ?, ?, 'bench.event', 'system', NULL, 'bench', NULL, NULL, ?, ?)");
      for (let i = 0; i < count; i++) insert.run(`evt_${ulid()}`, tenantId, last_seq - count + 1 + i, JSON.stringify({ i }), stamp);
    })();
    db.close();
    return;
  }
  const conn = await createConnection(databaseUrl);
  await conn.beginTransaction();
  await conn.execute('UPDATE tenant_event_counters SET last_seq = LAST_INSERT_ID(last_seq + ?) WHERE tenant_id = ?', [count, tenantId]);
  const [[{ last }]] = (await conn.query('SELECT LAST_INSERT_ID() AS last')) as unknown as [[{ last: number }]];
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => [`evt_${ulid()}`, tenantId, Number(last) - count + 1 + i + j, 'bench.event', 'system', null, 'bench', null, null, JSON.stringify({ i: i + j }), now]);
    await conn.query('INSERT INTO events (id, tenant_id, seq, type, actor_type, actor_id, target_type, target_id, organization_id, data, created_at) VALUES ?', [rows]);
  }
  await conn.commit();
  await conn.end();
}

async function backlog(s: Server, receiver: Receiver, databaseUrl: string) {
  const slug = `backlog-${Date.now()}`;
  const base = await tenant(s.port, slug);
  const tenantId = (await call(s.port, { method: 'GET', path: `/api/v1/tenants/${slug}`, headers: admin })).body.id;
  await call(s.port, { method: 'POST', path: `${base}/webhooks`, headers: admin, body: { url: receiver.url, events: ['bench.'] } });
  const before = receiver.count;
  let peak = s.rssMb();
  const t0 = performance.now();
  await seedEvents(databaseUrl, tenantId, BACKLOG);
  const seeded = performance.now();
  let split = '';
  while (receiver.count - before < BACKLOG) {
    await sleep(100);
    const rss = s.rssMb();
    if (rss > peak) {
      peak = rss;
      const status = readFileSync(`/proc/${s.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
      split = ` (anonymous ${kb('RssAnon').toFixed(0)} MB, file ${kb('RssFile').toFixed(0)} MB, shared memory ${kb('RssShmem').toFixed(0)} MB)`;
    }
  }
  const seconds = (performance.now() - seeded) / 1000;
  console.log(`backlog of ${BACKLOG} events (seeded in ${((seeded - t0) / 1000).toFixed(1)} s): drained in ${seconds.toFixed(1)} s = ${(BACKLOG / seconds).toFixed(0)} deliveries/s to one webhook; peak RSS ${peak.toFixed(0)} MB${split}`);
}

async function ingest(s: Server, receiver: Receiver) {
  const setUp = async (withWebhook: boolean) => {
    const base = await tenant(s.port, `ingest-${withWebhook ? 'hook' : 'none'}-${Date.now()}`);
    if (withWebhook) await call(s.port, { method: 'POST', path: `${base}/webhooks`, headers: admin, body: { url: receiver.url, events: ['*'] } });
    const org = (await call(s.port, { method: 'POST', path: `${base}/organizations`, headers: admin, body: { name: 'Ingest' } })).body;
    const dir = (await call(s.port, { method: 'POST', path: `${base}/organizations/${org.id}/directories`, headers: admin, body: { name: 'IdP', provider: 'okta' } })).body;
    const path = `${base.replace('/api/v1/admin', '')}/scim/v2/${dir.id}/Users`;
    const headers = { authorization: `Bearer ${dir.bearer_token}`, 'content-type': 'application/scim+json' };
    let n = 0;
    const tag = withWebhook ? 'h' : 'n';
    return () =>
      runLoad(s.port, ROUND, 8, () => {
        const userName = `${tag}${n++}@bench.example`;
        return { method: 'POST', path, headers, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, emails: [{ value: userName, type: 'work', primary: true }], active: true } };
      });
  };
  const none = await setUp(false);
  const hooked = await setUp(true);
  await none();
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < INGEST_ROUNDS; r++) {
    const c0 = cpu(s.pid);
    const a = await none();
    const c1 = cpu(s.pid);
    const before = receiver.count;
    const b = await hooked();
    const during = receiver.count - before;
    // Let the deliveries catch up, so that the next round without webhooks runs without them.
    for (let last = -1; last !== receiver.count; ) {
      last = receiver.count;
      await sleep(500);
    }
    const c2 = cpu(s.pid);
    ratios.push(b.perSecond / a.perSecond);
    const perUser = (from: Cpu, to: Cpu) => ((to.service - from.service + to.database - from.database) / ROUND).toFixed(2);
    cpuRatios.push((c1.service - c0.service + c1.database - c0.database) / (c2.service - c1.service + c2.database - c1.database));
    console.log(
      `ingest round ${r + 1}: no webhook ${a.perSecond.toFixed(0)}/s, with a delivering * webhook ${b.perSecond.toFixed(0)}/s ` +
        `(${during} delivered during the round), ratio ${(b.perSecond / a.perSecond).toFixed(2)}; CPU per user (service + database) ` +
        `${perUser(c0, c1)} ms without, ${perUser(c1, c2)} ms with its deliveries (service alone ${((c1.service - c0.service) / ROUND).toFixed(2)} / ${((c2.service - c1.service) / ROUND).toFixed(2)} ms)`,
    );
  }
  console.log(`ingest with delivery work / without: median ratio ${pctl(ratios, 0.5).toFixed(2)}; CPU-cost ratio (without / with) ${pctl(cpuRatios, 0.5).toFixed(2)}`);
}

async function main() {
  const env: Record<string, string> = { ...benchEnv(), WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' };
  const receiver = new Receiver();
  await receiver.start();
  const s = await startOrgbridge(env);
  try {
    const phases = (process.env.PHASES ?? 'latency,backlog,ingest').split(',');
    if (phases.includes('latency')) await idleLatency(s, receiver);
    if (phases.includes('backlog')) await backlog(s, receiver, env.DATABASE_URL!);
    if (phases.includes('ingest')) await ingest(s, receiver);
  } finally {
    await s.stop();
    receiver.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
