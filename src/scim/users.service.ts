import type { Clock } from '../shared/clock';
import type { DomainPolicyService } from '../domains/domain-policy.service';
import { NotFoundError } from '../shared/errors';
import type { ScimUserRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { UsersService } from '../users/users.service';
import type { MembershipSync } from './membership-sync';
import { ctxOf, recordNotLinked, recordUserEvent } from './scim-context';
import type { ScimUserLinker } from './user-link';
import type { UserIngest } from './user-ingest';
import { checkIfMatch, isExcluded, project, type DirectoryContext, type ListParams, type Projection } from './scim-request';
import type { ScimRepository } from './scim.repository';
import { applyUserPatch, canonicalJson } from './user-patch';
import { coerceUser, renderUser, userColumns, type UserColumns, type UserResource } from './user-resource';

/**
 * SCIM Users of a directory and their effects: a SCIM user is linked (once, at creation, or at
 * the first change that makes it linkable) to a tenant user by email as ScimUserLinker allows;
 * a linked user's membership follows MembershipSync.
 */
export class ScimUsersService {
  constructor(
    private readonly db: Database,
    private readonly repo: ScimRepository,
    private readonly ingest: UserIngest,
    private readonly linker: ScimUserLinker,
    private readonly users: UsersService,
    private readonly sync: MembershipSync,
    private readonly events: EventsService,
    private readonly clock: Clock,
    /** issue 22: restrict_to_verified_domains refuses emails outside the organization's verified domains (403) */
    private readonly domainPolicy: Pick<DomainPolicyService, 'assertEmailAllowed'>,
  ) {}

  async list(dir: DirectoryContext, params: ListParams) {
    const q = { ...params, offset: params.startIndex - 1, limit: params.count };
    const { rows, total } = await this.repo.userPage(dir.id, q, !isExcluded(params.projection, 'groups'));
    const resources = rows.map((row) => project(renderUser(row, row.groups, dir), params.projection));
    return { totalResults: total, startIndex: params.startIndex, resources };
  }

  async get(dir: DirectoryContext, id: string, projection: Projection) {
    const row = await this.repo.findUser(dir.id, id);
    if (!row) throw new NotFoundError('User', id);
    return { resource: project(await this.render(dir, row), projection), version: row.version };
  }

  async create(dir: DirectoryContext, body: unknown) {
    const resource = coerceUser(body);
    const cols = userColumns(resource);
    await this.domainPolicy.assertEmailAllowed(dir.tenantId, dir.organizationId, cols.linkEmail);
    const row = await this.ingest.create(dir, { resource, cols });
    return { resource: renderUser(row, [], dir), version: row.version };
  }

  replace(dir: DirectoryContext, id: string, body: unknown, ifMatch?: string) {
    return this.update(dir, id, ifMatch, async () => coerceUser(body));
  }

  patch(dir: DirectoryContext, id: string, body: unknown, ifMatch?: string) {
    return this.update(dir, id, ifMatch, (current) => applyUserPatch(current.resource as UserResource, body));
  }

  async delete(dir: DirectoryContext, id: string, ifMatch?: string): Promise<void> {
    const ctx = ctxOf(dir);
    await this.db.transaction(async (tx) => {
      const row = await this.repo.findUser(dir.id, id, tx);
      if (!row) throw new NotFoundError('User', id);
      checkIfMatch(ifMatch, row.version);
      await this.repo.deleteUser(row.id, tx);
      recordUserEvent(this.events, dir, tx, 'directory.user.deleted', row, { user_name: row.user_name, user_id: row.user_id });
      if (row.user_id) await this.sync.sync(ctx, dir.organizationId, [row.user_id], tx);
    });
  }

  /**
   * PUT and PATCH: the link to the tenant user stays, whatever happens to userName or emails; an
   * unlinked user is linked by the first change that makes that possible. A PATCH that changes
   * nothing (`next` answers null) writes nothing: same version, no event.
   */
  private async update(dir: DirectoryContext, id: string, ifMatch: string | undefined, next: (row: ScimUserRecord) => Promise<UserResource | null>) {
    const ctx = ctxOf(dir);
    const row = await this.db.transaction(async (tx) => {
      const current = await this.repo.findUser(dir.id, id, tx);
      if (!current) throw new NotFoundError('User', id);
      checkIfMatch(ifMatch, current.version);
      const resource = await next(current);
      if (resource === null) return current;
      // A change that changes nothing (an `add` of a value already there, RFC 7644 §3.5.2.1) writes nothing: version and lastModified stay.
      if (current.user_id !== null && canonicalJson(resource) === canonicalJson(current.resource)) return current;
      const cols = userColumns(resource);
      // A new email is checked against the domain policy; other changes (deactivation) always go through.
      if (cols.linkEmail && cols.linkEmail !== userColumns(current.resource as UserResource).linkEmail) {
        await this.domainPolicy.assertEmailAllowed(dir.tenantId, dir.organizationId, cols.linkEmail, tx);
      }
      const userId = current.user_id ?? (await this.linkLater(dir, current, cols, tx));
      const changes = {
        user_id: userId,
        user_name: cols.user_name,
        user_name_lower: cols.user_name_lower,
        external_id: cols.external_id,
        display_name_lower: cols.display_name_lower,
        active: cols.active,
        resource,
        version: current.version + 1,
        updated_at: this.clock.now(),
      };
      await this.repo.updateUser(current.id, dir.id, changes, cols.emails, tx);
      const updated = { ...current, ...changes };
      const wasActive = Boolean(current.active);
      const type = wasActive === cols.active ? 'directory.user.updated' : cols.active ? 'directory.user.reactivated' : 'directory.user.deactivated';
      recordUserEvent(this.events, dir, tx, type, updated, { user_name: updated.user_name, user_id: updated.user_id, active: cols.active });
      if (userId && (wasActive !== cols.active || current.user_id === null)) await this.sync.sync(ctx, dir.organizationId, [userId], tx);
      return updated;
    });
    return { resource: await this.render(dir, row), version: row.version };
  }

  /** The tenant user an unlinked SCIM user links to now, if its new state allows one. */
  private async linkLater(dir: DirectoryContext, current: ScimUserRecord, cols: UserColumns, tx: Tx): Promise<string | null> {
    if (!cols.linkEmail) return null;
    const decision = (await this.linker.plan(dir, [cols.linkEmail], tx)).get(cols.linkEmail)!;
    if ('unlinked' in decision) {
      recordNotLinked(this.events, dir, tx, current, cols.linkEmail);
      return null;
    }
    const userId = 'userId' in decision ? decision.userId : (await this.users.create(ctxOf(dir), { email: cols.linkEmail, name: cols.displayName }, tx)).id;
    recordUserEvent(this.events, dir, tx, 'directory.user.linked', current, { user_name: cols.user_name, user_id: userId });
    return userId;
  }

  private async render(dir: DirectoryContext, row: ScimUserRecord) {
    return renderUser(row, await this.repo.groupsOfUser(row.id), dir);
  }

}

