/**
 * Portal benchmark (issue 21): the Members tab of a 50,000-member organization and the search
 * over 100,000 tenant users, as a signed-in tenant admin sees them. The service runs in its own
 * process (the production build); the rows are seeded straight into its database with bulk
 * inserts. Requests go one at a time over a keep-alive connection on loopback, so a request's
 * latency is the server's time plus loopback (≈0.1 ms).
 *
 *   npx tsx bench/portal.bench.ts                                  # SQLite file
 *   BENCH_DATABASE_URL=mysql://u:p@127.0.0.1:3306/db npx tsx bench/portal.bench.ts
 *   BENCH_USERS=100000 BENCH_MEMBERS=50000 BENCH_ROUNDS=200
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../src/db/sequelize';
import { loadConfig } from '../src/shared/config';
import { newId } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { encodeCursor } from '../src/shared/pagination';
import { call } from './support/load';
import { BENCH_ROOT_KEY, benchEnv, startOrgbridge } from './support/servers';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const MEMBERS = Math.min(USERS, Number(process.env.BENCH_MEMBERS ?? 50_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const PASSWORD = 'correct horse battery staple';
const env = benchEnv();
const results: string[] = [];
const report = (line: string) => {
  results.push(line);
  console.log(line);
};

async function seed(sequelize: Sequelize, tenantId: string, orgId: string): Promise<string[]> {
  const qi = sequelize.getQueryInterface();
  const now = new Date();
  const membershipIds: string[] = [];
  const CHUNK = 2000;
  for (let from = 0; from < USERS; from += CHUNK) {
    const users = [];
    const memberships = [];
    const roles = [];
    for (let i = from; i < Math.min(USERS, from + CHUNK); i++) {
      const id = newId('usr');
      users.push({
        id, tenant_id: tenantId, email: `user${i}@bench.example`, email_normalized: `user${i}@bench.example`, name: `Given${i} Family${i}`,
        tenant_role: null, blocked: false, password_hash: null, created_at: now, updated_at: now,
      });
      if (i < MEMBERS) {
        const mid = newId('mem');
        membershipIds.push(mid);
        const role = i % 100 === 0 ? 'admin' : 'member';
        memberships.push({ id: mid, organization_id: orgId, user_id: id, role_key: role, status: 'active', source: 'manual', created_at: now, updated_at: now });
        roles.push({ membership_id: mid, role_key: role, organization_id: orgId });
      }
    }
    await qi.bulkInsert('users', users);
    if (memberships.length) {
      await qi.bulkInsert('memberships', memberships);
      await qi.bulkInsert('membership_roles', roles);
    }
  }
  if (sequelize.getDialect() === 'mysql') await sequelize.query('ANALYZE TABLE users, memberships, membership_roles');
  else await sequelize.query('ANALYZE');
  return membershipIds;
}

/** Signs in through the hosted login (identifier, password) like a browser; returns the session cookie. */
async function signIn(port: number, slug: string, email: string): Promise<string> {
  const base = `http://127.0.0.1:${port}/t/${slug}/login`;
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`))!;
  const post = (cookie: string, form: Record<string, string>) =>
    fetch(base, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const start = await fetch(base);
  const step = await post(cookieOf(start, 'ob_csrf'), { csrf: csrfOf(await start.text()), email });
  const done = await post(cookieOf(step, 'ob_csrf'), { csrf: csrfOf(await step.text()), email, password: PASSWORD });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status}`);
  return cookieOf(done, 'ob_session');
}

interface Timing {
  p50: number;
  p95: number;
  /** CPU time of the service process (and mariadbd on MariaDB) per request: what the latency is once the machine is not shared. */
  cpuMs: number;
  statuses: Record<number, number>;
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
/** utime + stime of a process, in ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
function mariadbPid(): number | null {
  if (!env.DATABASE_URL.startsWith('mysql')) return null;
  try {
    return Number(execFileSync('pidof', ['mariadbd']).toString().trim().split(' ')[0]) || null;
  } catch {
    return null;
  }
}

/** `rounds` GETs one after another (after 20 unmeasured), latency in ms. */
async function measure(port: number, cookie: string, pathOf: (i: number) => string, rounds = ROUNDS): Promise<Timing> {
  const db = mariadbPid();
  const cpu = () => cpuMsOf(servicePid) + (db ? cpuMsOf(db) : 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, agent, headers: { cookie } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 20; i++) await get(pathOf(i + rounds));
  const cpuBefore = cpu();
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    const status = await get(pathOf(i));
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const cpuMs = (cpu() - cpuBefore) / rounds;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p95: at(0.95), cpuMs, statuses };
}

const fmt = (t: Timing) => `p50 ${t.p50.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms, CPU ${t.cpuMs.toFixed(2)} ms/request; statuses ${JSON.stringify(t.statuses)}`;
let servicePid = 0;

async function main() {
  const server = await startOrgbridge(env);
  servicePid = server.pid;
  report(`machine load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  const admin = { authorization: `Bearer ${BENCH_ROOT_KEY}` };
  const slug = `bench-${Date.now()}`;
  const api = `/t/${slug}/api/v1/admin`;
  const tenant = (await call(server.port, { method: 'POST', path: '/api/v1/tenants', headers: admin, body: { slug, name: 'Bench' } })).body;
  const org = (await call(server.port, { method: 'POST', path: `${api}/organizations`, headers: admin, body: { name: 'Big Org' } })).body;
  // The viewer: a tenant admin with a password (an accepted invitation), in a small organization of their own.
  const own = (await call(server.port, { method: 'POST', path: `${api}/organizations`, headers: admin, body: { name: 'Admin Org' } })).body;
  const email = 'portal-admin@bench.example';
  const invitation = (await call(server.port, { method: 'POST', path: `${api}/organizations/${own.id}/invitations`, headers: admin, body: { email, role: 'owner', send_email: false } })).body;
  const token = new URL(invitation.invite_url).searchParams.get('token')!;
  const accepted = await call(server.port, { method: 'POST', path: `/t/${slug}/api/v1/invitations/accept`, body: { token, name: 'Portal Admin', password: PASSWORD } });
  await call(server.port, { method: 'PATCH', path: `${api}/users/${accepted.body.user_id}`, headers: admin, body: { tenant_role: 'admin' } });

  const config = loadConfig({ DATABASE_URL: env.DATABASE_URL });
  const sequelize = createSequelize(config.database, createLogger('warn'));
  const t0 = Date.now();
  const membershipIds = await seed(sequelize, tenant.id, org.id);
  await sequelize.close();
  report(`seeded ${USERS} tenant users and ${MEMBERS} members in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const cookie = await signIn(server.port, slug, email);
  const tab = `/t/${slug}/portal/organizations/${org.id}/members`;
  const check = await fetch(`http://127.0.0.1:${server.port}${tab}?q=user1234`, { headers: { cookie }, redirect: 'manual' });
  const html = await check.text();
  if (check.status !== 200 || !html.includes('user1234@bench.example')) throw new Error(`the members tab answered ${check.status}: ${html.slice(0, 300)}`);

  const first = await measure(server.port, cookie, () => tab);
  report(`Members tab, first page (50 of ${MEMBERS}): ${fmt(first)}`);
  const deepAt = Math.floor(MEMBERS * 0.8);
  const deep = await measure(server.port, cookie, (i) => `${tab}?cursor=${encodeCursor(membershipIds[deepAt + (i % 100)]!)}`);
  report(`Members tab, a page at member ${deepAt}: ${fmt(deep)}`);
  const pick = (i: number) => (i * 7919) % MEMBERS;
  const search = await measure(server.port, cookie, (i) => `${tab}?q=user${pick(i)}`);
  report(`Members tab, search by email prefix (user<n>, 1-11 hits): ${fmt(search)}`);
  const nameSearch = await measure(server.port, cookie, (i) => `${tab}?q=given${pick(i)}%20f`);
  report(`Members tab, search by name prefix (given<n> f): ${fmt(nameSearch)}`);
  const broad = await measure(server.port, cookie, (i) => `${tab}?q=user${(i % 9) + 1}`);
  report(`Members tab, broad search (user1..user9: ~5,500 members each, first page of 50): ${fmt(broad)}`);
  const users = await measure(server.port, cookie, (i) => `${tab}?user_q=user${(i * 7919) % USERS}`);
  report(`tenant-user search over ${USERS} users (the Members tab with ?user_q=, whole page): ${fmt(users)}`);
  const usersBroad = await measure(server.port, cookie, (i) => `${tab}?user_q=given${(i % 9) + 1}`);
  report(`tenant-user search, broad (given1..given9: ~11,000 users each, first 20): ${fmt(usersBroad)}`);
  const nameBroad = await measure(server.port, cookie, (i) => `${tab}?q=given${(i % 9) + 1}`);
  report(`Members tab, broad name search (given1..given9: ~5,500 members each, first page of 50): ${fmt(nameBroad)}`);

  report(`resident memory: ${server.rssMb().toFixed(0)} MB; load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await server.stop();
  console.log(`\nSUMMARY (${env.DATABASE_URL.startsWith('mysql') ? 'MariaDB' : 'SQLite file'})\n${results.join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
