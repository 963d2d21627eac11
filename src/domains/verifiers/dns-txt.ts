import { TXT_PREFIX, TXT_VALUE_PREFIX, type Check } from './check';
import { describeDnsError, type DnsResolver } from './resolver';

/** `_orgbridge.<domain>` must hold a TXT record `orgbridge-verification=<token>` (chunks joined). */
export async function checkDnsTxt(resolver: DnsResolver, domain: string, token: string): Promise<Check> {
  const name = `${TXT_PREFIX}.${domain}`;
  let records: string[][];
  try {
    records = await resolver.resolveTxt(name);
  } catch (err) {
    return { method: 'dns_txt', ok: false, detail: describeDnsError(err, name, 'TXT') };
  }
  const expected = `${TXT_VALUE_PREFIX}${token}`;
  const ok = records.some((chunks) => chunks.join('').trim() === expected);
  return {
    method: 'dns_txt',
    ok,
    detail: ok ? `TXT record found at ${name}` : `no TXT record at ${name} matches ${TXT_VALUE_PREFIX}<token>`,
  };
}
