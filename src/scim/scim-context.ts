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

/**
 * `directory.user.not_linked`: the SCIM user holds no membership, because it has no email or
 * because its email belongs to an existing account whose domain the organization has not verified.
 */
export function recordNotLinked(events: EventsService, dir: DirectoryContext, tx: Tx, row: ScimUserRecord, email: string | null): void {
  recordUserEvent(events, dir, tx, 'directory.user.not_linked', row, {
    user_name: row.user_name,
    email,
    reason: email ? 'domain_not_verified' : 'no_email',
  });
}
