import { createHmac, hkdfSync } from 'node:crypto';
import { randomSecret, safeEqual, sha256Hex } from '../shared/crypto';

export const SESSION_COOKIE = 'ob_session';

/**
 * The session cookie is `<random id>.<HMAC of it>`. Only sha256(id) is stored, so a copy of
 * the database holds no usable session; the HMAC (key derived from SECRET_KEY) lets forged
 * values be refused without a query.
 */
export class SessionCookie {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'orgbridge session cookie v1', 32));
  }

  issue(): { value: string; idHash: string } {
    const id = randomSecret(32);
    return { value: `${id}.${this.mac(id)}`, idHash: sha256Hex(id) };
  }

  /** The stored hash for a cookie value, or null when the value was not issued by us. */
  idHashOf(value: string | undefined): string | null {
    const [id, mac, extra] = (value ?? '').split('.');
    if (!id || !mac || extra !== undefined || !safeEqual(mac, this.mac(id))) return null;
    return sha256Hex(id);
  }

  /**
   * HttpOnly; SameSite=Lax because the ACS is a cross-site POST followed by our redirect, and
   * the browser must send the cookie on that top-level navigation; Secure on https.
   */
  header(value: string, opts: { path: string; maxAgeSeconds: number; secure: boolean }): string {
    const attrs = [`${SESSION_COOKIE}=${value}`, `Path=${opts.path}`, `Max-Age=${opts.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
    if (opts.secure) attrs.push('Secure');
    return attrs.join('; ');
  }

  private mac(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }
}
