import type { ServerResponse } from 'node:http';
import type { AdminClient } from '../../support/api';
import { addDomain, siteDomain, startDomainsTestApp, type DomainPeers, type DomainsTestApp } from '../../support/domain-peers';
import { TestWebServer } from '../../support/web-server';

/**
 * Each case arranges a verification fetch that would reach a forbidden address, and asserts
 * that the check fails as refused AND that the server on that address saw no request at all.
 * The only private address fetches may reach is the test site's, 127.0.0.2.
 */
const FILE = '/.well-known/orgbridge-verification.txt';

let peers: DomainPeers;
let admin: AdminClient;
const targets: Record<string, TestWebServer> = {};

let ctx: DomainsTestApp;
beforeAll(async () => {
  ({ peers, admin } = ctx = await startDomainsTestApp());
  // Forbidden servers on the same port as the site, serving a page that would verify anything.
  for (const address of ['127.0.0.1', '127.0.0.3', '::1']) {
    const t = await TestWebServer.start(address, peers.site.port);
    t.on('*', FILE, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('any'));
    targets[address] = t;
  }
});
afterAll(async () => {
  for (const t of Object.values(targets)) await t.close();
  await ctx.close();
});

beforeEach(() => {
  for (const t of Object.values(targets)) t.hits.length = 0;
});

async function verifyFile(domain: string, method = 'file') {
  const org = await admin.createOrg();
  const added = await addDomain(admin, org.id, domain);
  const res = await admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, { method });
  expect(res.status).toBe(200);
  return { body: res.body, token: added.verification.token };
}

function expectNoHits(): void {
  for (const [address, t] of Object.entries(targets)) {
    if (t.hits.length) throw new Error(`a request reached ${address}: ${JSON.stringify(t.hits)}`);
  }
}

const port = () => peers.site.port;
const redirectTo = (location: () => string) => (domain: string) => peers.site.redirect(domain, FILE, location());

const refusedCases: Array<[string, (domain: string) => void, RegExp]> = [
  ['a redirect to 127.0.0.1', redirectTo(() => `http://127.0.0.1:${port()}${FILE}`), /127\.0\.0\.1.*refused/],
  ['a redirect to 127.0.0.3 (private, not on the allow list)', redirectTo(() => `http://127.0.0.3:${port()}${FILE}`), /127\.0\.0\.3.*refused/],
  ['a redirect to 169.254.169.254 (cloud metadata)', redirectTo(() => 'http://169.254.169.254/latest/meta-data/'), /169\.254\.169\.254.*refused/],
  ['a redirect to [fd00:ec2::254] (cloud metadata, IPv6)', redirectTo(() => 'http://[fd00:ec2::254]/'), /fd00:ec2::254.*refused/],
  ['a redirect to [::1]', redirectTo(() => `http://[::1]:${port()}${FILE}`), /::1.*refused/],
  ['a redirect to an IPv4-mapped IPv6 address', redirectTo(() => `http://[::ffff:127.0.0.3]:${port()}${FILE}`), /refused/],
  ['a redirect to a decimal IP spelling (2130706433)', redirectTo(() => `http://2130706433:${port()}${FILE}`), /127\.0\.0\.1.*refused/],
  ['a redirect to an octal IP spelling (0177.0.0.3)', redirectTo(() => `http://0177.0.0.3:${port()}${FILE}`), /127\.0\.0\.3.*refused/],
  ['a redirect to a hex IP spelling (0x7f000003)', redirectTo(() => `http://0x7f000003:${port()}${FILE}`), /127\.0\.0\.3.*refused/],
  ['a redirect to a name that resolves to a private address', (domain) => {
    peers.dns.set(`inner.${domain}`, { A: ['127.0.0.3'] });
    peers.site.redirect(domain, FILE, `http://inner.${domain}:${port()}${FILE}`);
  }, /127\.0\.0\.3.*refused/],
  ['a domain whose DNS answer is another private address', (domain) => peers.dns.set(domain, { A: ['127.0.0.3'] }), /127\.0\.0\.3.*refused/],
  ['a domain whose first answer is public and second is private', (domain) => peers.dns.set(domain, { A: ['93.184.216.34', '127.0.0.3'] }), /127\.0\.0\.3.*refused/],
  ['a domain whose A answer is allowed but whose AAAA answer is loopback', (domain) => peers.dns.set(domain, { A: ['127.0.0.2'], AAAA: ['::1'] }), /::1.*refused/],
  ['a redirect to an allowed address on another port', redirectTo(() => 'http://127.0.0.2:25/'), /port 25 is not allowed/],
  ['a redirect to a file: URL', redirectTo(() => 'file:///etc/passwd'), /scheme file: is not allowed/],
  ['a redirect with credentials in the URL', redirectTo(() => `http://user:pw@127.0.0.2:${port()}/x`), /credentials/],
];

describe('SSRF: verification fetches refuse forbidden targets before connecting', () => {
  it.each(refusedCases)('%s', async (_name, arrange, detail) => {
    const domain = siteDomain(peers);
    arrange(domain);
    const { body } = await verifyFile(domain);
    expect(body.status).toBe('pending');
    expect(body.checks[0].ok).toBe(false);
    expect(body.checks[0].detail).toMatch(detail);
    expectNoHits();
  });

  it('3 redirects on the allowed site are followed, a 4th is refused before it is requested', async () => {
    const ok = siteDomain(peers);
    const { token } = await (async () => {
      const org = await admin.createOrg();
      const added = await addDomain(admin, org.id, ok);
      for (const [from, to] of [[FILE, '/r1'], ['/r1', '/r2'], ['/r2', '/r3']]) peers.site.redirect(ok, from!, to!);
      peers.site.serve(ok, '/r3', 'text/plain', added.verification.token);
      const res = await admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, { method: 'file' });
      expect(res.body.status).toBe('verified');
      return { token: added.verification.token };
    })();
    expect(token).toBeDefined();

    const tooMany = siteDomain(peers);
    for (const [from, to] of [[FILE, '/r1'], ['/r1', '/r2'], ['/r2', '/r3'], ['/r3', '/r4']]) peers.site.redirect(tooMany, from!, to!);
    peers.site.on(tooMany, '/r4', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'));
    const { body } = await verifyFile(tooMany);
    expect(body.checks[0].detail).toContain('more than 3 redirects');
    expect(peers.site.hits.filter((h) => h.host === tooMany && h.path === '/r4')).toHaveLength(0);
  });

  it.each([
    ['with a Content-Length', true],
    ['chunked, without a Content-Length', false],
  ])('a body over 256 KiB (%s) is cut off and refused', async (_name, withLength) => {
    const domain = siteDomain(peers);
    const big = 'a'.repeat(300 * 1024);
    peers.site.on(domain, FILE, (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain', ...(withLength ? { 'content-length': String(big.length) } : {}) });
      res.write(big.slice(0, 200 * 1024));
      res.end(big.slice(200 * 1024));
    });
    const { body } = await verifyFile(domain);
    expect(body.checks[0].detail).toContain('larger than 256 KiB');
  });

  it('a server that trickles bytes is cut off after 5 s', async () => {
    const domain = siteDomain(peers);
    const timers: NodeJS.Timeout[] = [];
    peers.site.on(domain, FILE, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      timers.push(setInterval(() => res.write('a'), 200));
    });
    const started = Date.now();
    const { body } = await verifyFile(domain);
    timers.forEach(clearInterval);
    expect(body.checks[0].detail).toContain('timed out after 5 s');
    expect(Date.now() - started).toBeLessThan(7_000);
  }, 15_000);

  it('DNS rebinding: the connection goes to the address that was checked, with no second lookup', async () => {
    const domain = siteDomain(peers);
    let queries = 0;
    // The first two A answers (https, then http) are allowed; any later lookup would get 127.0.0.3.
    peers.dns.set(domain, { A: () => (++queries <= 2 ? ['127.0.0.2'] : ['127.0.0.3']) });
    const org = await admin.createOrg();
    const added = await addDomain(admin, org.id, domain);
    peers.site.serve(domain, FILE, 'text/plain', added.verification.token);
    const res = await admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, { method: 'file' });
    expect(res.body.status).toBe('verified');
    expect(queries).toBe(2);
    expectNoHits();
  });

  it('a page that is not HTML is not searched for the meta tag', async () => {
    const domain = siteDomain(peers);
    const org = await admin.createOrg();
    const added = await addDomain(admin, org.id, domain);
    peers.site.serve(domain, '/', 'text/plain', `<meta name="orgbridge-verification" content="${added.verification.token}">`);
    const res = await admin.post(`/organizations/${org.id}/domains/${added.id}/verify`, { method: 'meta_tag' });
    expect(res.body.checks[0]).toMatchObject({ ok: false, detail: expect.stringContaining('text/plain is not HTML') });
  });

  it('no cookies or credentials are sent, and the Host header names the domain', async () => {
    const domain = siteDomain(peers);
    let headers: Record<string, unknown> = {};
    peers.site.on(domain, FILE, (req, res) => {
      headers = req.headers;
      res.writeHead(404).end();
    });
    await verifyFile(domain);
    expect(headers.host).toBe(domain);
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
  });
});
