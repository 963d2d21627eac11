import { promises as dns } from 'node:dns';

/** The DNS answers verification needs; Node's `dns.promises.Resolver` is one. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** A resolver over DNS_SERVERS (or the system's servers): 2 tries of 1.5 s each at most. */
export function createResolver(servers: readonly string[]): DnsResolver {
  const resolver = new dns.Resolver({ timeout: 1500, tries: 2 });
  if (servers.length) resolver.setServers([...servers]);
  return resolver;
}

const NO_ANSWER = new Set(['ENOTFOUND', 'ENODATA']);

/** True when the lookup answered "no such name" or "no such record", not a failure to ask. */
export function isNoAnswer(err: unknown): boolean {
  return NO_ANSWER.has((err as { code?: string })?.code ?? '');
}

/** A short, client-safe explanation of a failed lookup of `name`. */
export function describeDnsError(err: unknown, name: string, type: string): string {
  switch ((err as { code?: string })?.code) {
    case 'ENOTFOUND':
      return `${name} does not exist (NXDOMAIN)`;
    case 'ENODATA':
      return `${name} has no ${type} record`;
    case 'ETIMEOUT':
      return `DNS lookup of ${name} timed out`;
    case 'ECONNREFUSED':
      return `DNS server refused the lookup of ${name}`;
    case 'ESERVFAIL':
      return `DNS server failed to answer for ${name} (SERVFAIL)`;
    default:
      return `DNS lookup of ${name} failed`;
  }
}
