/**
 * Routing lookups over real HTTP, beside a bare Express 5 JSON GET in the same run.
 *   npx tsx bench/routing.bench.ts            (SQLite in a temp dir)
 *   BENCH_DATABASE_URL=mysql://… npx tsx bench/routing.bench.ts
 * 8 requests in flight over keep-alive HTTP on loopback; prints req/s, p50/p99 and the ratio
 * at 100 and at 100,000 verified domains, beside the app's own GET /healthz (its fixed
 * per-request middleware: request logging, headers). Not a test: figures go to docs/benchmarks.md.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { buildContainer } from '../src/container';
import { openDatabase } from '../src/db/open';
import { resolveSecrets } from '../src/secrets';
import { SYSTEM_ACTOR } from '../src/shared/context';
import { loadConfig } from '../src/shared/config';
import { newId } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';

const IN_FLIGHT = 8;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 8_000);
const ROUNDS = 3;
const MAX_SECONDS = 20;
const BATCH = 2_000;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** `count` GETs (or MAX_SECONDS), IN_FLIGHT at a time over keep-alive; `path(i)` names each. */
async function load(name: string, port: number, path: (i: number) => string, count = REQUESTS): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const latencies: number[] = [];
  let next = 0;
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const get = (p: string) =>
    new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${p}: HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count && Date.now() < deadline) {
        const i = next++;
        const t = process.hrtime.bigint();
        await get(path(i));
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return { name, rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99) };
}

function median(results: Result[]): Result {
  return [...results].sort((a, b) => a.rps - b.rps)[Math.floor(results.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbridge-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`,
    ADMIN_API_KEY: 'bench-root-key-0123456789abcdef',
    SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    RATE_LIMIT_PUBLIC: '0', // measure routing, not the limiter
  });
  const logger = createLogger(config.logLevel);
  const sequelize = await openDatabase(config.database, logger);
  const c = buildContainer({ config, secrets: resolveSecrets(config), logger, sequelize });
  const appServer = await listen(createApp(c));
  const bare = express();
  bare.get('/hello', (_req, res) => void res.json({ hello: 'world' }));
  const bareServer = await listen(bare);

  const slug = `bench-${Date.now().toString(36)}`;
  const tenant = await c.tenants.create(SYSTEM_ACTOR, { slug, name: 'Bench' });
  const org = await c.orgs.create({ tenantId: tenant.id, actor: SYSTEM_ACTOR }, { name: 'Bench Org' });
  let seeded = 0;
  const seed = async (total: number) => {
    const started = Date.now();
    while (seeded < total) {
      const n = Math.min(BATCH, total - seeded);
      const now = new Date();
      const rows = Array.from({ length: n }, (_, k) => {
        const domain = `d${seeded + k}.bench-${slug}.test`;
        return {
          id: newId('dom'), tenant_id: tenant.id, organization_id: org.id, domain, include_subdomains: (seeded + k) % 2 === 0,
          status: 'verified' as const, token: 'x'.repeat(32), method: 'dns_txt' as const, verified_key: `${tenant.id}:${domain}`,
          verified_at: now, last_checked_at: now, next_check_at: new Date(now.getTime() + 86_400_000),
        };
      });
      await c.db.transaction((tx) => c.models.Domain.bulkCreate(rows, { transaction: tx.transaction }));
      seeded += n;
    }
    return (Date.now() - started) / 1000;
  };
  const appPort = (appServer.address() as AddressInfo).port;
  const barePort = (bareServer.address() as AddressInfo).port;
  // Every lookup asks for a random seeded domain, half of them as a subdomain (parent match).
  const routePath = () => {
    const i = Math.floor(Math.random() * seeded);
    const sub = i % 2 === 0 && Math.random() < 0.5 ? 'x.' : '';
    return `/t/${slug}/login/route?email=${encodeURIComponent(`alice@${sub}d${i}.bench-${slug}.test`)}`;
  };

  // The machine is shared: bare and routing runs alternate, and each row is the median of ROUNDS.
  const measure = async (label: string) => {
    await load('warm-up', appPort, routePath, 2_000);
    const runs: Record<'bare' | 'healthz' | 'route', Result[]> = { bare: [], healthz: [], route: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.bare.push(await load('bare Express 5 JSON GET', barePort, () => '/hello'));
      runs.healthz.push(await load('orgbridge GET /healthz (middleware only)', appPort, () => '/healthz'));
      runs.route.push(await load(`routing, ${label} verified domains`, appPort, routePath));
    }
    return { bare: median(runs.bare), healthz: median(runs.healthz), route: median(runs.route) };
  };
  const small = await measure('100');
  const seconds = await seed(100_000);
  console.log(`seeded ${seeded} verified domains in ${seconds.toFixed(1)} s`);
  const large = await measure('100,000');

  console.log(`\n${IN_FLIGHT} in flight, keep-alive, ${REQUESTS} requests per run, median of ${ROUNDS}, database ${config.database.dialect}`);
  console.log('| run | req/s | p50 ms | p99 ms | ratio to bare (same round set) |');
  console.log('|---|---|---|---|---|');
  for (const set of [small, large]) {
    for (const r of [set.bare, set.healthz, set.route]) {
      console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.rps / set.bare.rps).toFixed(2)} |`);
    }
  }
  console.log(`\np50 at 100,000 / p50 at 100: ${(large.route.p50 / small.route.p50).toFixed(2)}`);

  appServer.close();
  bareServer.close();
  appServer.closeAllConnections();
  bareServer.closeAllConnections();
  await c.db.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
