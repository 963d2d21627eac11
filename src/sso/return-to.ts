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
