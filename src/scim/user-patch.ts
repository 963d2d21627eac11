import { AppError, ValidationError } from '../shared/errors';
import { resolveAttribute } from './attributes';
import { parseFilter, type Filter } from './filter/parse-filter';
import { readPatchOp, type PatchOperation } from './patch-op';
import { SCHEMA, scimmy } from './scimmy';
import { coerceUser, fixStringBooleans, isPrimary, primaries, type UserResource } from './user-resource';

/**
 * Applies a PatchOp to a user. IdP dialects are first rewritten into plain RFC 7644
 * (see normalize), then scimmy's PatchOp does the work on a schema-checked copy.
 * Null when the operations change nothing (scimmy's apply then answers undefined): removing a
 * value that is not there, adding one that already is — IdPs resend such PATCHes routinely.
 */
export async function applyUserPatch(current: UserResource, body: unknown): Promise<UserResource | null> {
  const operations = readPatchOp(body)
    .filter((op) => !(op.op === 'remove' && op.path?.toLowerCase() === 'password')) // never stored: nothing to remove
    .flatMap((op) => wholeExtension(op, current) ?? [normalize(op, current)])
    .filter((op): op is PatchOperation => op !== null);
  if (!operations.length) return current;
  const S = scimmy();
  const schemas = [SCHEMA.user, ...(current[SCHEMA.enterprise] || mentionsEnterprise(operations) ? [SCHEMA.enterprise] : [])];
  const instance = new S.Schemas.User({ ...current, schemas }, 'in');
  try {
    const patched = await new S.Messages.PatchOp({ schemas: [SCHEMA.patchOp], Operations: operations as never }).apply(instance, async (r) => r);
    if (patched === undefined) return null;
    return coerceUser(onePrimary(current, JSON.parse(JSON.stringify(patched)) as Record<string, unknown>));
  } catch (err) {
    const e = err as { status?: number; scimType?: string; message?: string };
    if (e.status === 400) throw new ValidationError(e.message ?? 'invalid patch', { scimType: (e.scimType as never) ?? 'invalidValue' });
    throw err;
  }
}

/**
 * RFC 7644 §3.5.2: a PATCH that makes a value primary clears `primary` on the attribute's other
 * values. The values primary now that were not before win (the last one named); a resource
 * stored with two primaries keeps its first.
 */
function onePrimary(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  for (const [key, list] of Object.entries(after)) {
    if (!Array.isArray(list) || primaries(list) < 2) continue;
    const was = new Set(((before[key] as unknown[] | undefined) ?? []).filter(isPrimary).map((item) => JSON.stringify(item)));
    const fresh = list.filter((item) => isPrimary(item) && !was.has(JSON.stringify(item)));
    const winner = fresh.at(-1) ?? list.find(isPrimary);
    after[key] = list.map((item) => (isPrimary(item) && item !== winner ? { ...(item as object), primary: false } : item));
  }
  return after;
}

let enterpriseAttributes: string[] | undefined;

/**
 * `path` naming the Enterprise extension itself: `add` merges the value (an extension object)
 * into it, `replace` replaces it whole, `remove` removes it (and its URN leaves `schemas`).
 * Written as operations on its attributes, which scimmy applies in order with the others.
 */
function wholeExtension(op: PatchOperation, current: UserResource): PatchOperation[] | null {
  if (op.path?.toLowerCase() !== SCHEMA.enterprise.toLowerCase()) return null;
  // scimmy's definition also lists the common attributes (schemas, id, externalId, meta)
  enterpriseAttributes ??= (scimmy().Schemas.EnterpriseUser.definition as unknown as { attributes: Array<{ name: string }> }).attributes
    .map((a) => a.name)
    .filter((name) => !['schemas', 'id', 'externalId', 'meta'].includes(name));
  const removeAll = enterpriseAttributes.map((name): PatchOperation => ({ op: 'remove', path: `${SCHEMA.enterprise}:${name}` }));
  if (op.op === 'remove') return removeAll;
  if (!op.value || typeof op.value !== 'object' || Array.isArray(op.value)) {
    throw new ValidationError(`'${op.path}' takes an Enterprise User object as its value`, { scimType: 'invalidValue' });
  }
  // normalize's path-less branch drops the extension object's own `schemas`
  const add = normalize({ op: 'add', value: { [SCHEMA.enterprise]: op.value } }, current)!; // path-less: never skipped
  return op.op === 'replace' ? [...removeAll, add] : [add];
}

function mentionsEnterprise(ops: PatchOperation[]): boolean {
  return ops.some((o) => (o.path ?? '').toLowerCase().startsWith(SCHEMA.enterprise.toLowerCase()) || JSON.stringify(o.value ?? '').includes(SCHEMA.enterprise));
}

/** Rewrites the dialects real IdPs send into operations scimmy accepts; null when the operation changes nothing. */
export function normalize(op: PatchOperation, current: UserResource): PatchOperation | null {
  if (op.path === undefined) {
    const value = fixStringBooleans(op.value) as Record<string, unknown>;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError('a patch without a path needs an object value', { scimType: 'invalidValue' });
    }
    for (const key of Object.keys(value)) {
      // IdPs echo read-only attributes in path-less values; they are ignored there.
      if (['id', 'meta', 'groups', 'schemas'].includes(key.toLowerCase())) delete value[key];
      if (key.toLowerCase() === `${SCHEMA.enterprise}:manager`.toLowerCase() && typeof value[key] === 'string') value[key] = { value: value[key] };
    }
    const ext = value[SCHEMA.enterprise] as Record<string, unknown> | undefined;
    if (ext && typeof ext.manager === 'string') ext.manager = { value: ext.manager };
    // scim2-models and others send the extension object with its own `schemas` (RFC 7643 §3.3 has none there): not an attribute.
    if (ext && typeof ext === 'object') for (const key of Object.keys(ext)) if (key.toLowerCase() === 'schemas') delete ext[key];
    return { ...op, value };
  }

  const path = op.path;
  // orgbridge's link extension is computed by the server: every attribute of it is readOnly (RFC 7644 §3.5.2).
  if (path.toLowerCase().startsWith(SCHEMA.link.toLowerCase())) throw readOnly(path);
  const bracket = /^([^[\]]+)\[(.+)\](?:\.([A-Za-z][\w-]*))?$/.exec(path);
  const attrPath = bracket ? bracket[1]! : path;
  const resolved = resolveAttribute('User', attrPath);
  if (!resolved) throw new ValidationError(`unknown attribute path '${path}'`, { scimType: 'invalidPath' });
  const top = resolved.attr.path[resolved.attr.path.length - 1]!;
  if (['id', 'meta', 'groups'].includes(top) && resolved.attr.path.length === 1) throw readOnly(path);

  const lastKey = bracket?.[3] ?? resolved.sub?.path.at(-1) ?? top;
  let value = fixStringBooleans(op.value, lastKey);
  if (top === 'manager' && typeof value === 'string' && !resolved.sub) value = { value };
  if (!bracket && resolved.attr.multiValued && !resolved.sub && op.op !== 'remove' && value !== undefined && !Array.isArray(value)) {
    value = [value];
  }
  const multi = !bracket && resolved.attr.multiValued && !resolved.sub && Array.isArray(value);
  if (multi && op.op === 'add') {
    // RFC 7644 §3.5.2.1: a value the attribute already holds is not added again.
    // Each value's canonical form once: what is there already, then what this operation already took.
    const seen = new Set(((current[resolved.attr.path[0]!] as unknown[] | undefined) ?? []).map(canonicalJson));
    value = (value as unknown[]).filter((v) => {
      const key = canonicalJson(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!(value as unknown[]).length) return null;
  }
  // `replace` with an empty list empties the attribute (RFC 7643 §2.5: empty and unassigned are one state).
  if (multi && op.op === 'replace' && !(value as unknown[]).length) return { op: 'remove', path: resolved.attr.path[0] };

  // add/replace on `emails[type eq "work"].value` when there is no work email: create it.
  if (bracket && op.op !== 'remove' && bracket[3]) {
    const eqs = simpleEqualities(bracket[2]!, resolved.attr.path[0]!);
    const list = (current[resolved.attr.path[0]!] as Array<Record<string, unknown>> | undefined) ?? [];
    if (eqs && !list.some((item) => Object.entries(eqs).every(([k, v]) => String(item[k] ?? '').toLowerCase() === String(v).toLowerCase()))) {
      return { op: 'add', path: resolved.attr.path[0], value: [{ ...eqs, [subName(resolved.attr.path[0]!, bracket[3])]: value }] };
    }
  }
  // scimmy matches names as the schema spells them; RFC 7643 §2.1 makes them case-insensitive.
  const canonical = spelled(resolved.sub && !resolved.attr.multiValued ? resolved.sub.path : resolved.sub ? [...resolved.attr.path, ...resolved.sub.path] : resolved.attr.path);
  const canonicalPath = bracket ? `${canonical}[${spelledFilter(bracket[2]!, resolved.attr.path[0]!)}]${bracket[3] ? `.${subName(resolved.attr.path[0]!, bracket[3])}` : ''}` : canonical;
  return { ...op, path: canonicalPath, value };
}

/** ['name', 'givenName'] → `name.givenName`; [URN, 'manager', 'value'] → `URN:manager.value`. */
function spelled(path: string[]): string {
  return path[0]!.startsWith('urn:') ? `${path[0]}:${path.slice(1).join('.')}` : path.join('.');
}

/** A value filter with its attribute names spelt as the schema spells them (quoted values untouched). */
function spelledFilter(text: string, attribute: string): string {
  return text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 ? part : part.replace(/(^|[\s(])([A-Za-z][\w$-]*)(?=\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b)/gi, (_, before: string, name: string) => `${before}${subName(attribute, name)}`)))
    .join('');
}

/** A sub-attribute's name as the schema spells it (attribute names are case-insensitive, RFC 7643 §2.1). */
function subName(attribute: string, name: string): string {
  return resolveAttribute('User', `${attribute}.${name}`)?.sub?.path.at(-1) ?? name;
}

/** JSON with keys in order, to compare values whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `type eq "work"` or `type eq "work" and primary eq true` → {type: 'work', primary: true}; anything else → null. */
function simpleEqualities(text: string, attribute: string): Record<string, unknown> | null {
  let f: Filter;
  try {
    f = parseFilter(text);
  } catch {
    return null;
  }
  const parts = f.op === 'and' ? f.filters : [f];
  const out: Record<string, unknown> = {};
  for (const p of parts) {
    if (p.op !== 'eq' || !('compValue' in p)) return null;
    out[subName(attribute, p.attrPath)] = p.compValue;
  }
  return out;
}

function readOnly(path: string): AppError {
  return new ValidationError(`'${path}' is read-only`, { scimType: 'mutability' });
}
