import { domainToASCII } from 'node:url';
import { z } from 'zod';

/** Slug rule shared by tenants and organizations. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const slugSchema = z
  .string({ error: 'slug must be a string' })
  .regex(SLUG_PATTERN, 'slug must be 1-64 lower-case letters, digits or inner hyphens');

/** C0 controls and DEL (NUL, CR, LF, tab, …): no display name has them, and a CR/LF could break a mail header or a log line. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const noControls = (value: string) => !CONTROL_CHARACTERS.test(value);

export const nameSchema = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, 'name is required')
  .max(200, 'name is at most 200 characters')
  .refine(noControls, 'name must not contain control characters (NUL, CR, LF, tab, …)');

const emailFormat = z.email();

/**
 * The one rule for an email address (the admin API's bodies, login routing): zod's email
 * format, checked on the address with its domain in ASCII, so that an IDN domain
 * (`anna@bücher.example`) is judged as its punycode form; RFC 5321's lengths (local part 64,
 * domain 253, label 63).
 */
export function isEmailAddress(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return false; // RFC 5321: a local part has 1 to 64 characters
  const domain = domainToASCII(email.slice(at + 1));
  if (!domain || domain.length > 253 || domain.split('.').some((label) => label.length > 63)) return false;
  return emailFormat.safeParse(`${email.slice(0, at + 1)}${domain}`).success;
}

/** An email address as people type it (surrounding spaces dropped); compared case-insensitively via `normalizeEmail`. */
export const emailSchema = z
  .string({ error: 'email must be a string' })
  .trim()
  .max(320, 'email is at most 320 characters')
  .refine(isEmailAddress, 'email is not a valid address');

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** RFC 3339 UTC; null stays null (a Date in gives a string out, so answers' types say which fields may be null). */
export function iso(d: Date | string): string;
export function iso(d: Date | string | null | undefined): string | null;
export function iso(d: Date | string | null | undefined): string | null {
  return d === null || d === undefined ? null : new Date(d).toISOString();
}
