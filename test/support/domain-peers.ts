import { randomBytes } from 'node:crypto';
import { createTenant, type AdminClient } from './api';
import { TestDnsServer } from './dns-server';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';
import { TestWebServer } from './web-server';

/** The loopback address the test sites are served from, the only private address fetches may reach. */
export const SITE_ADDRESS = '127.0.0.2';

/**
 * Real peers for domain verification: a DNS server given through DNS_SERVERS and a web
 * server on 127.0.0.2. `env` points the app at them; HTTPS goes to a closed port, so every
 * fetch tries https first, is refused, and falls back to http.
 */
export interface DomainPeers {
  dns: TestDnsServer;
  site: TestWebServer;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startDomainPeers(): Promise<DomainPeers> {
  const dns = await TestDnsServer.start();
  const site = await TestWebServer.start(SITE_ADDRESS);
  return {
    dns,
    site,
    env: {
      DNS_SERVERS: dns.address,
      DOMAIN_FETCH_ALLOW_PRIVATE: SITE_ADDRESS,
      DOMAIN_FETCH_HTTP_PORT: String(site.port),
      DOMAIN_FETCH_HTTPS_PORT: '1',
    },
    close: async () => {
      await site.close();
      await dns.close();
    },
  };
}

/** A fresh name under the `.test` TLD, resolving to the test site. */
export function siteDomain(peers: DomainPeers, label = 'acme'): string {
  const domain = `${label}-${randomBytes(4).toString('hex')}.test`;
  peers.dns.set(domain, { A: [SITE_ADDRESS] });
  return domain;
}

/** Adds `domain` to the organization and publishes its TXT record; returns the API's domain. */
export async function addDomain(admin: AdminClient, orgId: string, domain: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post(`/organizations/${orgId}/domains`, { domain, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; domain: string; status: string; verification: { token: string } };
}

export function publishTxt(peers: DomainPeers, domain: string, token: string): void {
  peers.dns.set(`_orgbridge.${domain}`, { TXT: [[`orgbridge-verification=${token}`]] });
}

/** Adds, publishes and verifies by DNS TXT. */
export async function addVerifiedDomain(admin: AdminClient, peers: DomainPeers, orgId: string, domain: string, extra: Record<string, unknown> = {}) {
  const added = await addDomain(admin, orgId, domain, extra);
  publishTxt(peers, domain, added.verification.token);
  const res = await admin.post(`/organizations/${orgId}/domains/${added.id}/verify`, { method: 'dns_txt' });
  expect(res.body.status).toBe('verified');
  return added;
}

export interface DomainsTestApp {
  app: TestApp;
  peers: DomainPeers;
  admin: AdminClient;
  close(): Promise<void>;
}

/** The app wired to fresh domain peers, with a tenant of its own. `options` may add env, a clock, overrides. */
export async function startDomainsTestApp(options: TestAppOptions = {}): Promise<DomainsTestApp> {
  const peers = await startDomainPeers();
  const app = await startTestApp({ ...options, env: { ...peers.env, ...options.env } });
  const admin = await createTenant(app);
  return {
    app,
    peers,
    admin,
    close: async () => {
      await app.close();
      await peers.close();
    },
  };
}
