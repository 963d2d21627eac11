import { expectError, type AdminClient } from '../../support/api';
import { addDomain, publishTxt, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';

let peers: DomainPeers;
let admin: AdminClient;
let ctx: DomainsTestApp;
beforeAll(async () => ({ peers, admin } = ctx = await startDomainsTestApp()));
afterAll(() => ctx.close());

async function setup() {
  const org = await admin.createOrg();
  const domain = siteDomain(peers);
  const added = await addDomain(admin, org.id, domain);
  const verify = (body: Record<string, unknown> = {}) => admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, body);
  return { org, domain, token: added.verification.token, id: added.id, verify };
}

describe('verification by DNS TXT', () => {
  it('when the TXT record is published in several strings, then they are joined and the domain is verified', async () => {
    const { org, domain, token, id, verify } = await setup();
    peers.dns.set(`_orgbridge.${domain}`, { TXT: [['v=spf1 -all'], ['orgbridge-verification=', token.slice(0, 10), token.slice(10)]] });
    const res = await verify({ method: 'dns_txt' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'verified', method: 'dns_txt', checks: [{ method: 'dns_txt', ok: true, detail: expect.any(String) }] });
    const [listed] = (await admin.get(`/organizations/${org.id}/domains`)).body.data;
    expect(listed).toMatchObject({ id, status: 'verified', method: 'dns_txt', verified_at: expect.any(String) });
    expect(await admin.events('?type=domain.verified')).toEqual([
      expect.objectContaining({ target: { type: 'domain', id }, data: { domain, method: 'dns_txt' } }),
    ]);
  });

  it('when the name does not exist, then the check says NXDOMAIN and the domain stays pending', async () => {
    const { domain, id, verify } = await setup();
    const res = await verify({ method: 'dns_txt' });
    expect(res.body).toEqual({
      status: 'pending',
      method: 'dns_txt',
      checks: [{ method: 'dns_txt', ok: false, detail: `_orgbridge.${domain} does not exist (NXDOMAIN)` }],
    });
    const failed = await admin.events('?type=domain.verification_failed');
    expect(failed[0]).toMatchObject({ target: { id }, data: { domain, checks: res.body.checks } });
  });

  it('when the record holds another token, then the check fails', async () => {
    const { domain, verify } = await setup();
    publishTxt(peers, domain, 'someone-elses-token');
    const res = await verify({ method: 'dns_txt' });
    expect(res.body.checks[0]).toMatchObject({ ok: false, detail: expect.stringContaining('no TXT record') });
  });

  it('when the DNS server does not answer, then the check reports a timeout', async () => {
    const { domain, verify } = await setup();
    peers.dns.set(`_orgbridge.${domain}`, { silent: true });
    const res = await verify({ method: 'dns_txt' });
    expect(res.body.checks[0]).toEqual({ method: 'dns_txt', ok: false, detail: `DNS lookup of _orgbridge.${domain} timed out` });
  });
});

describe('verification by meta tag and by file', () => {
  it('when the home page carries the meta tag, then https is tried first and http proves it', async () => {
    const { domain, token, verify } = await setup();
    peers.site.serve(domain, '/', 'text/html; charset=utf-8', `<!doctype html><html><head><title>x</title><META Name="OrgBridge-Verification" content="${token}"></head><body></body></html>`);
    const res = await verify({ method: 'meta_tag' });
    expect(res.body).toEqual({ status: 'verified', method: 'meta_tag', checks: [{ method: 'meta_tag', ok: true, detail: `found at http://${domain}/` }] });
  });

  it('when the token only appears in a comment, a script or a body text, then the meta check fails (a real parser)', async () => {
    const { domain, token, verify } = await setup();
    const html = `<html><head><!-- <meta name="orgbridge-verification" content="${token}"> --><script>var s='<meta name="orgbridge-verification" content="${token}">'</script></head><body>&lt;meta name="orgbridge-verification" content="${token}"&gt;</body></html>`;
    peers.site.serve(domain, '/', 'text/html', html);
    const res = await verify({ method: 'meta_tag' });
    expect(res.body.status).toBe('pending');
    expect(res.body.checks[0].detail).toContain('meta tag not found');
  });

  it('when the page is not HTML, then the meta check fails', async () => {
    const { domain, token, verify } = await setup();
    peers.site.serve(domain, '/', 'application/json', `<meta name="orgbridge-verification" content="${token}">`);
    const res = await verify({ method: 'meta_tag' });
    expect(res.body.checks[0]).toMatchObject({ ok: false, detail: expect.stringContaining('application/json is not HTML') });
    expect(res.body.checks[0].detail).toContain(`https://${domain}/: connection refused`);
  });

  it('when the well-known file holds the token (whitespace trimmed), then the file check passes', async () => {
    const { domain, token, verify } = await setup();
    peers.site.serve(domain, '/.well-known/orgbridge-verification.txt', 'text/plain', `\n  ${token}\n`);
    const res = await verify({ method: 'file' });
    expect(res.body).toMatchObject({ status: 'verified', method: 'file' });
  });

  it('when the file holds more than the token, or is served as HTML, then the file check fails', async () => {
    const { domain, token, verify } = await setup();
    peers.site.serve(domain, '/.well-known/orgbridge-verification.txt', 'text/plain', `${token} and more`);
    expect((await verify({ method: 'file' })).body.checks[0].detail).toContain('does not match');
    peers.site.serve(domain, '/.well-known/orgbridge-verification.txt', 'text/html', token);
    expect((await verify({ method: 'file' })).body.checks[0].detail).toContain('not text/plain');
  });

  it('when the file answers 404, then the check says so', async () => {
    const { verify } = await setup();
    expect((await verify({ method: 'file' })).body.checks[0].detail).toContain('HTTP 404');
  });
});

describe('POST …/verify', () => {
  it('without a method, then all three are tried and each reports its own result', async () => {
    const { domain, token, verify } = await setup();
    peers.site.serve(domain, '/.well-known/orgbridge-verification.txt', 'text/plain', token);
    const res = await verify();
    expect(res.body.status).toBe('verified');
    expect(res.body.method).toBe('file');
    expect(res.body.checks.map((c: { method: string; ok: boolean }) => [c.method, c.ok])).toEqual([
      ['dns_txt', false],
      ['meta_tag', false],
      ['file', true],
    ]);
  });

  it('when nothing passes without a method, then status pending and method null', async () => {
    const { verify } = await setup();
    const res = await verify();
    expect(res.body).toMatchObject({ status: 'pending', method: null });
    expect(res.body.checks).toHaveLength(3);
  });

  it('when the method is unknown or the body has extra fields, then 400; an unknown domain is 404', async () => {
    const { org, verify } = await setup();
    expectError(await verify({ method: 'carrier_pigeon' }), 400, 'invalid_request');
    expectError(await verify({ method: 'dns_txt', force: true }), 400, 'invalid_request');
    expectError(await admin.post(`/organizations/${org.id}/domains/dom_01ARZ3NDEKTSV4RRFFQ69G5FAV/verify`, {}), 404, 'not_found');
  });

  it('when two organizations prove the same domain, then the second gets 409 and stays pending', async () => {
    const [a, b] = [await admin.createOrg(), await admin.createOrg()];
    const domain = siteDomain(peers);
    const da = await addDomain(admin, a.id, domain);
    const db = await addDomain(admin, b.id, domain);
    peers.dns.set(`_orgbridge.${domain}`, { TXT: [[`orgbridge-verification=${da.verification.token}`], [`orgbridge-verification=${db.verification.token}`]] });
    expect((await admin.post(`/organizations/${a.id}/domains/${da.id}/verify`, {})).body.status).toBe('verified');
    const res = await admin.post(`/organizations/${b.id}/domains/${db.id}/verify`, {});
    expectError(res, 409, 'conflict');
    expect((await admin.get(`/organizations/${b.id}/domains`)).body.data[0].status).toBe('pending');
  });

  it('when a verified domain fails a manual check, then it stays verified', async () => {
    const { org, domain, token, verify } = await setup();
    publishTxt(peers, domain, token);
    expect((await verify({ method: 'dns_txt' })).body.status).toBe('verified');
    peers.dns.records.delete(`_orgbridge.${domain}`);
    expect((await verify({ method: 'dns_txt' })).body).toMatchObject({ status: 'verified', checks: [{ ok: false }] });
    expect((await admin.get(`/organizations/${org.id}/domains`)).body.data[0].status).toBe('verified');
  });
});
