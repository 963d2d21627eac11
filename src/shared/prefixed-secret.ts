import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { randomSecret, safeEqualHex, sha256Hex } from './crypto';
import { SECRET_CACHE_TTL_MS, TtlCache } from './ttl-cache';

/**
 * Bearer secrets shaped `<tag>_<16 hex prefix>_<43 chars>` (API keys `obk`, SCIM tokens `obs`):
 * the prefix finds the stored row, the SHA-256 of the whole secret proves it (constant-time),
 * and only the hash is stored. Rows are cached by prefix for at most SECRET_CACHE_TTL_MS.
 *
 * Prefixes that name no row are remembered too, for as long and in a cache of their own (so a
 * flood of made-up prefixes can push out only other made-up prefixes): the same unknown secret
 * presented again and again costs one database read per TTL, not one per request. A row created
 * on another process is therefore found within the TTL (4 s, inside the contract's 5 s); one
 * minted on this process works at once, because a prefix minted here is never remembered as
 * unknown. Prefixes that named a row are remembered as *known* for 10 minutes, which lets the rate
 * limiter refuse an address over its budget without a read for any other prefix (wouldReadUnknown).
 */
/** How long a prefix that named a row stays "known" (10 minutes), whatever became of the row. */
export const KNOWN_PREFIX_TTL_MS = 10 * 60_000;

export interface MintedSecret {
  prefix: string;
  secret: string;
  hash: string;
}

export class PrefixedSecrets<R> {
  private readonly pattern: RegExp;
  private readonly cache: TtlCache<R>;
  private readonly unknown: TtlCache<true>;
  /** Prefixes minted here lately: their rows may not be committed yet when first presented. */
  private readonly minted: TtlCache<true>;
  /** Prefixes that named a row lately (for KNOWN_PREFIX_TTL_MS; the row itself is cached for 4 s only). */
  private readonly known: TtlCache<true>;

  constructor(
    private readonly tag: 'obk' | 'obs',
    private readonly load: (prefix: string) => Promise<R | null>,
    private readonly hashOf: (row: R) => string,
    clock: Clock,
  ) {
    this.pattern = new RegExp(`^${tag}_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$`);
    const now = () => clock.now().getTime();
    this.cache = new TtlCache(SECRET_CACHE_TTL_MS, 10_000, now);
    this.unknown = new TtlCache(SECRET_CACHE_TTL_MS, 10_000, now);
    this.minted = new TtlCache(60_000, 1_000, now);
    this.known = new TtlCache(KNOWN_PREFIX_TTL_MS, 10_000, now);
  }

  mint(): MintedSecret {
    const prefix = randomBytes(8).toString('hex');
    this.unknown.delete(prefix);
    this.minted.set(prefix, true);
    this.known.set(prefix, true);
    const secret = `${this.tag}_${prefix}_${randomSecret(32)}`;
    return { prefix, secret, hash: sha256Hex(secret) };
  }

  /** The row this secret belongs to, or null for a malformed, unknown or wrong secret. */
  async verify(presented: string): Promise<R | null> {
    const prefix = this.pattern.exec(presented)?.[1];
    if (!prefix) return null;
    let row = this.cache.get(prefix);
    if (!row) {
      if (this.unknown.get(prefix)) return null;
      const found = await this.load(prefix);
      if (!found) {
        if (!this.minted.get(prefix)) this.unknown.set(prefix, true);
        return null;
      }
      row = found;
      this.cache.set(prefix, found);
      this.known.set(prefix, true);
    }
    return safeEqualHex(sha256Hex(presented), this.hashOf(row)) ? row : null;
  }

  /**
   * Whether verifying `presented` would read the database for a prefix that named no row lately
   * (neither cached nor known): what a client address over its rate limit is refused without
   * looking (src/http/rate-limit.ts), so a flood of made-up secrets costs no reads.
   */
  wouldReadUnknown(presented: string): boolean {
    const prefix = this.pattern.exec(presented)?.[1];
    if (!prefix) return false;
    return !this.cache.get(prefix) && !this.unknown.get(prefix) && !this.known.get(prefix) && !this.minted.get(prefix);
  }

  /** Drops what is cached about a prefix at once (revocation or rotation on this process). */
  forget(prefix: string): void {
    this.cache.delete(prefix);
    this.unknown.delete(prefix);
  }
}
