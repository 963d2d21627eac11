/**
 * Login routing (issue 5). Real HTTP on loopback, 8 requests in flight, the service in its own
 * process (the compiled build, as production runs it), a bare Express 5 JSON GET measured in
 * the same run, and orgbridge's GET /healthz (its fixed per-request middleware).
 *
 *   npx tsx bench/routing.bench.ts                                  # SQLite file
 *   BENCH_DATABASE_URL=mysql://u:p@127.0.0.1:3306/db npx tsx bench/routing.bench.ts
 *
 * Prints req/s, p50/p99 and the ratio to bare at 100 and at 100,000 verified domains, each the
 * median of 3 alternating rounds. The organization has a linked SAML connection, so a verified
 * domain answers with SSO. Domains are seeded as verified rows straight into the database
 * (verifying 100,000 domains over DNS would measure the verifier, not routing).
 */
import { openDatabase } from '../src/db/open';
import { defineModels } from '../src/db/models';
import { loadConfig } from '../src/shared/config';
import { newId } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { generateSpKeyPair } from '../src/sso/x509';
import { call, runLoad, type LoadResult } from './support/load';
import { BENCH_ROOT_KEY, benchEnv, startBareExpress, startOrgbridge } from './support/servers';

const IN_FLIGHT = 8;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 8_000);
const ROUNDS = 3;
const ROOT_KEY = BENCH_ROOT_KEY;
const env = benchEnv();

const median = (runs: LoadResult[]) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;

async function main(): Promise<void> {
  const bare = await startBareExpress();
  const app = await startOrgbridge(env);
  const admin = { authorization: `Bearer ${ROOT_KEY}` };
  const slug = `bench-${Date.now().toString(36)}`;
  const tenant = (await call(app.port, { method: 'POST', path: '/api/v1/tenants', headers: admin, body: { slug, name: 'Bench' } })).body;
  const api = `/t/${slug}/api/v1/admin`;
  const org = (await call(app.port, { method: 'POST', path: `${api}/organizations`, headers: admin, body: { name: 'Bench Org' } })).body;
  const connection = (
    await call(app.port, {
      method: 'POST',
      path: `${api}/connections`,
      headers: admin,
      body: { type: 'saml', name: 'Okta', idp_entity_id: 'https://idp.bench.example', idp_sso_url: 'https://idp.bench.example/sso', idp_certificates: [generateSpKeyPair('bench idp').certificatePem] },
    })
  ).body;
  const linked = await call(app.port, { method: 'POST', path: `${api}/organizations/${org.id}/connections`, headers: admin, body: { connection_id: connection.id } });
  if (linked.status !== 201) throw new Error(`connection not linked: ${JSON.stringify(linked.body)}`);

  // Seeding writes straight to the database the service uses (rows as verification leaves them).
  const config = loadConfig({ NODE_ENV: 'test', ...env, LOG_LEVEL: 'warn' });
  const sequelize = await openDatabase(config.database, createLogger('warn'));
  const { Domain } = defineModels(sequelize);
  let seeded = 0;
  const seed = async (total: number) => {
    while (seeded < total) {
      const n = Math.min(2_000, total - seeded);
      const now = new Date();
      const rows = Array.from({ length: n }, (_, k) => {
        const domain = `d${seeded + k}.bench-${slug}.test`;
        return {
          id: newId('dom'), tenant_id: tenant.id, organization_id: org.id, domain, include_subdomains: (seeded + k) % 2 === 0,
          status: 'verified' as const, token: 'x'.repeat(32), method: 'dns_txt' as const, verified_key: `${tenant.id}:${domain}`,
          verified_at: now, last_checked_at: now, next_check_at: new Date(now.getTime() + 86_400_000),
        };
      });
      await Domain.bulkCreate(rows);
      seeded += n;
    }
  };
  // Every lookup asks for a random seeded domain, half of them as a subdomain (parent match).
  const routePath = () => {
    const i = Math.floor(Math.random() * seeded);
    const sub = i % 2 === 0 && Math.random() < 0.5 ? 'x.' : '';
    return `/t/${slug}/login/route?email=${encodeURIComponent(`alice@${sub}d${i}.bench-${slug}.test`)}`;
  };
  const get = (port: number, path: () => string, count = REQUESTS) => runLoad(port, count, IN_FLIGHT, () => ({ method: 'GET', path: path() }));

  // The machine is shared: bare and orgbridge runs alternate, and each row is the median of ROUNDS.
  const measure = async () => {
    const probe = await call(app.port, { method: 'GET', path: routePath() });
    if (probe.body.sso !== true) throw new Error(`routing did not answer with SSO: ${JSON.stringify(probe.body)}`);
    await get(app.port, routePath, 2_000);
    const runs = { bare: [] as LoadResult[], healthz: [] as LoadResult[], route: [] as LoadResult[] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.bare.push(await get(bare.port, () => '/bare'));
      runs.healthz.push(await get(app.port, () => '/healthz'));
      runs.route.push(await get(app.port, routePath));
    }
    return { bare: median(runs.bare), healthz: median(runs.healthz), route: median(runs.route) };
  };
  await seed(100);
  const small = await measure();
  const started = Date.now();
  await seed(100_000);
  console.log(`seeded ${seeded} verified domains in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const large = await measure();

  console.log(`\n${IN_FLIGHT} in flight, keep-alive, ${REQUESTS} requests per run, median of ${ROUNDS}, service in its own process, database ${config.database.dialect}`);
  console.log('| run | req/s | p50 ms | p99 ms | ratio to bare |');
  console.log('|---|---|---|---|---|');
  for (const [label, set] of [['100', small], ['100,000', large]] as const) {
    const rows: Array<[string, LoadResult]> = [
      ['bare Express 5 JSON GET', set.bare],
      ['orgbridge GET /healthz (middleware only)', set.healthz],
      [`routing, ${label} verified domains`, set.route],
    ];
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.perSecond / set.bare.perSecond).toFixed(2)} |`);
    }
  }
  console.log(`\np50 at 100,000 / p50 at 100: ${(large.route.p50 / small.route.p50).toFixed(2)}`);
  if (Object.keys(large.route.statuses).some((s) => s !== '200')) console.log(`statuses: ${JSON.stringify(large.route.statuses)}`);

  await sequelize.close();
  await app.stop();
  await bare.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
