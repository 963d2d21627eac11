import { call, runLoad, scimUserIds } from './support/load';
import { benchEnv, BENCH_ROOT_KEY, startBuild } from './support/servers';

/**
 * Interleaved A/B of SCIM lookups (or creations, `KIND=ingest`, or group membership, `KIND=group`): two compiled builds run side by
 * side, each with 3,000 users (USERS), and answer alternating rounds of 1,500 requests. On a shared machine whose speed moves ±20 %
 * within minutes, the median of the per-round ratios is the figure that means something
 * (two identical builds give 0.996).
 *
 *   tsc -p tsconfig.build.json --outDir .distA   (on the commit before)
 *   npm run build                                 (on the change)
 *   ROUNDS=12 KIND=userName|externalId|email|ingest|group [USERS=3000] npx tsx bench/compare-builds.bench.ts .distA dist
 */
const KIND = process.env.KIND ?? 'userName';
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const USERS = Number(process.env.USERS ?? 3000);

async function setUp(distDir: string) {
  const server = await startBuild(distDir, benchEnv());
  const port = server.port;
  const admin = { authorization: `Bearer ${BENCH_ROOT_KEY}` };
  const slug = `ab-${Date.now()}`;
  await call(port, { method: 'POST', path: '/api/v1/tenants', headers: admin, body: { slug, name: 'A/B' } });
  const org = (await call(port, { method: 'POST', path: `/t/${slug}/api/v1/admin/organizations`, headers: admin, body: { name: 'A/B' } })).body;
  const dir = (await call(port, { method: 'POST', path: `/t/${slug}/api/v1/admin/organizations/${org.id}/directories`, headers: admin, body: { name: 'A/B', provider: 'okta' } })).body;
  const base = `/t/${slug}/scim/v2/${dir.id}`;
  const auth = { authorization: `Bearer ${dir.bearer_token}`, 'content-type': 'application/scim+json' };
  const user = (i: number) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${i}@bench.example`,
    externalId: `ext-${i}`,
    name: { givenName: 'U', familyName: `N${i}` },
    emails: [{ value: `user${i}@bench.example`, type: 'work', primary: true }],
    active: true,
  });
  await runLoad(port, USERS, 8, (i) => ({ method: 'POST', path: `${base}/Users`, headers: auth, body: user(i) }));
  const filter = (n: number) =>
    KIND === 'userName' ? `userName eq "USER${n}@bench.example"` : KIND === 'externalId' ? `externalId eq "ext-${n}"` : `emails[type eq "work"].value eq "user${n}@bench.example"`;
  const lookup = (i: number) => ({ method: 'GET', path: `${base}/Users?filter=${encodeURIComponent(filter((i * 7919) % USERS))}`, headers: auth });
  let created = USERS;
  const create = (i: number) => ({ method: 'POST', path: `${base}/Users`, headers: auth, body: user(created + i) });
  // KIND=group: every user a member, 100 per PATCH, added in one round and removed in the next.
  const ids = KIND === 'group' ? await scimUserIds(port, base, auth, USERS) : [];
  const group = KIND === 'group' ? (await call(port, { method: 'POST', path: `${base}/Groups`, headers: auth, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'A/B' } })).body : null;
  let rounds = 0;
  const patchMembers = (op: 'add' | 'remove') => (i: number) => ({
    method: 'PATCH',
    path: `${base}/Groups/${group.id}?excludedAttributes=members`,
    headers: auth,
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op, path: 'members', value: ids.slice(i * 100, i * 100 + 100).map((value) => ({ value })) }] },
  });
  const round = async () => {
    if (KIND === 'group') return (await runLoad(port, USERS / 100, 8, patchMembers(rounds++ % 2 ? 'remove' : 'add'))).perSecond * 100;
    if (KIND !== 'ingest') return (await runLoad(port, 1500, 8, lookup)).perSecond;
    const result = await runLoad(port, 1500, 8, create);
    created += 1500;
    return result.perSecond;
  };
  if (KIND !== 'group') await runLoad(port, 2000, 8, lookup); // warm-up
  return { server, round };
}

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;

async function main() {
  const [dirA, dirB] = process.argv.slice(2);
  if (!dirA || !dirB) throw new Error('usage: compare-builds.bench.ts <distA> <distB>');
  const a = await setUp(dirA);
  const b = await setUp(dirB);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ra.push(await a.round());
    rb.push(await b.round());
  }
  const what = KIND === 'ingest' ? 'POST /Users' : KIND === 'group' ? 'group members/s, 100 per PATCH, added and removed' : `${KIND} lookups`;
  console.log(`${what}, ${ROUNDS} alternating rounds, from ${USERS} users`);
  console.log(`A ${dirA}: ${ra.map(Math.round).join(' ')}; median ${Math.round(median(ra))}/s`);
  console.log(`B ${dirB}: ${rb.map(Math.round).join(' ')}; median ${Math.round(median(rb))}/s`);
  console.log(`B/A median of per-round ratios: ${median(rb.map((x, i) => x / ra[i]!)).toFixed(3)}`);
  await Promise.all([a.server.stop(), b.server.stop()]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
