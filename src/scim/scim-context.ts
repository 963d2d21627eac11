import type { Ctx } from '../shared/context';
import type { DirectoryContext } from './scim-request';

/** A directory acts in its tenant as actor `{type: 'directory', id}`. */
export function ctxOf(dir: DirectoryContext): Ctx {
  return { tenantId: dir.tenantId, actor: { type: 'directory', id: dir.id } };
}
