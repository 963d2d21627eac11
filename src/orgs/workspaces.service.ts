import type { Models, OrgRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { Ctx } from '../shared/context';
import { ConflictError } from '../shared/errors';
import type { MembershipHooks } from './membership-hooks';
import type { MembershipSource, MembersService } from './members.service';

/** The role a person gets in the parent when a sign-in, invitation or directory brings them into a workspace. */
export const PARENT_ROLE = 'member';

/**
 * Workspaces (issue 22, seed 002): an organization with a `parent_id`. Its members must be
 * members of the parent, and leaving the parent — by the admin API or a directory — removes the
 * person from the parent's workspaces in the same transaction. How a new workspace membership
 * meets the rule depends on who adds it (docs/roles.md, "Workspaces"): an administrator
 * (`manual`) is refused with 409 until the person is in the parent; an invitation, a SAML JIT
 * sign-in or a domain's auto_join first makes the person a member of the parent with `member`
 * and the same source, in the same transaction. SCIM directories do the same through
 * MembershipSync (they write memberships without members.add).
 */
export class WorkspacesService implements MembershipHooks {
  constructor(
    private readonly models: Pick<Models, 'Membership' | 'Organization'>,
    private readonly events: EventsService,
    private readonly members: Pick<MembersService, 'add'>,
  ) {}

  async beforeAdd(ctx: Ctx, org: OrgRecord, user: UserRecord, source: MembershipSource, tx: Tx): Promise<void> {
    if (!org.parent_id) return;
    const inParent = await this.models.Membership.count({ where: { organization_id: org.parent_id, user_id: user.id }, transaction: tx.transaction });
    if (inParent) return;
    if (source === 'manual') throw new ConflictError(`${user.email} must be a member of the parent organization before joining this workspace`);
    const parent = await this.models.Organization.findOne({ where: { id: org.parent_id, tenant_id: ctx.tenantId }, transaction: tx.transaction });
    if (!parent) throw new Error(`workspace ${org.id} has no parent ${org.parent_id}`);
    await this.members.add(ctx, parent.get({ plain: true }), { userId: user.id }, PARENT_ROLE, source, tx);
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
