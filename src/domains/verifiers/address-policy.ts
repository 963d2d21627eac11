import ipaddr from 'ipaddr.js';

/**
 * Which addresses a verification fetch may connect to. Only global unicast addresses, as
 * ipaddr.js classifies them: loopback, private, link-local (169.254.169.254 and other cloud
 * metadata endpoints), CGNAT, multicast, unspecified, reserved, unique-local (fd00:ec2::254)
 * and IPv6 transition ranges that embed an IPv4 address (6to4, NAT64, Teredo) are refused.
 * IPv4-mapped IPv6 is unwrapped first, so ::ffff:127.0.0.1 is loopback.
 */
export class AddressPolicy {
  private readonly allowAll: boolean;
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  /** `allowPrivate`: DOMAIN_FETCH_ALLOW_PRIVATE (tests only) — true, false, or addresses/CIDRs. */
  constructor(allowPrivate: boolean | readonly string[] = false) {
    this.allowAll = allowPrivate === true;
    this.allowed = Array.isArray(allowPrivate) ? allowPrivate.map(parseRange) : [];
  }

  /** True when a fetch may connect to `address` (a literal IPv4 or IPv6 address). */
  allows(address: string): boolean {
    const ip = parseAddress(address);
    if (!ip) return false;
    if (this.allowAll || ip.range() === 'unicast') return true;
    return this.allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  }
}

/** The address, with IPv4-mapped IPv6 unwrapped; null when it is not an IP literal. */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  // Strict four-part dotted IPv4 only: ipaddr.parse would also accept `0177.1`-style spellings.
  if (!ipaddr.IPv6.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  const ip = ipaddr.parse(bare);
  return ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
}

function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (entry.includes('/')) {
    const [net, bits] = ipaddr.parseCIDR(entry);
    return [net, bits];
  }
  const ip = parseAddress(entry);
  if (!ip) throw new Error(`DOMAIN_FETCH_ALLOW_PRIVATE entry '${entry}' is not an address or CIDR`);
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}
