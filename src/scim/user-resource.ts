import type { ScimUserRecord } from '../db/models';
import { ValidationError } from '../shared/errors';
import { emailSchema } from '../shared/schemas';
import { linkExtension } from './link-schema';
import { SCHEMA, scimmy } from './scimmy';
import { simpleCoerce } from './simple-coerce';
import { etagOf, type DirectoryContext } from './scim-request';
import type { EmailRow } from './scim.repository';

/** The SCIM User as stored: the coerced resource without id, meta and groups. */
export type UserResource = Record<string, unknown> & { userName: string };

const READ_ONLY = new Set(['id', 'meta', 'groups', SCHEMA.link.toLowerCase()]);
const BOOLEAN_KEYS = new Set(['active', 'primary']);

/** Entra sends "True"/"False" for booleans: turn them into booleans wherever a boolean is expected. */
export function fixStringBooleans(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key && BOOLEAN_KEYS.has(key.toLowerCase()) && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  if (Array.isArray(value)) return value.map((v) => fixStringBooleans(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixStringBooleans(v, k)]));
  }
  return value;
}

/** The enterprise `manager` given as a bare id string becomes `{value}`. */
function fixManager(resource: Record<string, unknown>): void {
  const ext = resource[SCHEMA.enterprise] as Record<string, unknown> | undefined;
  if (ext && typeof ext.manager === 'string') ext.manager = ext.manager ? { value: ext.manager } : undefined;
}

/** Validates and canonicalises an incoming User with scimmy's schema (case of keys, types, extension). */
export function coerceUser(body: unknown): UserResource {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('request body must be a SCIM User object', { scimType: 'invalidSyntax' });
  const input = fixStringBooleans(body) as Record<string, unknown>;
  for (const key of Object.keys(input)) if (READ_ONLY.has(key.toLowerCase())) delete input[key];
  // A resource read back from us and sent again names our read-only extension: it is not the IdP's to set.
  if (Array.isArray(input.schemas)) input.schemas = input.schemas.filter((s) => s !== SCHEMA.link);
  fixManager(input);
  rejectNullItems(input);
  const S = scimmy();
  if (input[SCHEMA.enterprise] && Array.isArray(input.schemas) && !input.schemas.includes(SCHEMA.enterprise)) {
    input.schemas = [...input.schemas, SCHEMA.enterprise];
  }
  if (Array.isArray(input.schemas) && input.schemas.length && !input.schemas.includes(SCHEMA.user)) {
    throw new ValidationError('the request body names schemas that are not a User', { scimType: 'invalidSyntax' });
  }
  const definition = S.Schemas.User.definition;
  // Plain bodies take the quick walk of the same schema (simple-coerce.ts); the rest, scimmy's
  // own coercion: what `new Schemas.User(…)` runs, without an accessor for every attribute.
  let coerced = simpleCoerce(definition as never, input);
  if (!coerced) {
    try {
      coerced = JSON.parse(JSON.stringify(definition.coerce(input, 'in'))) as Record<string, unknown>;
    } catch (err) {
      // scimmy rejects schema violations with a SCIMError or a TypeError naming the attribute.
      const e = err as { message?: string; scimType?: string };
      throw new ValidationError(e.message ?? 'the User does not match the schema', { scimType: e.scimType === 'invalidSyntax' ? 'invalidSyntax' : 'invalidValue' });
    }
  }
  delete coerced.meta;
  delete coerced.id;
  delete coerced.password;
  if (typeof coerced.userName !== 'string' || !coerced.userName.trim()) {
    throw new ValidationError("userName is required", { scimType: 'invalidValue' });
  }
  for (const [key, value] of Object.entries(coerced)) {
    if (primaries(value) > 1) throw new ValidationError(`${key}: at most one value may be primary (RFC 7643 §2.4)`, { scimType: 'invalidValue' });
  }
  for (const cert of Array.isArray(coerced.x509Certificates) ? (coerced.x509Certificates as Array<{ value?: unknown }>) : []) {
    // RFC 7643 §2.3.6: a binary value is base64 (whitespace, as in PEM bodies, and base64url are taken)
    if (typeof cert.value === 'string' && !BASE64.test(cert.value.replace(/\s+/g, ''))) {
      throw new ValidationError('x509Certificates.value must be base64-encoded DER', { scimType: 'invalidValue' });
    }
  }
  dropEmptyComplexValues(coerced);
  return coerced as UserResource;
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** Whether an item of a multi-valued attribute says `primary: true`. */
export const isPrimary = (item: unknown): boolean => (item as { primary?: unknown } | null)?.primary === true;

/** How many items of a multi-valued attribute say `primary: true`. */
export function primaries(value: unknown): number {
  return Array.isArray(value) ? value.filter(isPrimary).length : 0;
}

/** `name: {}` after its last sub-attribute is removed is unassigned (RFC 7643 §2.5), and left out; in the Enterprise extension too. */
function dropEmptyComplexValues(resource: Record<string, unknown>): void {
  for (const holder of [resource, resource[SCHEMA.enterprise]]) {
    if (!holder || typeof holder !== 'object' || Array.isArray(holder)) continue;
    const object = holder as Record<string, unknown>;
    for (const [key, value] of Object.entries(object)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0 && key !== SCHEMA.enterprise) delete object[key];
    }
  }
}

/**
 * `"emails": [null]`: scimmy keeps a null item of a multi-valued attribute, which would be stored
 * and served back as is; a null value is no value (RFC 7643 §2.5), so such an item is a 400.
 */
function rejectNullItems(input: Record<string, unknown>): void {
  const check = (where: string, value: unknown) => {
    if (Array.isArray(value) && value.some((item) => item === null)) {
      throw new ValidationError(`${where} holds a null item`, { scimType: 'invalidValue' });
    }
  };
  for (const [key, value] of Object.entries(input)) {
    check(key, value);
    if (key.includes(':') && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, subValue] of Object.entries(value)) check(`${key}:${sub}`, subValue);
    }
  }
}

export interface UserColumns {
  user_name: string;
  user_name_lower: string;
  external_id: string | null;
  display_name_lower: string | null;
  active: boolean;
  emails: EmailRow[];
  /** The address that links the SCIM user to a tenant user. */
  linkEmail: string | null;
  displayName: string | null;
}

/**
 * The longest `userName`, `externalId` and `displayName` a directory stores (their indexed
 * columns are 400 characters; SQLite would take more, MariaDB refuses it): longer is a 400
 * `invalidValue` on both.
 */
export const SCIM_TEXT_MAX = 400;
/** A tenant user's name (users.name) made from a SCIM display name is cut to this many characters. */
const USER_NAME_MAX = 200;

/** A string over SCIM_TEXT_MAX is a 400; anything else (null, absent, not a string) is left to the caller's own checks. */
export function checkScimText(attribute: string, value: unknown): void {
  if (typeof value === 'string' && value.length > SCIM_TEXT_MAX) {
    throw new ValidationError(`${attribute} is at most ${SCIM_TEXT_MAX} characters`, { scimType: 'invalidValue' });
  }
}

/** The indexed columns and side rows derived from a User resource; an email that is not an address is a 400. */
export function userColumns(r: UserResource): UserColumns {
  checkScimText('userName', r.userName);
  checkScimText('externalId', r.externalId);
  checkScimText('displayName', r.displayName);
  const emails = Array.isArray(r.emails) ? (r.emails as Array<{ value?: string; type?: string; primary?: boolean } | null>) : [];
  const rows = emails
    .filter(hasEmailValue)
    .map((e) => ({ value_lower: validEmail(e.value).toLowerCase(), type: e.type ? e.type.toLowerCase() : null, primary: e.primary === true }));
  const primary = rows.find((e) => e.primary) ?? rows.find((e) => e.type === 'work') ?? rows[0];
  const linkEmail = primary?.value_lower ?? (emailSchema.safeParse(r.userName).success ? r.userName.trim().toLowerCase() : null);
  const name = r.name as { formatted?: string; givenName?: string; familyName?: string } | undefined;
  const fullName =
    (typeof r.displayName === 'string' && r.displayName) || name?.formatted || [name?.givenName, name?.familyName].filter(Boolean).join(' ') || null;
  const displayName = fullName === null ? null : Array.from(fullName).slice(0, USER_NAME_MAX).join('');
  return {
    user_name: r.userName,
    user_name_lower: r.userName.toLowerCase(),
    external_id: typeof r.externalId === 'string' ? r.externalId : null,
    display_name_lower: typeof r.displayName === 'string' ? r.displayName.toLowerCase() : null,
    active: r.active !== false,
    emails: rows,
    linkEmail,
    displayName,
  };
}

/** An `emails[].value`, trimmed, checked as the admin API checks addresses. */
function validEmail(value: string): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new ValidationError(`emails: "${value.slice(0, 100)}" is not a valid email address`, { scimType: 'invalidValue' });
  return parsed.data;
}

/** Whether a stored resource has an address to link by (to tell the two reasons for no link apart). */
function hasLinkEmail(r: Record<string, unknown>): boolean {
  const emails = Array.isArray(r.emails) ? (r.emails as Array<{ value?: unknown } | null>) : [];
  return emails.some(hasEmailValue) || emailSchema.safeParse(r.userName).success;
}

/** An `emails` item that carries an address (null items and blank values carry none). */
function hasEmailValue<E extends { value?: unknown }>(e: E | null): e is E & { value: string } {
  return typeof e?.value === 'string' && e.value.trim() !== '';
}

/** The SCIM representation of a stored user. */
export function renderUser(row: ScimUserRecord, groups: Array<{ id: string; displayName: string }>, dir: DirectoryContext): Record<string, unknown> {
  const resource = row.resource;
  const schemas = [SCHEMA.user, ...(resource[SCHEMA.enterprise] ? [SCHEMA.enterprise] : []), SCHEMA.link];
  return {
    ...resource,
    schemas,
    id: row.id,
    // `active` removed by a PATCH (or never sent) is unassigned (RFC 7644 §3.5.2.2) and not shown; the user counts as active.
    ...(resource.active === undefined && row.active ? {} : { active: Boolean(row.active) }),
    ...linkExtension(row.user_id, row.user_id === null ? (hasLinkEmail(resource) ? 'domain_not_verified' : 'no_email') : null),
    groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${dir.baseUrl}/Groups/${g.id}`, type: 'direct' })),
    meta: {
      resourceType: 'User',
      created: new Date(row.created_at).toISOString(),
      lastModified: new Date(row.updated_at).toISOString(),
      location: `${dir.baseUrl}/Users/${row.id}`,
      version: etagOf(row.version),
    },
  };
}
