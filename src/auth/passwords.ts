import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError } from '../shared/errors';
import { COMMON_PASSWORDS } from './common-passwords';

/** scrypt cost: N=2^15, r=8, p=1 (32 MiB, memory-hard). Stored with the hash, so it can be raised later. */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * The password rules of a registration: the effective minimum length, at most 256
 * characters, not a commonly breached password, and not the email (or its local part).
 */
export function checkNewPassword(password: string, rules: { minLength: number; email: string }): void {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < rules.minLength) problems.push(`password must be at least ${rules.minLength} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push('password is too common: it appears in lists of breached passwords');
  const email = rules.email.trim().toLowerCase();
  if (lower === email || lower === email.split('@')[0]) problems.push('password must not be your email address');
  if (problems.length) {
    throw new ValidationError(problems[0]!, { details: problems.map((message) => ({ path: 'password', message })) });
  }
}
