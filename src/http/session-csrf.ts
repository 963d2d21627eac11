import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/crypto';

/**
 * The portal's CSRF token: an HMAC of the signed-in session (its id hash), so no extra cookie is
 * needed and every form of every page of one session carries the same field. A cross-site page
 * cannot read it (it never sees the HttpOnly session cookie nor our pages, which refuse framing),
 * and a token from another session does not verify. Sign-out ends the session and its token.
 */
export function portalCsrfToken(secretKey: string, sessionIdHash: string): string {
  return createHmac('sha256', secretKey).update(`portal-csrf\n${sessionIdHash}`).digest('base64url');
}

export function checkPortalCsrf(secretKey: string, sessionIdHash: string, field: unknown): boolean {
  return typeof field === 'string' && field.length > 0 && safeEqual(field, portalCsrfToken(secretKey, sessionIdHash));
}
