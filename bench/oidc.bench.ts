import { createHash } from 'node:crypto';
import http from 'node:http';
import Database from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { ulid } from 'ulid';
import { hashPassword } from '../src/auth/passwords';
import { authorizeAs, Browser } from '../test/support/http-browser';
import { cpu, type Cpu } from './support/cpu';
import { call, runLoad, type LoadResult, type RequestSpec } from './support/load';
import { benchEnv, BENCH_ROOT_KEY, freePort, startOrgbridge, type Server } from './support/servers';

/**
 * The OpenID provider (issue 19). The service runs in its own process (`node dist/src/main.js`);
 * this process is the load generator (it also drives the hosted sign-in, like a browser).
 *
 *   npx tsx bench/oidc.bench.ts                                                  (SQLite file)
 *   BENCH_DATABASE_URL=mysql://u:p@127.0.0.1:3306/db npx tsx bench/oidc.bench.ts  (MySQL/MariaDB)
 *   [USERS=1000,100000] [REFRESHES=4000] [CODES=2000] [ME=10000] [IN_FLIGHT=8]
 *
 * For each size in USERS, users (with one password hash) and their memberships of one
 * organization are written straight into the database, then, with IN_FLIGHT requests at a time:
 * 1. authorization-code exchanges: codes made through the hosted sign-in (8 signed-in browsers,
 *    not timed), redeemed in batches of 500 (a code lives 60 s) — only the token requests are timed;
 * 2. refresh grants: IN_FLIGHT refresh token chains, each rotated on every use (membership
 *    re-read, rotation, new access and ID token);
 * 3. `GET /t/{tenant}/api/v1/me` with an access token (JWT verified, user and membership re-read,
 *    then the person's organizations listed), and userinfo `GET /t/{tenant}/oidc/me` (claims only);
 * 4. introspection of an access token (the same checks plus the grant).
 * Each prints requests/s and the service's CPU time per request (plus mariadbd's on MariaDB),
 * which the load of other processes on the machine disturbs less than the rate.
 */
const SIZES = (process.env.USERS ?? '1000,100000').split(',').map(Number);
const REFRESHES = Number(process.env.REFRESHES ?? 4000);
const CODES = Number(process.env.CODES ?? 2000);
const ME = Number(process.env.ME ?? 10000);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 8);
const BROWSERS = 8;
const APPS = 64;
/** Codes made, then redeemed, per batch (one per browser and app; a code lives 60 s). */
const BATCH = BROWSERS * APPS;
const PASSWORD = 'bench-password-Xq7!long';
const REDIRECT = 'http://127.0.0.1:9/callback';
const admin = { authorization: `Bearer ${BENCH_ROOT_KEY}` };
const VERIFIER = 'bench-verifier-0123456789-0123456789-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

interface App {
  client_id: string;
  client_secret: string;
}

interface World {
  s: Server;
  slug: string;
  tenantId: string;
  orgId: string;
  /** A code is valid while it is its session's latest for its app: each browser takes one code per app per batch. */
  apps: App[];
  databaseUrl: string;
}

async function setUp(s: Server, databaseUrl: string): Promise<World> {
  const slug = `oidc-${Date.now()}`;
  await call(s.port, { method: 'POST', path: '/api/v1/tenants', headers: admin, body: { slug, name: slug } });
  const tenantId = (await call(s.port, { method: 'GET', path: `/api/v1/tenants/${slug}`, headers: admin })).body.id;
  const base = `/t/${slug}/api/v1/admin`;
  const org = (await call(s.port, { method: 'POST', path: `${base}/organizations`, headers: admin, body: { name: 'Bench' } })).body;
  const apps: App[] = [];
  for (let i = 0; i < APPS; i++) {
    apps.push((await call(s.port, { method: 'POST', path: `${base}/applications`, headers: admin, body: { name: `Bench ${i}`, type: 'web', redirect_uris: [REDIRECT] } })).body);
  }
  return { s, slug, tenantId, orgId: org.id, apps, databaseUrl };
}

/** Users `from`..`to - 1` (`u{i}@bench.example`, one password) as members of the organization, in bulk. */
async function seedUsers(w: World, from: number, to: number, passwordHash: string) {
  const rows = (i: number, now: Date) => {
    const userId = `usr_${ulid()}`;
    const membershipId = `mem_${ulid()}`;
    const email = `u${i}@bench.example`;
    return { user: [userId, w.tenantId, email, email, 'Bench User', 0, passwordHash, now, now], membership: [membershipId, w.orgId, userId, 'member', 'active', 'admin', now, now], role: [membershipId, 'member', w.orgId] };
  };
  const now = new Date();
  if (w.databaseUrl.startsWith('sqlite:')) {
    const db = new Database(w.databaseUrl.slice('sqlite:'.length));
    db.pragma('busy_timeout = 10000');
    const stamp = `${now.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
    const user = db.prepare('INSERT INTO users (id, tenant_id, email, email_normalized, name, blocked, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const membership = db.prepare('INSERT INTO memberships (id, organization_id, user_id, role_key, status, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const role = db.prepare('INSERT INTO membership_roles (membership_id, role_key, organization_id) VALUES (?, ?, ?)');
    const stamped = (values: unknown[]) => values.map((v) => (v instanceof Date ? stamp : v));
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        const r = rows(i, now);
        user.run(...stamped(r.user));
        membership.run(...stamped(r.membership));
        role.run(...r.role);
      }
    })();
    db.close();
    return;
  }
  const conn = await createConnection(w.databaseUrl);
  await conn.beginTransaction();
  for (let i = from; i < to; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, to - i) }, (_, j) => rows(i + j, now));
    await conn.query('INSERT INTO users (id, tenant_id, email, email_normalized, name, blocked, password_hash, created_at, updated_at) VALUES ?', [batch.map((r) => r.user)]);
    await conn.query('INSERT INTO memberships (id, organization_id, user_id, role_key, status, source, created_at, updated_at) VALUES ?', [batch.map((r) => r.membership)]);
    await conn.query('INSERT INTO membership_roles (membership_id, role_key, organization_id) VALUES ?', [batch.map((r) => r.role)]);
  }
  await conn.commit();
  await conn.end();
}

const authorizationUrl = (w: World, app: App, state: string) =>
  `/t/${w.slug}/oidc/auth?${new URLSearchParams({ client_id: app.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid email profile', code_challenge: CHALLENGE, code_challenge_method: 'S256', state })}`;

const basic = (app: App) => ({ authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` });
interface Code {
  code: string;
  app: App;
}
const exchange = (w: World, { code, app }: Code) => ({
  method: 'POST',
  path: `/t/${w.slug}/oidc/token`,
  headers: basic(app),
  form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER },
});

/** Up to one code per browser and app (at most `count`), from the signed-in browsers (not timed). */
async function codes(w: World, browsers: Browser[], count: number): Promise<Code[]> {
  const out: Code[] = [];
  const perBrowser = Math.ceil(count / browsers.length);
  await Promise.all(
    browsers.map(async (browser, b) => {
      for (const app of w.apps.slice(0, perBrowser)) {
        const callback = await authorizeAs(browser, authorizationUrl(w, app, `s${b}`), { email: 'unused@bench.example', password: PASSWORD });
        out.push({ code: callback.searchParams.get('code')!, app });
      }
    }),
  );
  return out.slice(0, count);
}

/** Signs one browser in per slot, as users spread over the first `users` seeded. */
async function signIn(w: World, users: number): Promise<Browser[]> {
  const base = `http://127.0.0.1:${w.s.port}`;
  return Promise.all(
    Array.from({ length: BROWSERS }, async (_, b) => {
      const browser = new Browser(base);
      const email = `u${Math.floor(((b + 0.5) * users) / BROWSERS)}@bench.example`;
      const callback = await authorizeAs(browser, authorizationUrl(w, w.apps[0]!, 'first'), { email, password: PASSWORD });
      if (!callback.searchParams.get('code')) throw new Error(`sign-in failed: ${callback}`);
      return browser;
    }),
  );
}

interface Measured {
  perSecond: number;
  requests: number;
  seconds: number;
  cpuMs: { service: number; database: number };
  p50: number;
  p99: number;
  statuses: Record<number, number>;
}

function measuredOf(results: LoadResult[], c0: Cpu, c1: Cpu): Measured {
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const seconds = results.reduce((a, r) => a + r.seconds, 0);
  const statuses: Record<number, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statuses)) statuses[Number(k)] = (statuses[Number(k)] ?? 0) + v;
  return {
    perSecond: requests / seconds,
    requests,
    seconds,
    cpuMs: { service: (c1.service - c0.service) / requests, database: (c1.database - c0.database) / requests },
    p50: results.reduce((a, r) => a + r.p50, 0) / results.length,
    p99: Math.max(...results.map((r) => r.p99)),
    statuses,
  };
}

const show = (name: string, m: Measured) =>
  `${name}: ${m.perSecond.toFixed(0)}/s over ${m.requests} requests (p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, statuses ${JSON.stringify(m.statuses)}); ` +
  `CPU per request: service ${m.cpuMs.service.toFixed(2)} ms${databasePidNote(m)}`;
const databasePidNote = (m: Measured) => (process.env.BENCH_DATABASE_URL ? `, mariadbd ${m.cpuMs.database.toFixed(2)} ms` : '');

/** Code exchanges in batches of 500 (codes live 60 s); only the token requests are timed. */
async function codeExchanges(w: World, browsers: Browser[]): Promise<{ measured: Measured; tokens: Array<{ refresh_token: string; access_token: string; app: App }> }> {
  const results: LoadResult[] = [];
  let cpuSpent: Cpu = { service: 0, database: 0 };
  for (let done = 0; done < CODES; done += BATCH) {
    const batch = await codes(w, browsers, Math.min(BATCH, CODES - done));
    const c0 = cpu(w.s.pid);
    results.push(await runLoad(w.s.port, batch.length, IN_FLIGHT, (i) => exchange(w, batch[i]!)));
    const c1 = cpu(w.s.pid);
    cpuSpent = { service: cpuSpent.service + c1.service - c0.service, database: cpuSpent.database + c1.database - c0.database };
  }
  // tokens for the refresh chains and the /me load
  const extra = await codes(w, browsers, IN_FLIGHT);
  const tokens = await Promise.all(extra.map(async (code) => ({ ...(await call(w.s.port, exchange(w, code))).body, app: code.app })));
  return { measured: measuredOf(results, { service: 0, database: 0 }, cpuSpent), tokens };
}

/** IN_FLIGHT refresh token chains, each rotated on every use. */
async function refreshes(w: World, chains: Array<{ refresh_token: string; app: App }>): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let issued = 0;
  const c0 = cpu(w.s.pid);
  const started = performance.now();
  await Promise.all(
    chains.map(async (first) => {
      let token = first.refresh_token;
      while (issued < REFRESHES) {
        issued++;
        const t0 = performance.now();
        const res = await call(w.s.port, { method: 'POST', path: `/t/${w.slug}/oidc/token`, headers: basic(first.app), form: { grant_type: 'refresh_token', refresh_token: token } }, agent);
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200) throw new Error(`refresh failed: ${res.status} ${JSON.stringify(res.body)}`);
        token = res.body.refresh_token;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const c1 = cpu(w.s.pid);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const result: LoadResult = { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), statuses };
  return measuredOf([result], c0, c1);
}

async function timed(w: World, total: number, next: (i: number) => RequestSpec): Promise<Measured> {
  const c0 = cpu(w.s.pid);
  const result = await runLoad(w.s.port, total, IN_FLIGHT, next);
  return measuredOf([result], c0, cpu(w.s.pid));
}

async function main() {
  const port = await freePort();
  const env: Record<string, string> = { ...benchEnv(), PUBLIC_URL: `http://127.0.0.1:${port}` };
  const s = await startOrgbridge(env, port);
  const summary: string[] = [];
  try {
    const w = await setUp(s, env.DATABASE_URL!);
    const passwordHash = await hashPassword(PASSWORD);
    let seeded = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      await seedUsers(w, seeded, size, passwordHash);
      console.log(`seeded users ${seeded}..${size - 1} and their memberships in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      seeded = size;
      const browsers = await signIn(w, size);
      const { measured: exchanged, tokens } = await codeExchanges(w, browsers);
      const refreshed = await refreshes(w, tokens);
      const accessTokens = tokens.map((t) => t.access_token);
      const me = await timed(w, ME, (i) => ({ method: 'GET', path: `/t/${w.slug}/api/v1/me`, headers: { authorization: `Bearer ${accessTokens[i % accessTokens.length]}` } }));
      const userinfo = await timed(w, ME, (i) => ({ method: 'GET', path: `/t/${w.slug}/oidc/me`, headers: { authorization: `Bearer ${accessTokens[i % accessTokens.length]}` } }));
      const introspected = await timed(w, Math.min(ME, 4000), (i) => ({ method: 'POST', path: `/t/${w.slug}/oidc/token/introspection`, headers: basic(tokens[i % tokens.length]!.app), form: { token: accessTokens[i % accessTokens.length]! } }));
      const lines = [
        `${size} users — ${show('authorization-code exchanges', exchanged)}`,
        `${size} users — ${show('refresh grants (re-read + rotation)', refreshed)}`,
        `${size} users — ${show('GET /api/v1/me with an access token', me)}`,
        `${size} users — ${show('GET /oidc/me (userinfo) with an access token', userinfo)}`,
        `${size} users — ${show('introspection of an access token', introspected)}`,
      ];
      for (const line of lines) console.log(line);
      summary.push(...lines);
    }
  } finally {
    await s.stop();
  }
  console.log(`\nSUMMARY (${env.DATABASE_URL!.startsWith('mysql') ? 'MariaDB' : 'SQLite file'}, in flight ${IN_FLIGHT})\n${summary.join('\n')}`);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
