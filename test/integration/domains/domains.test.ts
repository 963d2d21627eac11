import { createTenant, expectError, type AdminClient } from '../../support/api';
import { addDomain, addVerifiedDomain, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';
import type { TestApp } from '../../support/test-app';

let app: TestApp;
let peers: DomainPeers;
let admin: AdminClient;
let ctx: DomainsTestApp;
beforeAll(async () => ({ app, peers, admin } = ctx = await startDomainsTestApp()));
afterAll(() => ctx.close());

describe('POST /organizations/:orgId/domains', () => {
  it('when a domain is added, then it is normalised, pending, and carries the three ways to verify it', async () => {
    const org = await admin.createOrg();
    const res = await admin.post(`/organizations/${org.id}/domains`, { domain: ' Bücher-Shop.TEST. ' });
    expect(res.status).toBe(201);
    const token = res.body.verification.token;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^dom_/),
      domain: 'xn--bcher-shop-9db.test',
      status: 'pending',
      include_subdomains: false,
      verification: {
        token,
        dns_txt: { name: '_orgbridge.xn--bcher-shop-9db.test', value: `orgbridge-verification=${token}` },
        meta_tag: { html: `<meta name="orgbridge-verification" content="${token}">` },
        file: { url: 'https://xn--bcher-shop-9db.test/.well-known/orgbridge-verification.txt', content: token },
      },
    });
    const list = await admin.get(`/organizations/${org.slug}/domains`);
    expect(list.body).toEqual({ data: [res.body], next_cursor: null });
    const [event] = await admin.events('?type=domain.added');
    expect(event).toMatchObject({ target: { type: 'domain', id: res.body.id }, organization_id: org.id, data: { domain: 'xn--bcher-shop-9db.test' } });
  });

  it.each([
    ['gmail.com', 'consumer'],
    ['co.uk', 'public suffix'],
    ['github.io', 'public suffix'],
    ['127.0.0.1', 'IP'],
    ['2130706433', 'IP'],
    ['acme.com:443', 'port'],
    ['https://acme.com/', 'URL'],
    ['*.acme.com', 'wildcard'],
  ])('when the domain is %j, then 400 (%s) and nothing is stored', async (domain, reason) => {
    const org = await admin.createOrg();
    const res = await admin.post(`/organizations/${org.id}/domains`, { domain });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toContain(reason);
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data).toEqual([]);
  });

  it('when the body is malformed, then 400', async () => {
    const org = await admin.createOrg();
    expectError(await admin.post(`/organizations/${org.id}/domains`, {}), 400, 'invalid_request');
    expectError(await admin.post(`/organizations/${org.id}/domains`, { domain: 'a.test', extra: 1 }), 400, 'invalid_request');
    expectError(await admin.post(`/organizations/${org.id}/domains`, { domain: 'a.test', include_subdomains: 'yes' }), 400, 'invalid_request');
    expectError(await admin.post('/organizations/org_00000000000000000000000000/domains', { domain: 'a.test' }), 404, 'not_found');
  });

  it('when the organization already has the domain, then 409', async () => {
    const org = await admin.createOrg();
    const domain = siteDomain(peers);
    await addDomain(admin, org.id, domain);
    expectError(await admin.post(`/organizations/${org.id}/domains`, { domain: domain.toUpperCase() }), 409, 'conflict');
  });

  it('when another organization of the tenant verified the domain, then 409; a subdomain may still be added; another tenant may add it', async () => {
    const [a, b] = [await admin.createOrg(), await admin.createOrg()];
    const domain = siteDomain(peers);
    await addVerifiedDomain(admin, peers, a.id, domain);
    const res = await admin.post(`/organizations/${b.id}/domains`, { domain });
    expectError(res, 409, 'conflict');
    expect(res.body.error.message).toMatch(/already verified by another organization/);
    expect((await admin.post(`/organizations/${b.id}/domains`, { domain: `eu.${domain}` })).status).toBe(201);
    const other = await createTenant(app);
    const otherOrg = await other.createOrg();
    expect((await other.post(`/organizations/${otherOrg.id}/domains`, { domain })).status).toBe(201);
  });

  it('when a second domain is added, then the first keeps its state', async () => {
    const org = await admin.createOrg();
    const first = await addVerifiedDomain(admin, peers, org.id, siteDomain(peers));
    const second = await addDomain(admin, org.id, siteDomain(peers));
    const list = (await admin.get(`/organizations/${org.id}/domains`)).body.data;
    expect(list.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [first.id, 'verified'],
      [second.id, 'pending'],
    ]);
  });
});

describe('GET and DELETE', () => {
  it('when listing, then pages follow the contract', async () => {
    const org = await admin.createOrg();
    for (let i = 0; i < 3; i++) await addDomain(admin, org.id, siteDomain(peers));
    const page1 = await admin.get(`/organizations/${org.id}/domains?limit=2`);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await admin.get(`/organizations/${org.id}/domains?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body).toMatchObject({ data: [expect.any(Object)], next_cursor: null });
    expectError(await admin.get(`/organizations/${org.id}/domains?limit=201`), 400, 'invalid_request');
  });

  it('when a domain is deleted, then it is gone, an event is recorded, and a second delete is 404', async () => {
    const org = await admin.createOrg();
    const other = await admin.createOrg();
    const d = await addDomain(admin, org.id, siteDomain(peers));
    expectError(await admin.del(`/organizations/${other.id}/domains/${d.id}`), 404, 'not_found');
    expect((await admin.del(`/organizations/${org.id}/domains/${d.id}`)).status).toBe(204);
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data).toEqual([]);
    expect(await admin.events('?type=domain.deleted')).toEqual([expect.objectContaining({ target: { type: 'domain', id: d.id } })]);
    expectError(await admin.del(`/organizations/${org.id}/domains/${d.id}`), 404, 'not_found');
  });

  it('when the organization is deleted, then its domains go with it', async () => {
    const org = await admin.createOrg();
    const d = await addVerifiedDomain(admin, peers, org.id, siteDomain(peers));
    expect((await admin.del(`/organizations/${org.id}`)).status).toBe(204);
    expect(await app.container.models.Domain.findByPk(d.id)).toBeNull();
  });
});
