import { ConflictError } from '../shared/errors';
import type { Tx } from '../db/transaction';
import type { MembershipRecord, MembersRepository } from './members.repository';
import type { OrgsRepository } from './orgs.repository';

/**
 * The last-owner rule: an organization that has an active owner keeps at least one.
 * Callers hold the organization's row lock (OrgsService.lock), so two concurrent demotions
 * cannot both see "another owner is left".
 */
export class OwnerGuard {
  constructor(
    private readonly members: MembersRepository,
    private readonly orgs: OrgsRepository,
  ) {}

  /** Would taking `membership` out of the active owners leave its organization without one? */
  async assertNotLastOwner(membership: MembershipRecord, tx: Tx): Promise<void> {
    if (membership.status !== 'active') return;
    if (membership.role_key !== 'owner' && !(await this.members.holdsRole(membership.id, 'owner', tx))) return;
    if ((await this.members.countActiveOwners(membership.organization_id, tx)) <= 1) {
      throw new ConflictError('this is the last active owner of the organization; make another member owner first');
    }
  }

  /** Before a tenant user is deleted: it must not be any organization's last active owner. */
  async assertUserLeavable(tenantId: string, userId: string, tx: Tx): Promise<void> {
    for (const orgId of await this.members.orgsOwnedBy(userId, tx)) {
      const org = await this.orgs.findByKey(tenantId, orgId, tx, true);
      if (org && (await this.members.countActiveOwners(orgId, tx)) <= 1) {
        throw new ConflictError(`the user is the last active owner of organization '${org.slug}'; make another member owner first`);
      }
    }
  }
}
