import { PreconditionFailedError, ValidationError } from '../shared/errors';
import { resolveAttribute, type ScimResourceType } from './attributes';
import { filterToSql, jsonColumn, type Dialect, type Sql } from './filter/filter-to-sql';
import { invalid, parseFilter, type Filter } from './filter/parse-filter';
import { SCHEMA } from './scimmy';

/** The directory a SCIM request acts on, as resolved from its URL and token. */
export interface DirectoryContext {
  id: string;
  tenantId: string;
  organizationId: string;
  /** PUBLIC_URL/t/{tenant}/scim/v2/{dirId} */
  baseUrl: string;
}

export const MAX_PAGE = 200;

export interface ListParams {
  where: Sql | null;
  orderBy: string;
  descending: boolean;
  startIndex: number;
  count: number;
  projection: Projection;
}

/**
 * `attributes` / `excludedAttributes` as trees of lower-case names: `name.familyName` is
 * name → familyname; a name mapped to null means the whole value.
 */
export interface Projection {
  attributes: PathTree | null;
  excluded: PathTree | null;
}
type PathTree = Map<string, PathTree | null>;

const SORT_COLUMNS: Record<ScimResourceType, Record<string, string>> = {
  User: {
    id: 'r.id',
    userName: 'r.user_name_lower',
    externalId: 'r.external_id',
    displayName: 'r.display_name_lower',
    active: 'r.active',
    'meta.created': 'r.created_at',
    'meta.lastModified': 'r.updated_at',
  },
  Group: { id: 'r.id', displayName: 'r.display_name_lower', externalId: 'r.external_id', 'meta.created': 'r.created_at', 'meta.lastModified': 'r.updated_at' },
};

/**
 * RFC 7644 §3.4.2.3: a multi-valued sort key is the primary value, else the first. For emails
 * (rows of their own, in order) that is the user's primary email row, else its first one.
 */
const emailSortKey = (column: string) => `(SELECT e.${column} FROM scim_user_emails e WHERE e.scim_user_id = r.id ORDER BY e.\`primary\` DESC, e.position LIMIT 1)`;
const EMAIL_SORT: Record<string, string> = { value: emailSortKey('value_lower'), type: emailSortKey('type') };

const DECIMAL = /^-?\d+$/;

/**
 * An integer query parameter: decimal digits with an optional minus sign and nothing else (no
 * `0x10`, `1.0`, `+5`, `1e3` or spaces), else 400 invalidValue. Values beyond the safe integers
 * come back as ±Infinity, for the caller to clamp or refuse, so none reaches SQL.
 */
function integerParam(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!DECIMAL.test(value)) throw new ValidationError(`${name} must be a decimal integer`, { scimType: 'invalidValue' });
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : n < 0 ? -Infinity : Infinity;
}

export function parseListParams(resource: ScimResourceType, query: Record<string, unknown>, directoryId: string, dialect: Dialect): ListParams {
  const single = (k: string) => {
    const v = query[k];
    if (Array.isArray(v)) throw new ValidationError(`${k} is given more than once`, { scimType: 'invalidValue' });
    return v === undefined ? undefined : String(v);
  };
  // RFC 7644 §3.4.2.4: startIndex < 1 is 1; count < 0 is 0.
  // A count past the largest page is the largest page (RFC 7644 §3.4.2.4 lets a server return
  // fewer); a startIndex past the safe integers cannot be an offset and is refused.
  const startIndex = Math.max(1, integerParam(single('startIndex'), 'startIndex', 1));
  if (startIndex === Infinity) throw new ValidationError(`startIndex must be at most ${Number.MAX_SAFE_INTEGER}`, { scimType: 'invalidValue' });
  const count = Math.min(MAX_PAGE, Math.max(0, integerParam(single('count'), 'count', 100)));
  const filterText = single('filter');
  const where = filterText ? filterToSql(parseFilter(filterText), { resource, directoryId, dialect }) : null;

  const sortBy = single('sortBy');
  let orderBy = 'r.id';
  if (sortBy) {
    const resolved = resolveAttribute(resource, sortBy);
    const emailSort = resource === 'User' && resolved?.attr.path[0] === 'emails' ? EMAIL_SORT[(resolved.sub?.path.at(-1) ?? 'value').toLowerCase()] : undefined;
    if (emailSort) orderBy = emailSort;
    else if (!resolved || resolved.sub || resolved.attr.multiValued) {
      throw new ValidationError(`cannot sort by '${sortBy}'`, { scimType: 'invalidValue' });
    } else orderBy = SORT_COLUMNS[resource][resolved.attr.path.join('.')] ?? jsonColumn(resolved.attr, dialect).sql;
  }
  const sortOrder = (single('sortOrder') ?? 'ascending').toLowerCase();
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw new ValidationError('sortOrder must be ascending or descending', { scimType: 'invalidValue' });
  }
  return { where, orderBy, descending: sortOrder === 'descending', startIndex, count, projection: parseProjection(query) };
}

const SEARCH_FIELDS = { filter: 'string', sortBy: 'string', sortOrder: 'string', startIndex: 'integer', count: 'integer', attributes: 'list', excludedAttributes: 'list' } as const;
const SEARCH_FIELD_OF = new Map(Object.keys(SEARCH_FIELDS).map((name) => [name.toLowerCase(), name as keyof typeof SEARCH_FIELDS]));

/**
 * A `POST …/.search` body (RFC 7644 §3.4.3) as the query parameters of the same GET, so that
 * parseListParams validates both alike. Its attribute names are case-insensitive; a body that is
 * not a SearchRequest, or names a field it has not, is 400 invalidSyntax; a field of the wrong
 * type is 400 invalidValue.
 */
export function searchRequestQuery(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('a search needs a SearchRequest object', { scimType: 'invalidSyntax' });
  const query: Record<string, string> = {};
  let schemas: unknown;
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') {
      schemas = value;
      continue;
    }
    const name = SEARCH_FIELD_OF.get(key.toLowerCase());
    if (!name) throw new ValidationError(`a SearchRequest has no '${key}'`, { scimType: 'invalidSyntax' });
    if (value === null) continue;
    const kind = SEARCH_FIELDS[name];
    if (kind === 'string' && typeof value === 'string') query[name] = value;
    else if (kind === 'integer' && Number.isInteger(value)) query[name] = BigInt(value as number).toString();
    else if (kind === 'list' && Array.isArray(value) && value.every((v) => typeof v === 'string')) query[name] = value.join(',');
    else if (kind === 'list' && typeof value === 'string') query[name] = value;
    else throw new ValidationError(`${name} must be ${kind === 'list' ? 'a list of attribute names' : `a${kind === 'integer' ? 'n' : ''} ${kind}`}`, { scimType: 'invalidValue' });
  }
  if (!Array.isArray(schemas) || schemas.length !== 1 || schemas[0] !== SCHEMA.searchRequest) {
    throw new ValidationError(`schemas must be ["${SCHEMA.searchRequest}"]`, { scimType: 'invalidSyntax' });
  }
  return query;
}

const RESOURCE_TYPES: ScimResourceType[] = ['User', 'Group'];

/**
 * For a search at the service root: the resource types that define every attribute its filter
 * names (RFC 7644 §3.4.2.2: `userName eq "x"` finds no Groups rather than failing). None is 400.
 */
export function typesSearched(filterText: string | undefined): ScimResourceType[] {
  if (!filterText) return RESOURCE_TYPES;
  const paths: string[] = [];
  const walk = (f: Filter): void => {
    if ('filters' in f) f.filters.forEach(walk);
    else if ('filter' in f) walk(f.filter);
    else paths.push(f.attrPath);
  };
  walk(parseFilter(filterText));
  const types = RESOURCE_TYPES.filter((type) => paths.every((p) => resolveAttribute(type, p)));
  if (!types.length) throw invalid(`no resource type has every attribute of the filter (${paths.join(', ')})`);
  return types;
}

export function parseProjection(query: Record<string, unknown>): Projection {
  return { attributes: pathTree(query.attributes), excluded: pathTree(query.excludedAttributes) };
}

const CORE_URNS = [SCHEMA.user, SCHEMA.group].map((u) => u.toLowerCase());
/** Returned whatever is asked (RFC 7643 `returned: always`). */
const ALWAYS = new Set(['id', 'schemas']);

/**
 * `name.familyName` and `urn:…:core:2.0:User:name.familyName` → [name, familyname]; an
 * extension's `urn:…:enterprise:2.0:User:manager.value` → [urn:…:enterprise:2.0:user:manager,
 * value], which `subtree` files under the extension's key (its URN) when it meets one.
 */
function pathOf(entry: string): string[] {
  const e = entry.toLowerCase();
  for (const urn of CORE_URNS) if (e.startsWith(`${urn}:`)) return e.slice(urn.length + 1).split('.');
  if (!e.startsWith('urn:')) return e.split('.');
  const colon = e.lastIndexOf(':');
  const [first = '', ...rest] = e.slice(colon + 1).split('.');
  return [e.slice(0, colon + 1) + first, ...rest];
}

/** The part of a tree under a top-level key; for an extension (a URN key), its `urn:…:attr` entries. */
function subtree(tree: PathTree, key: string): PathTree | null | undefined {
  const direct = tree.get(key);
  if (direct !== undefined || !key.includes(':')) return direct;
  let found: PathTree | undefined;
  for (const [name, child] of tree) if (name.startsWith(`${key}:`)) (found ??= new Map()).set(name.slice(key.length + 1), child);
  return found;
}

function pathTree(value: unknown): PathTree | null {
  if (value === undefined) return null;
  const root: PathTree = new Map();
  for (const entry of String(value).split(',')) {
    const path = pathOf(entry.trim()).filter(Boolean);
    let node = root;
    for (const [i, name] of path.entries()) {
      const existing = node.get(name);
      if (existing === null) break; // the whole value is already named
      if (i === path.length - 1) {
        node.set(name, null);
        break;
      }
      const child: PathTree = existing ?? new Map();
      node.set(name, child);
      node = child;
    }
  }
  return root;
}

/** What of a value `attributes=` keeps: the named keys of objects (in arrays too); empty results are dropped. */
function keep(value: unknown, tree: PathTree): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => keep(v, tree)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = tree.get(key.toLowerCase());
    const kept = sub === undefined ? undefined : sub === null ? v : keep(v, sub);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}

/** What of a value `excludedAttributes=` leaves. */
function drop(value: unknown, tree: PathTree): unknown {
  if (Array.isArray(value)) return value.map((v) => drop(v, tree));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = tree.get(key.toLowerCase());
    if (sub === undefined) out[key] = v;
    else if (sub !== null) out[key] = drop(v, sub);
  }
  return out;
}

/**
 * `attributes=` keeps only what is named, down to sub-attributes (`name.familyName` gives
 * `name: {familyName}`), plus id and schemas, which are always returned; `excludedAttributes=`
 * drops what is named (never id or schemas). Attribute names are case-insensitive and may be
 * qualified by their schema URN.
 */
export function project(resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  if (!p.attributes && !p.excluded) return resource;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS.has(key)) {
      out[key] = value;
      continue;
    }
    const lower = key.toLowerCase();
    let shaped: unknown = value;
    if (p.attributes) {
      const sub = subtree(p.attributes, lower);
      shaped = sub === undefined ? undefined : sub === null ? value : keep(value, sub);
    }
    const excluded = p.excluded ? subtree(p.excluded, lower) : undefined;
    if (excluded === null) shaped = undefined;
    else if (excluded && shaped !== undefined) shaped = drop(shaped, excluded);
    if (shaped !== undefined) out[key] = shaped;
  }
  return out;
}

/** Does `attributes=` name this sub-attribute itself (what RFC 7643 `returned: "request"` asks for)? */
export function requestsSubAttribute(p: Projection, key: string, sub: string): boolean {
  const tree = p.attributes?.get(key.toLowerCase());
  return tree !== undefined && tree !== null && tree.has(sub.toLowerCase());
}

/** Is a top-level attribute left out entirely? */
export function isExcluded(p: Projection, key: string): boolean {
  const k = key.toLowerCase();
  return (p.attributes !== null && subtree(p.attributes, k) === undefined) || (p.excluded !== null && subtree(p.excluded, k) === null);
}

/** How one value of a multi-valued attribute is shaped (`members.value`), or null if it comes whole. */
export function shapeOfValues(p: Projection, key: string): ((value: unknown) => unknown) | null {
  const k = key.toLowerCase();
  const kept = p.attributes ? subtree(p.attributes, k) : undefined;
  const dropped = p.excluded ? subtree(p.excluded, k) : undefined;
  if (!kept && !dropped) return null;
  return (value) => {
    const v = kept ? keep(value, kept) : value;
    return dropped && v !== undefined ? drop(v, dropped) : v;
  };
}

/** A weak ETag from a row version. */
export const etagOf = (version: number) => `W/"${version}"`;

/** Does an If-Match / If-None-Match header name this version: `*`, or its ETag spelt weak or strong? */
function namesVersion(header: string, version: number): boolean {
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.some((t) => t.replace(/^W\//, '').replace(/"/g, '') === String(version));
}

export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch && !namesVersion(ifMatch, version)) throw new PreconditionFailedError('the resource has changed: If-Match does not match its ETag');
}

/** A GET with If-None-Match naming the current version: the client's copy is current (304). */
export function isNotModified(ifNoneMatch: string | undefined, version: number): boolean {
  return ifNoneMatch !== undefined && namesVersion(ifNoneMatch, version);
}
