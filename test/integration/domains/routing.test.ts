import { createTenant, expectError, type AdminClient } from '../../support/api';
import { linkSamlConnection } from '../../support/sso';
import { addDomain, addVerifiedDomain, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';
import type { TestApp } from '../../support/test-app';


let app: TestApp;
let peers: DomainPeers;
let admin: AdminClient;
let ctx: DomainsTestApp;
beforeAll(async () => ({ app, peers, admin } = ctx = await startDomainsTestApp()));
afterAll(() => ctx.close());

const route = (email: string, tenant = admin.tenant.slug) => app.http.get(`/t/${tenant}/login/route`).query({ email });

/** An organization with one linked SAML connection named Okta. */
async function ssoOrg(client: AdminClient = admin) {
  const org = await client.createOrg({ name: 'Acme' });
  return { ...org, connectionId: await linkSamlConnection(client, org.id) };
}

describe('GET /t/{tenant}/login/route', () => {
  it('when a verified domain of an organization with a connection matches exactly, then the answer names both', async () => {
    const org = await ssoOrg();
    const domain = siteDomain(peers);
    await addVerifiedDomain(admin, peers, org.id, domain);
    const res = await route(`Alice@${domain.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      email_domain: domain,
      sso: true,
      organization: { id: org.id, slug: org.slug, name: 'Acme' },
      connection: { id: org.connectionId, type: 'saml', name: 'Okta' },
      login_url: `http://localhost:3000/t/${admin.tenant.slug}/sso/saml/${org.connectionId}/start`,
    });
    // Public: no key needed, and the tenant id works as well as the slug.
    expect((await route(`bob@${domain}`, admin.tenant.id)).body.sso).toBe(true);
  });

  it('the most specific verified domain wins: a subsidiary before its parent with include_subdomains', async () => {
    const parent = await ssoOrg();
    const subsidiary = await ssoOrg();
    const acme = siteDomain(peers);
    peers.dns.set(`eu.${acme}`, { A: ['127.0.0.2'] });
    await addVerifiedDomain(admin, peers, parent.id, acme, { include_subdomains: true });
    await addVerifiedDomain(admin, peers, subsidiary.id, `eu.${acme}`);

    const orgOf = async (email: string) => (await route(email)).body.organization?.id;
    expect(await orgOf(`a@${acme}`)).toBe(parent.id);
    expect(await orgOf(`a@eu.${acme}`)).toBe(subsidiary.id);
    expect(await orgOf(`a@us.${acme}`)).toBe(parent.id);
    // eu.<acme> does not include its subdomains, so a.b.eu.<acme> falls back to the parent.
    expect(await orgOf(`a@a.b.eu.${acme}`)).toBe(parent.id);
    expect((await route(`a@a.b.eu.${acme}`)).body.email_domain).toBe(`a.b.eu.${acme}`);
  });

  it('many lookups at once (sharing database queries) each get their own answer', async () => {
    const orgs = [await ssoOrg(), await ssoOrg(), await admin.createOrg()];
    const domains: string[] = [];
    for (const org of orgs) {
      const domain = siteDomain(peers);
      await addVerifiedDomain(admin, peers, org.id, domain);
      domains.push(domain);
    }
    const emails = Array.from({ length: 30 }, (_, i) => (i % 4 === 3 ? `u${i}@unknown-${i}.test` : `u${i}@${domains[i % 4]}`));
    const answers = await Promise.all(emails.map((e) => route(e)));
    answers.forEach((res, i) => {
      const expected = i % 4 < 2 ? orgs[i % 4]!.id : undefined;
      expect(res.body.organization?.id).toBe(expected);
    });
  });

  it('ssoOrganizationFor (the invitations policy) names the organization only when it signs in with SSO', async () => {
    const org = await ssoOrg();
    const noSso = await admin.createOrg();
    const [withConnection, without] = [siteDomain(peers), siteDomain(peers)];
    await addVerifiedDomain(admin, peers, org.id, withConnection);
    await addVerifiedDomain(admin, peers, noSso.id, without);
    const policy = app.container.routing;
    expect(await policy.ssoOrganizationFor(admin.tenant.id, `a@${withConnection}`)).toEqual({ organizationId: org.id, name: 'Acme' });
    expect(await policy.ssoOrganizationFor(admin.tenant.id, `a@${without}`)).toBeNull();
    expect(await policy.ssoOrganizationFor(admin.tenant.id, 'not-an-email')).toBeNull();
  });

  it('a parent without include_subdomains does not route its subdomains', async () => {
    const org = await ssoOrg();
    const domain = siteDomain(peers);
    await addVerifiedDomain(admin, peers, org.id, domain);
    expect((await route(`a@sub.${domain}`)).body).toEqual({ email_domain: `sub.${domain}`, sso: false });
  });

  it('unknown, pending, and verified-without-connection domains get the same answer, with the same database work', async () => {
    const org = await ssoOrg();
    const pending = siteDomain(peers);
    await addDomain(admin, org.id, pending, { include_subdomains: true });
    const noSso = await admin.createOrg();
    const verifiedNoSso = siteDomain(peers);
    await addVerifiedDomain(admin, peers, noSso.id, verifiedNoSso);
    const unknown = siteDomain(peers);

    const queriesFor = async (email: string) => {
      await route(email); // warm the tenant cache
      let n = 0;
      const count = () => void n++;
      app.container.db.sequelize.addHook('beforeQuery', 'count', count);
      const direct = app.container.db.sql.executed;
      const res = await route(email);
      app.container.db.sequelize.removeHook('beforeQuery', 'count');
      return { body: res.body, n: n + app.container.db.sql.executed - direct };
    };
    const [a, b, c] = [await queriesFor(`x@${unknown}`), await queriesFor(`x@${pending}`), await queriesFor(`x@${verifiedNoSso}`)];
    expect(a.body).toEqual({ email_domain: unknown, sso: false });
    expect(b.body).toEqual({ email_domain: pending, sso: false });
    expect(c.body).toEqual({ email_domain: verifiedNoSso, sso: false });
    expect(a.n).toBe(1);
    expect([b.n, c.n]).toEqual([a.n, a.n]);
  });

  it('a deleted domain stops routing at once', async () => {
    const org = await ssoOrg();
    const domain = siteDomain(peers);
    const d = await addVerifiedDomain(admin, peers, org.id, domain);
    expect((await route(`a@${domain}`)).body.sso).toBe(true);
    await admin.del(`/organizations/${org.id}/domains/${d.id}`);
    expect((await route(`a@${domain}`)).body).toEqual({ email_domain: domain, sso: false });
  });

  it("another tenant's verified domain never routes here", async () => {
    const other = await createTenant(app);
    const org = await ssoOrg(other);
    const domain = siteDomain(peers);
    await addVerifiedDomain(other, peers, org.id, domain);
    expect((await route(`a@${domain}`, other.tenant.slug)).body.sso).toBe(true);
    expect((await route(`a@${domain}`)).body.sso).toBe(false);
  });

  it('an IDN email domain is matched in punycode', async () => {
    const org = await ssoOrg();
    const label = `bücher-${Date.now().toString(36)}`;
    const added = await addDomain(admin, org.id, `${label}.test`);
    peers.dns.set(`_orgbridge.${added.domain}`, { TXT: [[`orgbridge-verification=${added.verification.token}`]] });
    await admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, { method: 'dns_txt' });
    const res = await route(`anna@${label.toUpperCase()}.test`);
    expect(res.body).toMatchObject({ email_domain: added.domain, sso: true });
  });

  it.each(
    [
      'alice',
      'alice@',
      'a@',
      '@acme.test',
      'alice@@acme.test',
      'a@b@acme.test',
      'alice@127.0.0.1',
      'alice@[::1]',
      'a b@acme.test',
      'alice@acme..test',
      'alice@.acme.test',
      'alice@-acme.test',
      '.alice@acme.test',
      'al..ice@acme.test',
      'ali\nce@acme.test',
      `${'x'.repeat(65)}@acme.test`,
      `a@${'x'.repeat(64)}.test`,
      `${'x'.repeat(400)}@acme.test`,
    ].map(
      (email) => ({ email, shown: email.slice(0, 24) }),
    ),
  )(
    'when the address is malformed ($shown), then 400',
    async ({ email }) => {
      expectError(await route(email), 400, 'invalid_request');
    },
  );

  it('well-formed addresses still route (plus tags, punctuation, upper case, surrounding spaces)', async () => {
    const org = await ssoOrg();
    const domain = siteDomain(peers);
    await addVerifiedDomain(admin, peers, org.id, domain);
    for (const email of [`alice@${domain}`, `alice+tag@${domain}`, `o'neil.j_r-x@${domain}`, `ALICE@${domain.toUpperCase()}`, ` alice@${domain} `]) {
      const res = await route(email);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email_domain: domain, sso: true });
    }
  });

  it('when email is missing, then 400; when the tenant does not exist, then 404', async () => {
    expectError(await app.http.get(`/t/${admin.tenant.slug}/login/route`), 400, 'invalid_request');
    expectError(await route('a@acme.test', 'no-such-tenant-here'), 404, 'not_found');
  });
});
