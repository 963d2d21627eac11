import type { Filter } from 'scim2-parse-filter';
import { resolveAttribute, type AttributeInfo, type ScimResourceType } from '../attributes';
import { invalid } from './parse-filter';

/**
 * Translates a parsed SCIM filter to a SQL condition on the resource table aliased `r`.
 * Attributes the contract names (id, userName, externalId, emails.value, active, displayName,
 * members.value, meta.lastModified, …) map to indexed columns; multi-valued ones become
 * uncorrelated `r.id IN (SELECT …)` so the side table's index answers them; any other
 * single-valued attribute is read from the stored JSON. Nothing is filtered in memory.
 */
export interface Sql {
  sql: string;
  params: unknown[];
  /**
   * A top-level conjunct is `r.id IN (SELECT … )` over a side table's index: the ids come from
   * there, and the directory condition on `r` is redundant (see ScimRepository.page).
   */
  idsFromSubquery?: boolean;
  /**
   * A top-level conjunct is `eq` on `id`, `userName` or `externalId`: an IdP's lookup, answered
   * from that column's `(directory_id, column)` index, whose entries for one value are in id order.
   */
  lookup?: boolean;
  /**
   * The whole filter is one condition on a user's emails with `eq` on the value (an IdP's "who
   * has this email?"): this is that condition on the email table `t`, whose index yields the
   * matches in user id order (see ScimRepository#emailLookupPage).
   */
  emailLookup?: { sql: string; params: unknown[] };
}

export type Dialect = 'sqlite' | 'mysql';

type Kind = 'string' | 'boolean' | 'dateTime';
interface Column {
  sql: string;
  kind: Kind;
  /** compared lower-cased (the column holds a lower-cased copy) */
  ci: boolean;
}
interface MultiTable {
  /** `SELECT <key> FROM <from> WHERE <scope> …` */
  key: string;
  from: string;
  scope: string;
  columns: Record<string, Column>;
  /** sub-attribute compared when none is named (`emails eq "x"`) */
  defaultSub: string;
}

const str = (sql: string, ci = false): Column => ({ sql, kind: 'string', ci });
const META: Record<string, Column> = {
  'meta.created': { sql: 'r.created_at', kind: 'dateTime', ci: false },
  'meta.lastModified': { sql: 'r.updated_at', kind: 'dateTime', ci: false },
};

const COLUMNS: Record<ScimResourceType, Record<string, Column>> = {
  User: {
    id: str('r.id'),
    userName: str('r.user_name_lower', true),
    externalId: str('r.external_id'),
    displayName: str('r.display_name_lower', true),
    active: { sql: 'r.active', kind: 'boolean', ci: false },
    ...META,
    'meta.resourceType': str("'user'", true),
  },
  Group: { id: str('r.id'), displayName: str('r.display_name_lower', true), externalId: str('r.external_id'), ...META, 'meta.resourceType': str("'group'", true) },
};

const MULTI: Record<ScimResourceType, Record<string, MultiTable>> = {
  User: {
    emails: {
      key: 't.scim_user_id',
      from: 'scim_user_emails t',
      scope: 't.directory_id = ?',
      columns: { value: str('t.value_lower', true), type: str('t.type', true), primary: { sql: 't.`primary`', kind: 'boolean', ci: false } }, // PRIMARY is reserved: backticks quote it on MySQL and SQLite alike
      defaultSub: 'value',
    },
    groups: {
      key: 't.scim_user_id',
      from: 'scim_group_members t',
      scope: 't.directory_id = ?',
      columns: { value: str('t.group_id') },
      defaultSub: 'value',
    },
  },
  Group: {
    members: {
      key: 't.group_id',
      from: 'scim_group_members t',
      scope: 't.directory_id = ?',
      columns: { value: str('t.scim_user_id') },
      defaultSub: 'value',
    },
  },
};

export interface FilterContext {
  resource: ScimResourceType;
  directoryId: string;
  dialect: Dialect;
}

export function filterToSql(filter: Filter, ctx: FilterContext): Sql {
  const conjuncts = filter.op === 'and' ? filter.filters : [filter];
  const idsFromSubquery = conjuncts.some((f) => f.op === '[]' || ('attrPath' in f && isMultiValued(f.attrPath, ctx.resource)));
  const lookup = conjuncts.some((f) => f.op === 'eq' && LOOKUP_KEYS[ctx.resource].includes(resolveAttribute(ctx.resource, f.attrPath)?.attr.path.join('.') ?? ''));
  const sql = node(filter, ctx, false);
  return { sql: sql.sql, params: sql.params, idsFromSubquery, lookup, emailLookup: isEmailLookup(filter, ctx.resource) ? sql.side : undefined };
}

/** `emails eq x`, `emails.value eq x`, `emails[… and value eq x]` (also `emails[type eq "work"].value eq x`). */
function isEmailLookup(f: Filter, resource: ScimResourceType): boolean {
  if (resource !== 'User' || !('attrPath' in f)) return false;
  const resolved = resolveAttribute(resource, f.attrPath);
  if (resolved?.attr.path[0] !== 'emails') return false;
  if (f.op === '[]') {
    const inner = f.valFilter.op === 'and' ? f.valFilter.filters : [f.valFilter];
    return inner.some((c) => c.op === 'eq' && c.attrPath.toLowerCase() === 'value');
  }
  return f.op === 'eq' && (!resolved.sub || resolved.sub.path[resolved.sub.path.length - 1] === 'value');
}

// Users only: a page of groups is read by another path (ScimRepository#page).
const LOOKUP_KEYS: Record<ScimResourceType, string[]> = { User: ['id', 'userName', 'externalId'], Group: [] };

function isMultiValued(attrPath: string, resource: ScimResourceType): boolean {
  const resolved = resolveAttribute(resource, attrPath);
  return !!resolved && MULTI[resource][resolved.attr.path[0]!] !== undefined;
}

/** A condition; a multi-valued attribute's also carries its condition on the side table alone. */
type Node = Sql & { side?: Sql };

function node(f: Filter, ctx: FilterContext, negated: boolean): Node {
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = f.filters.map((x) => node(x, ctx, negated));
      return { sql: `(${parts.map((p) => p.sql).join(` ${f.op.toUpperCase()} `)})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = node(f.filter, ctx, !negated);
      return { sql: `NOT ${inner.sql}`, params: inner.params };
    }
    case '[]':
      return valuePath(f.attrPath, f.valFilter, ctx);
    default:
      return attributeComparison(f.attrPath, f.op, 'compValue' in f ? f.compValue : undefined, ctx, negated);
  }
}

function attributeComparison(attrPath: string, op: string, value: unknown, ctx: FilterContext, negated: boolean): Node {
  const resolved = resolveAttribute(ctx.resource, attrPath);
  if (!resolved) throw invalid(`unknown attribute '${attrPath}'`);
  const canonical = resolved.attr.path.join('.');
  const multi = MULTI[ctx.resource][resolved.attr.path[0]!];
  if (multi) {
    const sub = resolved.sub ? resolved.sub.path[resolved.sub.path.length - 1]! : multi.defaultSub;
    if (op === 'pr' && !resolved.sub) return inSubquery(multi, { sql: '1 = 1', params: [] }, ctx);
    return inSubquery(multi, compare(multiColumn(multi, sub, attrPath), op, value, false, ctx.dialect), ctx);
  }
  if (resolved.attr.multiValued || resolved.sub) throw invalid(`filtering on '${attrPath}' is not supported`);
  // RFC 7644 §3.4.2.2: `pr` on a complex attribute matches "a non-empty node" (name, manager).
  if (op.toLowerCase() === 'pr' && resolved.attr.type === 'complex') return complexPresent(resolved.attr, ctx.dialect);
  // meta.location and meta.version are computed when a resource is written out, not stored as such.
  if (canonical === 'meta.location' || canonical === 'meta.version') throw invalid(`filtering on '${attrPath}' is not supported`);
  const column = COLUMNS[ctx.resource][canonical] ?? jsonColumn(resolved.attr, ctx.dialect);
  return compare(column, op, value, negated, ctx.dialect);
}

function valuePath(attrPath: string, inner: Filter, ctx: FilterContext): Node {
  const resolved = resolveAttribute(ctx.resource, attrPath);
  const multi = resolved && !resolved.sub ? MULTI[ctx.resource][resolved.attr.path[0]!] : undefined;
  if (!multi) throw invalid(`'${attrPath}[…]' is not a filterable multi-valued attribute`);
  return inSubquery(multi, subFilter(inner, multi, attrPath, ctx.dialect), ctx);
}

/** A filter inside `attr[…]`, over the side table's columns. */
function subFilter(f: Filter, multi: MultiTable, parent: string, dialect: Dialect): Sql {
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = f.filters.map((x) => subFilter(x, multi, parent, dialect));
      return { sql: `(${parts.map((p) => p.sql).join(` ${f.op.toUpperCase()} `)})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = subFilter(f.filter, multi, parent, dialect);
      return { sql: `NOT ${inner.sql}`, params: inner.params };
    }
    case '[]':
      throw invalid('value paths cannot be nested');
    default:
      return compare(multiColumn(multi, f.attrPath, `${parent}.${f.attrPath}`), f.op, 'compValue' in f ? f.compValue : undefined, true, dialect);
  }
}

function multiColumn(multi: MultiTable, sub: string, shownAs: string): Column {
  const column = Object.entries(multi.columns).find(([k]) => k.toLowerCase() === sub.toLowerCase())?.[1];
  if (!column) throw invalid(`filtering on '${shownAs}' is not supported`);
  return column;
}

function inSubquery(multi: MultiTable, condition: Sql, ctx: FilterContext): Node {
  const side = { sql: `${multi.scope} AND ${condition.sql}`, params: [ctx.directoryId, ...condition.params] };
  return { sql: `r.id IN (SELECT ${multi.key} FROM ${multi.from} WHERE ${side.sql})`, params: side.params, side };
}

function complexPresent(attr: AttributeInfo, dialect: Dialect): Sql {
  const path = `$.${attr.path.map((p) => `"${p}"`).join('.')}`;
  return { sql: dialect === 'sqlite' ? `COALESCE(json_extract(r.resource, '${path}'), '{}') <> '{}'` : `COALESCE(JSON_LENGTH(r.resource, '${path}'), 0) > 0`, params: [] };
}

/** A single-valued attribute read from the stored resource JSON. */
export function jsonColumn(attr: AttributeInfo, dialect: Dialect): Column {
  if (attr.type === 'complex') throw invalid(`'${attr.path.join('.')}' is complex: name one of its sub-attributes`);
  const path = `$.${attr.path.map((p) => `"${p}"`).join('.')}`;
  const raw = dialect === 'sqlite' ? `json_extract(r.resource, '${path}')` : `JSON_UNQUOTE(JSON_EXTRACT(r.resource, '${path}'))`;
  const kind: Kind = attr.type === 'boolean' ? 'boolean' : attr.type === 'dateTime' ? 'dateTime' : 'string';
  if (kind === 'boolean') {
    // SQLite gives JSON booleans as 1/0, MySQL/MariaDB as 'true'/'false' once unquoted.
    return { sql: dialect === 'sqlite' ? raw : `(${raw} = 'true')`, kind, ci: false };
  }
  // Compared with the JS-lowered value (see comparable): SQLite's lower() folds ASCII only, so
  // SQLite calls JS's own (registered by db/sqlite-driver.ts); MySQL/MariaDB's LOWER() folds Unicode.
  const lower = dialect === 'sqlite' ? 'unicode_lower' : 'LOWER';
  return { sql: attr.caseExact || kind !== 'string' ? raw : `${lower}(${raw})`, kind, ci: !attr.caseExact && kind === 'string' };
}

function compare(column: Column, rawOp: string, rawValue: unknown, nullSafe: boolean, dialect: Dialect): Sql {
  const op = rawOp.toLowerCase();
  // LENGTH counts characters in SQLite but bytes in MySQL, where CHAR_LENGTH counts characters.
  const length = dialect === 'mysql' ? 'CHAR_LENGTH' : 'LENGTH';
  const c = column.sql;
  if (op === 'pr') return { sql: column.kind === 'string' ? `(${c} IS NOT NULL AND ${c} <> '')` : `(${c} IS NOT NULL)`, params: [] };
  const value = comparable(column, op, rawValue);
  if (value === null) {
    if (op === 'eq') return { sql: `(${c} IS NULL)`, params: [] };
    if (op === 'ne') return { sql: `(${c} IS NOT NULL)`, params: [] };
    throw invalid(`'${op}' cannot compare with null`);
  }
  const guard = (sql: string): string => (nullSafe ? `(${c} IS NOT NULL AND ${sql})` : `(${sql})`);
  switch (op) {
    case 'eq':
      return { sql: guard(`${c} = ?`), params: [value] };
    case 'ne':
      return { sql: `(${c} IS NULL OR ${c} <> ?)`, params: [value] };
    case 'co':
      return { sql: guard(`INSTR(${c}, ?) > 0`), params: [value] };
    case 'sw':
      return { sql: guard(`SUBSTR(${c}, 1, ${length}(?)) = ?`), params: [value, value] };
    case 'ew':
      return { sql: guard(`SUBSTR(${c}, -${length}(?)) = ?`), params: [value, value] };
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { sql: guard(`${c} ${{ gt: '>', ge: '>=', lt: '<', le: '<=' }[op]} ?`), params: [value] };
    default:
      throw invalid(`unknown operator '${rawOp}'`);
  }
}

function comparable(column: Column, op: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'boolean') {
    if (op !== 'eq' && op !== 'ne') throw invalid(`'${op}' does not apply to a boolean`);
    const b = typeof value === 'string' ? ({ true: true, false: false } as Record<string, boolean>)[value.toLowerCase()] : value;
    if (typeof b !== 'boolean') throw invalid('a boolean attribute compares with true or false');
    return b;
  }
  if (column.kind === 'dateTime') {
    if (['co', 'sw', 'ew'].includes(op)) throw invalid(`'${op}' does not apply to a dateTime`);
    const d = new Date(String(value));
    if (typeof value !== 'string' || Number.isNaN(d.getTime())) throw invalid('a dateTime attribute compares with an RFC 3339 date');
    return d;
  }
  if (typeof value === 'object') throw invalid('comparison value must be a string, number or boolean');
  const s = String(value);
  return column.ci ? s.toLowerCase() : s;
}
