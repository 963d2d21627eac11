import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { UsersService } from '../users/users.service';
import type { MembershipKey, MembershipRecord, MembershipWithRoles, MembersRepository, MemberView } from './members.repository';
import type { OrgRecord } from './orgs.repository';
import type { OrgsService } from './orgs.service';
import type { OwnerGuard } from './owner-guard';
import type { RolesService } from './roles.service';
import type { MembershipHooks } from './membership-hooks';

export type MembershipSource = MembershipRecord['source'];

/**
 * What the directories holding a user decide about its membership; null: no directory holds it.
 * `weak`: only a workspace's directory holds the user (in this, its parent): the membership is
 * created if missing and kept while held, but one the directories do not manage is left alone.
 */
export type DirectoryMembership = { role: string; status: 'active' | 'suspended'; weak?: boolean } | null;

export class MembersService {
  constructor(
    private readonly db: Database,
    private readonly repo: MembersRepository,
    private readonly orgs: OrgsService,
    private readonly roles: RolesService,
    private readonly users: UsersService,
    private readonly owners: OwnerGuard,
    private readonly events: EventsService,
  ) {}

  // --- Issue 22: admission rules (domain policy, workspaces) and removal effects (workspaces), set by the container.
  private hooks: MembershipHooks[] = [];
  useHooks(hooks: MembershipHooks): void {
    this.hooks.push(hooks);
  }
  private async afterRemove(ctx: Ctx, organizationId: string, userId: string, tx: Tx): Promise<void> {
    for (const h of this.hooks) await h.afterRemove?.(ctx, organizationId, userId, tx);
  }

  async list(org: OrgRecord, page: PageRequest): Promise<Page<MemberView>> {
    const rows = await this.repo.listWithUsers(org.id, page.limit + 1, page.after);
    return toPage(rows, page.limit, (m) => m.id, (m) => m);
  }

  /** Members whose email or name starts with `term` (case-insensitive): email matches first, then name matches. */
  async search(org: OrgRecord, term: string, page: PageRequest): Promise<Page<MemberView>> {
    const rows = await this.repo.searchWithUsers(org.id, org.tenant_id, term, page.limit + 1, page.after);
    return toPage(rows, page.limit, (m) => m.search_cursor, ({ search_cursor: _, ...m }) => m);
  }

  findMany(organizationId: string, userIds: string[], tx: Tx): Promise<MembershipKey[]> {
    return this.repo.findMany(organizationId, userIds, tx);
  }

  find(organizationId: string, userId: string, tx?: Tx): Promise<MembershipRecord | null> {
    return this.repo.find(organizationId, userId, tx);
  }

  /** The roles one membership holds, highest first. */
  async rolesOfMembership(membership: MembershipRecord, tx?: Tx): Promise<string[]> {
    return (await this.repo.rolesOf([membership.id], tx)).get(membership.id) ?? [membership.role_key];
  }

  listForUser(userId: string): Promise<MembershipWithRoles[]> {
    return this.repo.listForUser(userId);
  }

  /**
   * Adds an existing tenant user holding `roleKeys` (one or more; the highest becomes `role`).
   * 404 when the user is unknown, 409 when already a member, 400 for an unknown role.
   */
  async add(
    ctx: Ctx,
    org: OrgRecord,
    who: { userId?: string; email?: string },
    roleKeys: string | string[],
    source: MembershipSource = 'manual',
    tx?: Tx,
  ): Promise<MemberView> {
    return this.db.run(tx, async (t) => {
      const user = who.userId
        ? await this.users.get(ctx.tenantId, who.userId, t)
        : await this.users.findByEmail(ctx.tenantId, who.email!, t);
      if (!user) throw new NotFoundError('user', who.email);
      for (const h of this.hooks) await h.beforeAdd?.(ctx, org, user, source, t);
      const roles = await this.requireRoles(org.id, roleKeys, t);
      const membership = await this.repo.insert(
        { id: newId('mem'), organization_id: org.id, user_id: user.id, role_key: roles[0]!, status: 'active', source },
        t,
        roles,
      );
      this.events.record(ctx, t, {
        type: 'membership.created',
        target: { type: 'user', id: user.id },
        organizationId: org.id,
        data: { membership_id: membership.id, role: roles[0], roles, source },
      });
      return { ...membership, roles, email: user.email, name: user.name };
    });
  }

  /** The role keys, known in the organization, sorted highest first (duplicates dropped). */
  private async requireRoles(organizationId: string, roleKeys: string | string[], tx: Tx): Promise<string[]> {
    const keys = [...new Set(typeof roleKeys === 'string' ? [roleKeys] : roleKeys)];
    const path = typeof roleKeys === 'string' ? 'role' : 'roles';
    return (await this.roles.requireAllAssignable(organizationId, keys, tx, path)).map((r) => r.key);
  }

  /**
   * A JIT membership takes the role its IdP groups map to at each sign-in; returns the role it
   * now has. The last active owner keeps its role (as an admin change would be refused).
   */
  async syncJitRole(ctx: Ctx, membership: MembershipRecord, roleKey: string, tx: Tx): Promise<string> {
    if (membership.source !== 'jit' || membership.role_key === roleKey) return membership.role_key;
    if (roleKey !== 'owner') {
      const lastOwner = await this.owners.assertNotLastOwner(membership, tx).then(() => false, () => true);
      if (lastOwner) return membership.role_key;
    }
    const rolesFrom = (await this.repo.rolesOf([membership.id], tx)).get(membership.id);
    await this.repo.update(membership.id, { role_key: roleKey }, tx);
    this.events.record(ctx, tx, {
      type: 'membership.role_changed',
      target: { type: 'user', id: membership.user_id },
      organizationId: membership.organization_id,
      data: { membership_id: membership.id, from: membership.role_key, to: roleKey, roles_from: rolesFrom, roles_to: [roleKey], source: 'jit' },
    });
    return roleKey;
  }

  /** Sets the roles a manual, invited or JIT member holds (one or more); the last-owner guard applies. */
  async changeRole(ctx: Ctx, orgKey: string, userId: string, roleKeys: string | string[]): Promise<MemberView> {
    return this.db.transaction(async (tx) => {
      const org = await this.orgs.lock(ctx.tenantId, orgKey, tx);
      const membership = await this.requireManual(org, userId, tx);
      const roles = await this.requireRoles(org.id, roleKeys, tx);
      const current = (await this.repo.rolesOf([membership.id], tx)).get(membership.id)!;
      if (roles.join() !== current.join()) {
        if (!roles.includes('owner')) await this.owners.assertNotLastOwner(membership, tx);
        await this.repo.replaceRoles(membership, roles, roles[0]!, tx);
        this.events.record(ctx, tx, {
          type: 'membership.role_changed',
          target: { type: 'user', id: userId },
          organizationId: org.id,
          data: { membership_id: membership.id, from: membership.role_key, to: roles[0], roles_from: current, roles_to: roles },
        });
      }
      const user = await this.users.get(ctx.tenantId, userId, tx);
      return { ...membership, role_key: roles[0]!, roles, email: user.email, name: user.name };
    });
  }

  async remove(ctx: Ctx, orgKey: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const org = await this.orgs.lock(ctx.tenantId, orgKey, tx);
      const membership = await this.requireManual(org, userId, tx);
      await this.owners.assertNotLastOwner(membership, tx);
      await this.repo.delete(membership.id, tx);
      this.events.record(ctx, tx, {
        type: 'membership.deleted',
        target: { type: 'user', id: userId },
        organizationId: org.id,
        data: { membership_id: membership.id, role: membership.role_key },
      });
      await this.afterRemove(ctx, org.id, userId, tx);
    });
  }

  /**
   * Applies what directories decide. The directory is authoritative: the last-owner guard does
   * not apply, but losing the last active owner records `organization.owner_lost`. A manual or
   * invited membership that a directory provisions becomes directory-managed; one that no
   * directory holds any more is removed only if a directory managed it. `known`: the users'
   * current memberships when the caller knows them (none, for users created in its transaction).
   */
  async applyDirectoryMemberships(ctx: Ctx, organizationId: string, desired: Map<string, DirectoryMembership>, tx: Tx, known?: MembershipKey[]): Promise<void> {
    const existing = new Map((known ?? (await this.repo.findMany(organizationId, [...desired.keys()], tx))).map((m) => [m.user_id, m]));
    const isActiveOwner = (m: { role_key?: string; role?: string; status: string } | null | undefined) =>
      !!m && (m.role_key ?? m.role) === 'owner' && m.status === 'active';
    // A membership taken over may hold `owner` below a higher custom role: count those too.
    const touchesOwners = [...desired].some(([userId, want]) => {
      const current = existing.get(userId);
      return isActiveOwner(current) !== isActiveOwner(want) || (!!want && !!current && current.source !== 'scim');
    });
    const ownersBefore = touchesOwners ? await this.repo.countActiveOwners(organizationId, tx) : 0;
    const record = (type: string, userId: string, data: Record<string, unknown>) =>
      this.events.record(ctx, tx, { type, target: { type: 'user', id: userId }, organizationId, data });

    const inserts: Array<Omit<MembershipRecord, 'created_at' | 'updated_at'>> = [];
    for (const [userId, want] of desired) {
      const current = existing.get(userId);
      if (!want) {
        if (current?.source === 'scim') {
          await this.repo.delete(current.id, tx);
          record('membership.deleted', userId, { membership_id: current.id, role: current.role_key, source: 'scim' });
          await this.afterRemove(ctx, organizationId, userId, tx);
        }
        continue;
      }
      if (want.weak && current && current.source !== 'scim') continue;
      if (!current) {
        const id = newId('mem');
        inserts.push({ id, organization_id: organizationId, user_id: userId, role_key: want.role, status: want.status, source: 'scim' });
        record('membership.created', userId, { membership_id: id, role: want.role, status: want.status, source: 'scim' });
        continue;
      }
      if (current.role_key === want.role && current.status === want.status && current.source === 'scim') continue;
      // The directory maps one role: a membership it takes over keeps just that one. A
      // directory-managed membership holds exactly its `role_key` already.
      const takeover = current.source !== 'scim';
      const rolesFrom = takeover ? (await this.repo.rolesOf([current.id], tx)).get(current.id)! : [current.role_key];
      const roleChanges = takeover || current.role_key !== want.role ? { role_key: want.role } : {};
      await this.repo.update(current.id, { ...roleChanges, status: want.status, source: 'scim' }, tx);
      if (current.source !== 'scim') record('membership.updated', userId, { membership_id: current.id, source: { from: current.source, to: 'scim' } });
      if (rolesFrom.join() !== want.role) {
        record('membership.role_changed', userId, { membership_id: current.id, from: current.role_key, to: want.role, roles_from: rolesFrom, roles_to: [want.role] });
      }
      if (current.status !== want.status) {
        record(want.status === 'active' ? 'membership.reactivated' : 'membership.suspended', userId, { membership_id: current.id });
      }
    }
    await this.repo.insertMany(inserts, tx);
    if (touchesOwners && ownersBefore > 0 && (await this.repo.countActiveOwners(organizationId, tx)) === 0) {
      this.events.record(ctx, tx, { type: 'organization.owner_lost', target: { type: 'organization', id: organizationId }, organizationId, data: {} });
    }
  }

  /** The membership, unless a SCIM directory manages it (then only the directory may change it). */
  private async requireManual(org: OrgRecord, userId: string, tx: Tx): Promise<MembershipRecord> {
    const membership = await this.repo.find(org.id, userId, tx);
    if (!membership) throw new NotFoundError('member', userId);
    if (membership.source === 'scim') {
      throw new ConflictError('this membership is managed by a SCIM directory; change it in the identity provider');
    }
    return membership;
  }
}
