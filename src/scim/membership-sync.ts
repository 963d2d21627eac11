import type { Ctx } from '../shared/context';
import type { Tx } from '../db/transaction';
import type { DirectoryMembership, MembersService } from '../orgs/members.service';
import type { RolesService } from '../orgs/roles.service';
import { highestRole } from '../orgs/roles.service';
import { PARENT_ROLE } from '../orgs/workspaces.service';
import { roleForGroups, type RoleMappingConfig } from './role-mapping';
import type { ScimRepository } from './scim.repository';

/**
 * One write path for directory-managed memberships (ARCHITECTURE A4.3). For each tenant user it
 * looks at every directory of the organization that holds the user: the role is the highest
 * across directories (each from its own group mapping), the membership is active while any
 * directory has the user active, and it goes when no directory holds the user.
 * Called inside the transaction of whatever changed users, groups or mappings.
 *
 * Workspaces: a directory of a workspace also holds its users in the parent, with the parent's
 * `member` role (a weak hold: it creates and keeps a directory-managed parent membership but
 * never takes over one an administrator, invitation, JIT or auto-join made). So every change a
 * workspace's directory makes is followed by the same sync of the parent (docs/roles.md).
 */
export class MembershipSync {
  constructor(
    private readonly repo: ScimRepository,
    private readonly members: MembersService,
    private readonly roles: RolesService,
  ) {}

  async sync(ctx: Ctx, organizationId: string, userIds: Iterable<string>, tx: Tx): Promise<void> {
    const ids = [...new Set(userIds)];
    // Two transactions that change one person's groups (say, parallel PATCHes of two groups)
    // each read only their own uncommitted rows. Locking the person first makes the later one
    // wait, then read (READ COMMITTED) what the earlier one committed: the last role written
    // is computed from all of them.
    await this.repo.lockTenantUsers(ids, tx);
    const desired = await this.compute(organizationId, ids, tx);
    if (desired.size) await this.members.applyDirectoryMemberships(ctx, organizationId, desired, tx);
    const parentId = ids.length ? await this.parentOf(organizationId, tx) : null;
    if (parentId) await this.members.applyDirectoryMemberships(ctx, parentId, await this.compute(parentId, ids, tx), tx);
  }

  /** Workspaces never change parent, and organizations never become workspaces: cached per process. */
  private readonly parents = new Map<string, string | null>();
  private async parentOf(organizationId: string, tx: Tx): Promise<string | null> {
    if (!this.parents.has(organizationId)) this.parents.set(organizationId, await this.repo.parentIdOf(organizationId, tx));
    return this.parents.get(organizationId)!;
  }

  /**
   * `sync` for tenant users created in this transaction, with one read instead of three: each
   * holds only these new SCIM users of one directory, in no group yet, and no membership.
   */
  async syncCreated(ctx: Ctx, organizationId: string, directoryId: string, scimUsers: Array<{ user_id: string; active: boolean }>, tx: Tx): Promise<void> {
    if (!scimUsers.length) return;
    const { mapping, ranks } = await this.repo.directoryRoles(directoryId, tx);
    const role = roleForGroups(mapping, [], ranks);
    const desired = new Map<string, DirectoryMembership>();
    for (const u of scimUsers) {
      const active = u.active || desired.get(u.user_id)?.status === 'active';
      desired.set(u.user_id, { role, status: active ? 'active' : 'suspended' });
    }
    await this.members.applyDirectoryMemberships(ctx, organizationId, desired, tx, []);
    // New tenant users of a workspace's directory are in no directory of the parent yet: a weak hold each.
    const parentId = await this.parentOf(organizationId, tx);
    if (parentId) {
      const inParent = new Map<string, DirectoryMembership>([...desired].map(([userId, want]) => [userId, { role: PARENT_ROLE, status: want!.status, weak: true }]));
      await this.members.applyDirectoryMemberships(ctx, parentId, inParent, tx, []);
    }
  }

  /** The memberships the directories call for, optionally under a proposed mapping for one directory. */
  async compute(
    organizationId: string,
    userIds: string[],
    tx: Tx,
    proposed?: { directoryId: string; mapping: RoleMappingConfig },
  ): Promise<Map<string, DirectoryMembership>> {
    const desired = new Map<string, DirectoryMembership>(userIds.map((id) => [id, null]));
    if (!userIds.length) return desired;
    // Independent reads, sent together: the driver runs them back to back on the transaction's connection.
    const [scimUsers, ranks] = await Promise.all([this.repo.scimUsersOfOrgUsers(organizationId, userIds, tx), this.roles.ranks(organizationId, tx)]);

    const byUser = new Map<string, Array<{ role: string; active: boolean; weak: boolean }>>();
    for (const u of scimUsers) {
      const mapping = proposed?.directoryId === u.directory_id ? proposed.mapping : u.roleMapping;
      // A workspace's directory holds its users in the parent with `member`, whatever its mapping says of the workspace.
      const role = u.workspace ? PARENT_ROLE : roleForGroups(mapping, u.groups, ranks);
      byUser.set(u.user_id, [...(byUser.get(u.user_id) ?? []), { role, active: Boolean(u.active), weak: u.workspace }]);
    }
    for (const [userId, holds] of byUser) {
      const role = highestRole(holds.map((h) => ({ key: h.role, rank: ranks.get(h.role) ?? 0 })))!.key;
      const status = holds.some((h) => h.active) ? 'active' : 'suspended';
      desired.set(userId, holds.every((h) => h.weak) ? { role, status, weak: true } : { role, status });
    }
    return desired;
  }
}
