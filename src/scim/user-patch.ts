import { AppError, ValidationError } from '../shared/errors';
import { resolveAttribute } from './attributes';
import { parseFilter, type Filter } from './filter/parse-filter';
import { readPatchOp, type PatchOperation } from './patch-op';
import { SCHEMA, scimmy } from './scimmy';
import { coerceUser, fixStringBooleans, type UserResource } from './user-resource';

/**
 * Applies a PatchOp to a user. IdP dialects are first rewritten into plain RFC 7644
 * (see normalize), then scimmy's PatchOp does the work on a schema-checked copy.
 * Null when the operations change nothing (scimmy's apply then answers undefined): removing a
 * value that is not there, adding one that already is — IdPs resend such PATCHes routinely.
 */
export async function applyUserPatch(current: UserResource, body: unknown): Promise<UserResource | null> {
  const operations = readPatchOp(body).flatMap((op) => wholeExtension(op, current) ?? [normalize(op, current)]);
  const S = scimmy();
  const schemas = [SCHEMA.user, ...(current[SCHEMA.enterprise] || mentionsEnterprise(operations) ? [SCHEMA.enterprise] : [])];
  const instance = new S.Schemas.User({ ...current, schemas }, 'in');
  try {
    const patched = await new S.Messages.PatchOp({ schemas: [SCHEMA.patchOp], Operations: operations as never }).apply(instance, async (r) => r);
    if (patched === undefined) return null;
    return coerceUser(JSON.parse(JSON.stringify(patched)));
  } catch (err) {
    const e = err as { status?: number; scimType?: string; message?: string };
    if (e.status === 400) throw new ValidationError(e.message ?? 'invalid patch', { scimType: (e.scimType as never) ?? 'invalidValue' });
    throw err;
  }
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
  const add = normalize({ op: 'add', value: { [SCHEMA.enterprise]: op.value } }, current);
  return op.op === 'replace' ? [...removeAll, add] : [add];
}

function mentionsEnterprise(ops: PatchOperation[]): boolean {
  return ops.some((o) => (o.path ?? '').toLowerCase().startsWith(SCHEMA.enterprise.toLowerCase()) || JSON.stringify(o.value ?? '').includes(SCHEMA.enterprise));
}

/** Rewrites the dialects real IdPs send into operations scimmy accepts. */
export function normalize(op: PatchOperation, current: UserResource): PatchOperation {
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
    return { ...op, value };
  }

  const path = op.path;
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

  // add/replace on `emails[type eq "work"].value` when there is no work email: create it.
  if (bracket && op.op !== 'remove' && bracket[3]) {
    const eqs = simpleEqualities(bracket[2]!);
    const list = (current[resolved.attr.path[0]!] as Array<Record<string, unknown>> | undefined) ?? [];
    if (eqs && !list.some((item) => Object.entries(eqs).every(([k, v]) => String(item[k] ?? '').toLowerCase() === String(v).toLowerCase()))) {
      return { op: 'add', path: resolved.attr.path[0], value: [{ ...eqs, [bracket[3]]: value }] };
    }
  }
  return { ...op, value };
}

/** `type eq "work"` or `type eq "work" and primary eq true` → {type: 'work', primary: true}; anything else → null. */
function simpleEqualities(text: string): Record<string, unknown> | null {
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
    out[p.attrPath] = p.compValue;
  }
  return out;
}

function readOnly(path: string): AppError {
  return new ValidationError(`'${path}' is read-only`, { scimType: 'mutability' });
}
