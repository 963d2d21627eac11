import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { UsersService } from '../users/users.service';
import type { MembershipRecord, MembersRepository, MemberView } from './members.repository';
import type { OrgRecord } from './orgs.repository';
import type { OrgsService } from './orgs.service';
import type { OwnerGuard } from './owner-guard';
import type { RolesService } from './roles.service';

export type MembershipSource = MembershipRecord['source'];

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

  async list(org: OrgRecord, page: PageRequest): Promise<Page<MemberView>> {
    const rows = await this.repo.listWithUsers(org.id, page.limit + 1, page.after);
    return toPage(rows, page.limit, (m) => m.id, (m) => m);
  }

  find(organizationId: string, userId: string, tx?: Tx): Promise<MembershipRecord | null> {
    return this.repo.find(organizationId, userId, tx);
  }

  listForUser(userId: string): Promise<MembershipRecord[]> {
    return this.repo.listForUser(userId);
  }

  /** Adds an existing tenant user. 404 when the user is unknown, 409 when already a member. */
  async add(
    ctx: Ctx,
    org: OrgRecord,
    who: { userId?: string; email?: string },
    roleKey: string,
    source: MembershipSource = 'manual',
    tx?: Tx,
  ): Promise<MemberView> {
    return this.db.run(tx, async (t) => {
      const user = who.userId
        ? await this.users.get(ctx.tenantId, who.userId, t)
        : await this.users.findByEmail(ctx.tenantId, who.email!, t);
      if (!user) throw new NotFoundError('user', who.email);
      await this.roles.requireAssignable(org.id, roleKey, t);
      const membership = await this.repo.insert(
        { id: newId('mem'), organization_id: org.id, user_id: user.id, role_key: roleKey, status: 'active', source },
        t,
      );
      this.events.record(ctx, t, {
        type: 'membership.created',
        target: { type: 'user', id: user.id },
        organizationId: org.id,
        data: { membership_id: membership.id, role: roleKey, source },
      });
      return { ...membership, email: user.email, name: user.name };
    });
  }

  async changeRole(ctx: Ctx, orgKey: string, userId: string, roleKey: string): Promise<MemberView> {
    return this.db.transaction(async (tx) => {
      const org = await this.orgs.lock(ctx.tenantId, orgKey, tx);
      const membership = await this.requireManual(org, userId, tx);
      await this.roles.requireAssignable(org.id, roleKey, tx);
      if (membership.role_key !== roleKey) {
        if (roleKey !== 'owner') await this.owners.assertNotLastOwner(membership, tx);
        await this.repo.update(membership.id, { role_key: roleKey }, tx);
        this.events.record(ctx, tx, {
          type: 'membership.role_changed',
          target: { type: 'user', id: userId },
          organizationId: org.id,
          data: { membership_id: membership.id, from: membership.role_key, to: roleKey },
        });
      }
      const user = await this.users.get(ctx.tenantId, userId, tx);
      return { ...membership, role_key: roleKey, email: user.email, name: user.name };
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
    });
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
