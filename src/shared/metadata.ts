import { z } from 'zod';
import { ValidationError } from './errors';

/** Every JSON-object field of the admin API (organization, user and invitation metadata) is at most 16 KiB. */
export const METADATA_MAX_BYTES = 16 * 1024;
export type Metadata = Record<string, unknown>;

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A JSON object of at most 16 KiB; `field` names it in the messages. */
export function jsonObjectSchema(field: string) {
  return z
    .record(z.string(), z.unknown(), { error: `${field} must be a JSON object` })
    .refine((m) => sizeOf(m) <= METADATA_MAX_BYTES, { message: `${field} is larger than ${METADATA_MAX_BYTES / 1024} KiB` });
}

/** JSON merge patch (RFC 7396) on the top level: a `null` value removes its key; a `null` patch clears it all. */
export function mergeMetadata(current: Metadata | null | undefined, patch: Metadata | null): Metadata {
  if (patch === null) return {};
  const next = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** A merge can outgrow the limit although each part is within it: 400, naming the field. */
export function assertMetadataSize(field: string, value: Metadata): Metadata {
  if (sizeOf(value) > METADATA_MAX_BYTES) {
    throw new ValidationError(`${field} would be larger than ${METADATA_MAX_BYTES / 1024} KiB`, { details: [{ path: field, message: 'too large after merge' }] });
  }
  return value;
}
