import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import { randomSecret, safeEqual } from '../shared/crypto';

/**
 * Double-submit CSRF protection for server-rendered forms: a random nonce goes into an
 * HttpOnly, SameSite=Strict cookie, and the form carries an HMAC of that nonce bound to
 * what the form acts on. A POST is accepted only when the two agree.
 */
export const CSRF_COOKIE = 'ob_csrf';

export interface CsrfIssue {
  /** value for the Set-Cookie header */
  cookie: string;
  /** value of the form's hidden `csrf` field */
  field: string;
}

const sign = (secretKey: string, bind: string, nonce: string) =>
  createHmac('sha256', secretKey).update(`csrf\n${bind}\n${nonce}`).digest('base64url');

export function issueCsrf(secretKey: string, bind: string, opts: { path: string; secure: boolean }): CsrfIssue {
  const nonce = randomSecret(16);
  const attrs = [`${CSRF_COOKIE}=${nonce}`, `Path=${opts.path}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=3600'];
  if (opts.secure) attrs.push('Secure');
  return { cookie: attrs.join('; '), field: sign(secretKey, bind, nonce) };
}

export function checkCsrf(secretKey: string, bind: string, req: Request, field: unknown): boolean {
  const nonce = readCookie(req, CSRF_COOKIE);
  if (!nonce || typeof field !== 'string' || !field) return false;
  return safeEqual(field, sign(secretKey, bind, nonce));
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
