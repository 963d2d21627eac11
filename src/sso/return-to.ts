const BASE = 'https://orgbridge.invalid';

/**
 * A same-origin path: starts with one `/`, no backslash (browsers read `/\evil.com` as
 * `//evil.com`), no control characters, and resolves against our origin to our origin.
 */
export function isSafeReturnTo(value: string): boolean {
  if (value.length > 2048 || !value.startsWith('/') || value.startsWith('//')) return false;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return false;
  try {
    return new URL(value, BASE).origin === BASE;
  } catch {
    return false;
  }
}

/**
 * A safe return path under one tenant (`/t/{slug}/…`), also once the browser has resolved its
 * dot segments (`/t/a/../b/`, `/t/a/%2e%2e/b/` lead to another tenant's pages).
 */
export function isTenantReturnTo(value: string, tenantSlug: string): boolean {
  const prefix = `/t/${tenantSlug}/`;
  return isSafeReturnTo(value) && value.startsWith(prefix) && new URL(value, BASE).pathname.startsWith(prefix);
}
