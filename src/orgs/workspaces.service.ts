import type { Models, OrgRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { Ctx } from '../shared/context';
import { ConflictError } from '../shared/errors';
import type { MembershipHooks } from './membership-hooks';

/**
 * Workspaces (issue 22, seed 002): an organization with a `parent_id`. Its members must be
 * members of the parent (409 otherwise), and leaving the parent — by the admin API or a
 * directory — removes the person from the parent's workspaces in the same transaction.
 */
export class WorkspacesService implements MembershipHooks {
  constructor(
    private readonly models: Pick<Models, 'Membership' | 'Organization'>,
    private readonly events: EventsService,
  ) {}

  async beforeAdd(_tenantId: string, org: OrgRecord, user: UserRecord, _source: string, tx: Tx): Promise<void> {
    if (!org.parent_id) return;
    const inParent = await this.models.Membership.count({ where: { organization_id: org.parent_id, user_id: user.id }, transaction: tx.transaction });
    if (!inParent) throw new ConflictError(`${user.email} must be a member of the parent organization before joining this workspace`);
  }

  async afterRemove(ctx: Ctx, organizationId: string, userId: string, tx: Tx): Promise<void> {
    const workspaces = await this.models.Organization.findAll({ where: { parent_id: organizationId }, attributes: ['id'], transaction: tx.transaction });
    if (!workspaces.length) return;
    const memberships = await this.models.Membership.findAll({
      where: { organization_id: workspaces.map((w) => w.id), user_id: userId },
      transaction: tx.transaction,
    });
    for (const m of memberships) {
      await this.models.Membership.destroy({ where: { id: m.id }, transaction: tx.transaction });
      this.events.record(ctx, tx, {
        type: 'membership.deleted',
        target: { type: 'user', id: userId },
        organizationId: m.organization_id,
        data: { membership_id: m.id, role: m.role_key, reason: 'left_parent_organization' },
      });
    }
  }
}
