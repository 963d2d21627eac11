import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { randomSecret, safeEqualHex, sha256Hex } from './crypto';
import { SECRET_CACHE_TTL_MS, TtlCache } from './ttl-cache';

/**
 * Bearer secrets shaped `<tag>_<16 hex prefix>_<43 chars>` (API keys `obk`, SCIM tokens `obs`):
 * the prefix finds the stored row, the SHA-256 of the whole secret proves it (constant-time),
 * and only the hash is stored. Rows are cached by prefix for at most SECRET_CACHE_TTL_MS.
 */
export interface MintedSecret {
  prefix: string;
  secret: string;
  hash: string;
}

export class PrefixedSecrets<R> {
  private readonly pattern: RegExp;
  private readonly cache: TtlCache<R>;

  constructor(
    private readonly tag: 'obk' | 'obs',
    private readonly load: (prefix: string) => Promise<R | null>,
    private readonly hashOf: (row: R) => string,
    clock: Clock,
  ) {
    this.pattern = new RegExp(`^${tag}_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$`);
    this.cache = new TtlCache(SECRET_CACHE_TTL_MS, 10_000, () => clock.now().getTime());
  }

  mint(): MintedSecret {
    const prefix = randomBytes(8).toString('hex');
    const secret = `${this.tag}_${prefix}_${randomSecret(32)}`;
    return { prefix, secret, hash: sha256Hex(secret) };
  }

  /** The row this secret belongs to, or null for a malformed, unknown or wrong secret. */
  async verify(presented: string): Promise<R | null> {
    const prefix = this.pattern.exec(presented)?.[1];
    if (!prefix) return null;
    let row = this.cache.get(prefix);
    if (!row) {
      const found = await this.load(prefix);
      if (!found) return null;
      row = found;
      this.cache.set(prefix, found);
    }
    return safeEqualHex(sha256Hex(presented), this.hashOf(row)) ? row : null;
  }

  /** Drops a cached row at once (revocation or rotation on this process). */
  forget(prefix: string): void {
    this.cache.delete(prefix);
  }
}
