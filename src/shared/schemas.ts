import { z } from 'zod';

/** Slug rule shared by tenants and organizations. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const slugSchema = z
  .string({ error: 'slug must be a string' })
  .regex(SLUG_PATTERN, 'slug must be 1-64 lower-case letters, digits or inner hyphens');

export const nameSchema = z.string({ error: 'name must be a string' }).trim().min(1, 'name is required').max(200, 'name is at most 200 characters');

/** An email address as people type it; compared case-insensitively via `normalizeEmail`. */
export const emailSchema = z
  .string({ error: 'email must be a string' })
  .trim()
  .max(320, 'email is at most 320 characters')
  .pipe(z.email({ error: 'email is not a valid address' }));

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : new Date(d).toISOString();
