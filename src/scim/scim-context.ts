import type { Ctx } from '../shared/context';
import type { ScimUserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { DirectoryContext } from './scim-request';

/** A directory acts in its tenant as actor `{type: 'directory', id}`. */
export function ctxOf(dir: DirectoryContext): Ctx {
  return { tenantId: dir.tenantId, actor: { type: 'directory', id: dir.id } };
}

/** A `directory.user.*` event about a SCIM user, in the change's transaction. */
export function recordUserEvent(
  events: EventsService,
  dir: DirectoryContext,
  tx: Tx,
  type: string,
  row: ScimUserRecord,
  data: Record<string, unknown>,
): void {
  events.record(ctxOf(dir), tx, { type, target: { type: 'directory_user', id: row.id }, organizationId: dir.organizationId, data: { directory_id: dir.id, ...data } });
}
