import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { getDomain, getPublicSuffix } from 'tldts';
import consumerDomains from 'email-providers/all.json';

/**
 * Domain names as organizations claim them and as emails carry them. Pure functions: the
 * rules are table-tested in test/unit/domains/normalize.test.ts and written down in docs/domains.md.
 */

export type NormalizeResult = { ok: true; domain: string } | { ok: false; reason: string };

const PSL = { allowPrivateDomains: true } as const;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const CONSUMER = new Set<string>([
  ...(consumerDomains as string[]),
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'mail.com',
]);

/**
 * Syntax only: trim, lower case, one trailing dot dropped, IDN → punycode. Refuses anything
 * that is not a plain host name: IP literals in any spelling, ports, paths, schemes, userinfo,
 * wildcards, empty or over-long labels.
 */
export function toHostName(input: string): NormalizeResult {
  let value = input.trim().toLowerCase();
  if (!value) return fail('the domain is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) return fail('give a bare domain name, not a URL');
  if (/[/?#\\]/.test(value)) return fail('a domain cannot contain a path, query or fragment');
  if (value.includes('@')) return fail('a domain cannot contain user information');
  if (value.startsWith('[') || isIP(value)) return fail('IP addresses are not domains');
  if (value.includes(':')) return fail('a domain cannot contain a port');
  if (value.includes('*')) return fail('wildcards are not allowed; use include_subdomains');
  // `%` would be percent-decoded by the URL host parser, smuggling in other characters.
  if (/[%\s]/.test(value)) return fail('the domain contains invalid characters');
  if (value.endsWith('.')) value = value.slice(0, -1);
  if (value.split('.').some((l) => l === '')) return fail('the domain has an empty label');
  // The WHATWG host parser maps IDN to punycode, and also decimal/octal/hex IPv4 to dotted form.
  const ascii = domainToASCII(value);
  if (!ascii) return fail('the domain contains invalid characters');
  if (isIP(ascii)) return fail('IP addresses are not domains');
  if (ascii.length > 253) return fail('the domain is longer than 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2) return fail('the domain needs at least two labels');
  if (labels.some((l) => l.length > 63)) return fail('a label is longer than 63 characters');
  if (!labels.every((l) => LABEL.test(l))) return fail('the domain contains invalid characters');
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return fail('IP addresses are not domains');
  return { ok: true, domain: ascii };
}

/**
 * A domain an organization may claim: a valid host name that is not itself a public suffix
 * (`com`, `co.uk`, `github.io`) and not a consumer mail domain (`gmail.com`), nor under one.
 */
export function normalizeClaimedDomain(input: string): NormalizeResult {
  const host = toHostName(input);
  if (!host.ok) return host;
  const { domain } = host;
  const registrable = getDomain(domain, PSL);
  if (!registrable || getPublicSuffix(domain, PSL) === domain) {
    return fail('a public suffix cannot be claimed by one organization');
  }
  if (CONSUMER.has(domain) || CONSUMER.has(registrable)) return fail('consumer mail domains cannot be claimed');
  return host;
}

/**
 * The names a login for `domain` may be routed by, most specific first: the domain itself,
 * then each parent down to the registrable domain (never a public suffix).
 */
export function routingCandidates(domain: string): string[] {
  const registrable = getDomain(domain, PSL);
  const candidates = [domain];
  if (!registrable || !domain.endsWith(`.${registrable}`)) return candidates;
  let rest = domain;
  while (rest !== registrable) {
    rest = rest.slice(rest.indexOf('.') + 1);
    candidates.push(rest);
  }
  return candidates;
}

/**
 * Among verified rows for `candidates` (most specific first), the one that routes the domain:
 * an exact match, else the nearest parent that includes its subdomains.
 */
export function mostSpecificMatch<R extends { domain: string; include_subdomains: boolean | number }>(candidates: string[], rows: R[]): R | undefined {
  for (const [i, name] of candidates.entries()) {
    const row = rows.find((r) => r.domain === name && (i === 0 || Boolean(r.include_subdomains)));
    if (row) return row;
  }
  return undefined;
}

/** The domain part of an email address, as a host name; null when the address is malformed. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64 || email.length > 320) return null;
  const local = email.slice(0, at);
  if (/[\s<>()[\]\\,;:"]/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const host = toHostName(email.slice(at + 1));
  return host.ok ? host.domain : null;
}

function fail(reason: string): NormalizeResult {
  return { ok: false, reason };
}

/** The value of `domains.verified_key` while a domain is verified: one verified owner per tenant and domain. */
export const verifiedKey = (tenantId: string, domain: string) => `${tenantId}:${domain}`;
