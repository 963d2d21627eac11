import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/crypto';

/**
 * The CSRF field of the pages a signed-in session uses (portal, account): an HMAC of the session
 * (its id hash), so no extra cookie is needed and every form of every page of one session carries
 * the same field. A cross-site page cannot read it (it never sees the HttpOnly session cookie nor
 * our pages, which refuse framing), and a field from another session does not verify. Sign-out
 * ends the session and its field.
 */
export function sessionCsrfToken(secretKey: string, sessionIdHash: string): string {
  return createHmac('sha256', secretKey).update(`session-csrf\n${sessionIdHash}`).digest('base64url');
}

export function checkSessionCsrf(secretKey: string, sessionIdHash: string, field: unknown): boolean {
  return typeof field === 'string' && field.length > 0 && safeEqual(field, sessionCsrfToken(secretKey, sessionIdHash));
}
