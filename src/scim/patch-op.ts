import { ValidationError } from '../shared/errors';
import { SCHEMA } from './scimmy';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export const MAX_OPERATIONS = 1000;

/** Validates a PatchOp body: `op` in any letter case, a path when given must be a string. */
export function readPatchOp(body: unknown): PatchOperation[] {
  const b = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('request body must be a PatchOp message', { scimType: 'invalidSyntax' });
  if (b.schemas !== undefined && !(Array.isArray(b.schemas) && b.schemas.includes(SCHEMA.patchOp))) {
    throw new ValidationError(`schemas must contain ${SCHEMA.patchOp}`, { scimType: 'invalidSyntax' });
  }
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw new ValidationError('Operations must be a non-empty array', { scimType: 'invalidSyntax' });
  if (ops.length > MAX_OPERATIONS) throw new ValidationError(`at most ${MAX_OPERATIONS} operations`, { scimType: 'invalidSyntax' });
  return ops.map((raw, i) => {
    const o = raw as { op?: unknown; path?: unknown; value?: unknown };
    const op = typeof o?.op === 'string' ? o.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace') {
      throw new ValidationError(`operation ${i + 1}: op must be add, remove or replace`, { scimType: 'invalidSyntax' });
    }
    if (o.path !== undefined && (typeof o.path !== 'string' || !o.path.trim())) {
      throw new ValidationError(`operation ${i + 1}: path must be a non-empty string`, { scimType: 'invalidPath' });
    }
    // `add` on `members[value eq "id"]` names its target in the filter and may come without a value.
    const filtered = typeof o.path === 'string' && o.path.includes('[');
    if (op !== 'remove' && o.value === undefined && !filtered) {
      throw new ValidationError(`operation ${i + 1}: ${op} needs a value`, { scimType: 'invalidValue' });
    }
    if (op === 'remove' && o.path === undefined) throw new ValidationError(`operation ${i + 1}: remove needs a path`, { scimType: 'noTarget' });
    return { op, path: typeof o.path === 'string' ? o.path.trim() : undefined, value: o.value } as PatchOperation;
  });
}
