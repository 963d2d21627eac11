import type { OrgRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { Ctx } from '../shared/context';
import type { MembershipSource } from './members.service';

/**
 * Rules other features add to memberships (issue 22), without MembersService knowing them:
 * `beforeAdd` may refuse a new membership (throw) or add what it needs first (in the same
 * transaction), `afterRemove` runs in the removal's transaction.
 */
export interface MembershipHooks {
  beforeAdd?(ctx: Ctx, org: OrgRecord, user: UserRecord, source: MembershipSource, tx: Tx): Promise<void>;
  afterRemove?(ctx: Ctx, organizationId: string, userId: string, tx: Tx): Promise<void>;
}
