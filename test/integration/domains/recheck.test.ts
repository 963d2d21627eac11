import { Leases } from '../../../src/db/leases';
import { DomainsRepository } from '../../../src/domains/domains.repository';
import { RecheckJob } from '../../../src/domains/recheck.job';
import type { AdminClient } from '../../support/api';
import { linkSamlConnection } from '../../support/sso';
import { addVerifiedDomain, publishTxt, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';
import { ManualClock, startTestApp, type TestApp } from '../../support/test-app';

const HOUR = 3_600_000;

const clock = new ManualClock();
// Hour-long intervals keep every step of this file well inside the 24 h default of other files' domains.
const HOURLY = { DOMAIN_RECHECK_INTERVAL: '1h' };
let app: TestApp;
let peers: DomainPeers;
let admin: AdminClient;
let ctx: DomainsTestApp;
beforeAll(async () => ({ app, peers, admin } = ctx = await startDomainsTestApp({ env: HOURLY, clock })));
afterAll(() => ctx.close());

const routesTo = async (email: string) => (await app.http.get(`/t/${admin.tenant.slug}/login/route`).query({ email })).body.sso as boolean;
const stored = (id: string) => app.container.models.Domain.findByPk(id, { raw: true });

describe('scheduled re-checks', () => {
  it('a verified domain is re-checked once per interval; 3 failures in a row send it back to pending and stop routing', async () => {
    const org = await admin.createOrg();
    await linkSamlConnection(admin, org.id);
    const domain = siteDomain(peers);
    const d = await addVerifiedDomain(admin, peers, org.id, domain);
    const txt = `_orgbridge.${domain}`;
    const queriesBefore = peers.dns.count(txt, 'TXT');
    const job = app.container.domainRecheck;

    await job.runOnce(); // not due yet
    expect(peers.dns.count(txt, 'TXT')).toBe(queriesBefore);

    clock.advance(HOUR);
    await job.runOnce();
    expect(peers.dns.count(txt, 'TXT')).toBe(queriesBefore + 1);
    await job.runOnce(); // same interval: not checked again
    expect(peers.dns.count(txt, 'TXT')).toBe(queriesBefore + 1);
    expect(await stored(d.id)).toMatchObject({ status: 'verified', consecutive_failures: 0 });

    peers.dns.records.delete(txt);
    for (const failures of [1, 2]) {
      clock.advance(HOUR);
      await job.runOnce();
      expect(await stored(d.id)).toMatchObject({ status: 'verified', consecutive_failures: failures });
      expect(await routesTo(`alice@${domain}`)).toBe(true);
    }
    clock.advance(HOUR);
    await job.runOnce();
    expect(await stored(d.id)).toMatchObject({ status: 'pending', consecutive_failures: 3, verified_key: null, next_check_at: null });
    expect(await routesTo(`alice@${domain}`)).toBe(false);

    const events = await admin.events(`?organization_id=${org.id}`);
    expect(events.map((e) => e.type).filter((t) => t.startsWith('domain.verification'))).toEqual([
      'domain.verification_lost',
      'domain.verification_failed',
      'domain.verification_failed',
      'domain.verification_failed',
    ]);
    expect(events[0]).toMatchObject({ actor: { type: 'system', id: null }, target: { id: d.id }, data: { domain, consecutive_failures: 3 } });

    clock.advance(HOUR);
    await job.runOnce(); // a pending domain is no longer re-checked
    expect(await stored(d.id)).toMatchObject({ status: 'pending', consecutive_failures: 3 });
  });

  it('a success between failures resets the count', async () => {
    const org = await admin.createOrg();
    const domain = siteDomain(peers);
    const d = await addVerifiedDomain(admin, peers, org.id, domain);
    const job = app.container.domainRecheck;
    const fail = () => peers.dns.records.delete(`_orgbridge.${domain}`);
    for (const step of [fail, fail, () => publishTxt(peers, domain, d.verification.token), fail, fail]) {
      step();
      clock.advance(HOUR);
      await job.runOnce();
    }
    expect(await stored(d.id)).toMatchObject({ status: 'verified', consecutive_failures: 2 });
  });

  it('a domain deleted while due is simply not checked', async () => {
    const org = await admin.createOrg();
    const domain = siteDomain(peers);
    const d = await addVerifiedDomain(admin, peers, org.id, domain);
    clock.advance(HOUR);
    expect((await admin.del(`/organizations/${org.id}/domains/${d.id}`)).status).toBe(204);
    const before = peers.dns.count(`_orgbridge.${domain}`, 'TXT');
    await app.container.domainRecheck.runOnce();
    expect(peers.dns.count(`_orgbridge.${domain}`, 'TXT')).toBe(before);
  });
});

describe('several processes on one database', () => {
  let second: TestApp;
  beforeAll(async () => {
    second = await startTestApp({ databaseUrl: app.databaseUrl, clock, env: { ...peers.env, ...HOURLY } });
  });
  afterAll(() => second.close());

  async function verifiedDomains(n: number): Promise<string[]> {
    const org = await admin.createOrg();
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const domain = siteDomain(peers);
      await addVerifiedDomain(admin, peers, org.id, domain);
      names.push(domain);
    }
    return names;
  }

  const txtQueries = (names: string[]) => names.map((n) => peers.dns.count(`_orgbridge.${n}`, 'TXT'));

  it('two instances sweeping at once check each domain exactly once (the lease)', async () => {
    const names = await verifiedDomains(6);
    const before = txtQueries(names);
    clock.advance(HOUR);
    const counts = await Promise.all([app.container.domainRecheck.runOnce(), second.container.domainRecheck.runOnce()]);
    expect(counts.filter((c) => c > 0).length).toBeLessThanOrEqual(1);
    expect(txtQueries(names)).toEqual(before.map((b) => b + 1));
  });

  it('even two sweepers that both hold a lease check each domain once (the per-domain claim)', async () => {
    const names = await verifiedDomains(6);
    const before = txtQueries(names);
    const alwaysLeased = { acquire: async () => true, release: async () => undefined } as unknown as Leases;
    const jobs = [app, second].map(
      (a) => new RecheckJob(alwaysLeased, new DomainsRepository(a.container.models), a.container.domains, clock, HOUR, a.container.logger),
    );
    clock.advance(HOUR);
    const counts = await Promise.all(jobs.map((j) => j.runOnce()));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(names.length);
    expect(txtQueries(names)).toEqual(before.map((b) => b + 1));
  });

  it('a lease held by another process is not taken until it expires', async () => {
    const leases = new Leases(app.container.models);
    const now = clock.now();
    expect(await leases.acquire('test-lease', 'a', now, 60_000)).toBe(true);
    expect(await leases.acquire('test-lease', 'b', now, 60_000)).toBe(false);
    expect(await leases.acquire('test-lease', 'a', now, 60_000)).toBe(true);
    expect(await leases.acquire('test-lease', 'b', new Date(now.getTime() + 60_001), 60_000)).toBe(true);
    await leases.release('test-lease', 'b');
    expect(await leases.acquire('test-lease', 'a', now, 60_000)).toBe(true);
  });
});
