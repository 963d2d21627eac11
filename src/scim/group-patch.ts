import { ValidationError } from '../shared/errors';
import { parseFilter } from './filter/parse-filter';
import { readPatchOp } from './patch-op';
import { checkScimText } from './user-resource';

/**
 * A group PATCH as data: attribute changes and a membership delta. Membership is a set:
 * adding a present member or removing an absent one is a no-op. Only a full `replace` of
 * `members` needs the whole current set; add/remove cost what they name.
 */
export interface GroupPatch {
  displayName?: string;
  externalId?: string | null;
  /** when set, the members become exactly this set (then `add`/`remove` are already folded in) */
  replaceMembers: Set<string> | null;
  add: Set<string>;
  remove: Set<string>;
}

const ECHOED = new Set(['id', 'schemas', 'meta']);

export function parseGroupPatch(body: unknown): GroupPatch {
  const patch: GroupPatch = { replaceMembers: null, add: new Set(), remove: new Set() };
  for (const op of readPatchOp(body)) {
    if (op.path === undefined) {
      const value = op.value as Record<string, unknown>;
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('a patch without a path needs an object value', { scimType: 'invalidValue' });
      // IdPs echo read-only attributes in path-less values; they are ignored there.
      for (const [key, v] of Object.entries(value)) if (!ECHOED.has(key.toLowerCase())) applyToAttribute(patch, op.op, key, v);
      continue;
    }
    const filtered = /^members\[(.+)\]$/i.exec(op.path);
    if (filtered) {
      const ids = memberIdsOfFilter(filtered[1]!);
      if (op.op === 'remove') removeMembers(patch, ids);
      else addMembers(patch, ids);
      continue;
    }
    if (op.op === 'remove') {
      if (op.path.toLowerCase() !== 'members') applyToAttribute(patch, 'remove', op.path, undefined);
      else if (op.value === undefined || op.value === null) patch.replaceMembers = new Set();
      else removeMembers(patch, memberIds(op.value));
      continue;
    }
    applyToAttribute(patch, op.op, op.path, op.value);
  }
  return patch;
}

function applyToAttribute(patch: GroupPatch, op: string, key: string, value: unknown): void {
  switch (key.toLowerCase()) {
    case 'members':
      if (op === 'remove') removeMembers(patch, memberIds(value));
      else if (op === 'replace') patch.replaceMembers = new Set(memberIds(value));
      else addMembers(patch, memberIds(value));
      return;
    case 'displayname':
      if (op === 'remove' || typeof value !== 'string' || !value.trim()) {
        throw new ValidationError('displayName is required and must be a non-empty string', { scimType: 'invalidValue' });
      }
      checkScimText('displayName', value);
      patch.displayName = value;
      return;
    case 'externalid':
      // null is unassigned (RFC 7643 §2.5): the same as remove
      if (op !== 'remove' && value !== null && typeof value !== 'string') throw new ValidationError('externalId must be a string', { scimType: 'invalidValue' });
      if (op !== 'remove') checkScimText('externalId', value);
      patch.externalId = op === 'remove' ? null : ((value as string | null) ?? null);
      return;
    case 'schemas':
    case 'id':
    case 'meta':
      if (op === 'remove' || key.toLowerCase() !== 'schemas') throw new ValidationError(`'${key}' is read-only`, { scimType: 'mutability' });
      return;
    default:
      throw new ValidationError(`unknown attribute path '${key}'`, { scimType: 'invalidPath' });
  }
}

function addMembers(patch: GroupPatch, ids: string[]): void {
  for (const id of ids) {
    if (patch.replaceMembers) patch.replaceMembers.add(id);
    else {
      patch.add.add(id);
      patch.remove.delete(id);
    }
  }
}

function removeMembers(patch: GroupPatch, ids: string[]): void {
  for (const id of ids) {
    if (patch.replaceMembers) patch.replaceMembers.delete(id);
    else {
      patch.remove.add(id);
      patch.add.delete(id);
    }
  }
}

/** `[{value}]`, a single `{value}`, a bare id or a list of ids (IdPs send all four). */
export function memberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((m) => {
    const id = typeof m === 'string' ? m : (m as { value?: unknown } | null)?.value;
    if (typeof id !== 'string' || !id) throw new ValidationError('each member needs a string value (the user id)', { scimType: 'invalidValue' });
    return id;
  });
}

/** `value eq "id"`, or several joined by `or`. */
function memberIdsOfFilter(text: string): string[] {
  const f = parseFilter(text);
  const parts = f.op === 'or' ? f.filters : [f];
  return parts.map((p) => {
    if (p.op !== 'eq' || p.attrPath.toLowerCase() !== 'value' || typeof p.compValue !== 'string') {
      throw new ValidationError(`unsupported member filter '${text}': use value eq "id"`, { scimType: 'invalidPath' });
    }
    return p.compValue;
  });
}
