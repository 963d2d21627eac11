import type { Ctx } from '../shared/context';
import { NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { normalizeEmail } from '../shared/schemas';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { OwnerGuard } from '../orgs/owner-guard';
import { TENANT_ADMIN, type TenantRolesService } from '../access/tenant-roles.service';
import type { UserChanges, UserRecord, UsersRepository } from './users.repository';
import { assertMetadataSize, mergeMetadata, type Metadata } from '../shared/metadata';

/** A user with the tenant roles it holds (sorted by key). */
export type UserWithTenantRoles = UserRecord & { tenant_roles: string[] };

export interface NewUser {
  /** Given when the caller needs the id before the user exists (to name it as the actor). */
  id?: string;
  email: string;
  name?: string | null;
  tenant_role?: 'admin' | null;
  /** Tenant role keys (`tenant_role: "admin"` is the shorthand for `["admin"]`). */
  tenant_roles?: string[];
  /** Set when someone registers (invitation acceptance); admin-created users have none. */
  passwordHash?: string | null;
  app_metadata?: Metadata;
  user_metadata?: Metadata;
}

/** A PATCH of a user: metadata fields are merge patches (RFC 7396, top level; `null` clears). */
export type UserPatch = Omit<UserChanges, 'password_hash' | 'app_metadata' | 'user_metadata'> & {
  app_metadata?: Metadata | null;
  user_metadata?: Metadata | null;
  tenant_roles?: string[];
};

export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly repo: UsersRepository,
    private readonly events: EventsService,
    private readonly owners: OwnerGuard,
    private readonly tenantRoles: TenantRolesService,
  ) {}

  create(ctx: Ctx, input: NewUser, tx?: Tx): Promise<UserRecord> {
    return this.db.run(tx, async (t) => (await this.createMany(ctx, [input], t))[0]!);
  }

  /** Creates several users in one statement (directory ingest); one `user.created` event each. */
  async createMany(ctx: Ctx, inputs: NewUser[], tx: Tx): Promise<UserRecord[]> {
    const roleKeys = inputs.map((input) => input.tenant_roles ?? (input.tenant_role === TENANT_ADMIN ? [TENANT_ADMIN] : []));
    const wanted = roleKeys.flat();
    if (wanted.length) await this.tenantRoles.requireAll(ctx.tenantId, wanted, tx);
    const users = await this.repo.insertMany(
      inputs.map((input, i) => ({
        id: input.id ?? newId('usr'),
        tenant_id: ctx.tenantId,
        email: input.email.trim(),
        email_normalized: normalizeEmail(input.email),
        name: input.name ?? null,
        tenant_role: roleKeys[i]!.includes(TENANT_ADMIN) ? TENANT_ADMIN : null,
        password_hash: input.passwordHash ?? null,
        app_metadata: input.app_metadata ?? null,
        user_metadata: input.user_metadata ?? null,
      })),
      tx,
    );
    if (wanted.length) await this.tenantRoles.grant(ctx.tenantId, users.map((u, i) => ({ userId: u.id, keys: [...new Set(roleKeys[i])] })), tx);
    for (const user of users) this.events.record(ctx, tx, { type: 'user.created', target: { type: 'user', id: user.id }, data: { email: user.email } });
    return users;
  }

  /** Ids of the users with these emails, keyed by the normalized email. */
  async idsByEmails(tenantId: string, emails: string[], tx: Tx): Promise<Map<string, string>> {
    const users = await this.repo.findIdsByEmails(tenantId, [...new Set(emails.map(normalizeEmail))], tx);
    return new Map(users.map((u) => [u.email_normalized, u.id]));
  }

  async list(tenantId: string, search: string | undefined, page: PageRequest): Promise<Page<UserRecord>> {
    const rows = await this.repo.list(tenantId, search, page.limit + 1, page.after);
    return toPage(rows, page.limit, (u) => u.id, (u) => u);
  }

  /** Users whose email or name starts with `term` (case-insensitive): email matches first, then name matches. */
  async searchByPrefix(tenantId: string, term: string, page: PageRequest): Promise<Page<UserRecord>> {
    const rows = await this.repo.searchByPrefix(tenantId, term, page.limit + 1, page.after);
    return toPage(rows, page.limit, (u) => u.search_cursor, ({ search_cursor: _, ...u }) => u);
  }

  async get(tenantId: string, id: string, tx?: Tx): Promise<UserRecord> {
    const user = await this.repo.findById(tenantId, id, tx);
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  findByIds(tenantId: string, ids: string[], tx?: Tx): Promise<UserRecord[]> {
    return this.repo.findByIds(tenantId, ids, tx);
  }

  findByEmail(tenantId: string, email: string, tx?: Tx): Promise<UserRecord | null> {
    return this.repo.findByEmail(tenantId, normalizeEmail(email), tx);
  }

  /** With the tenant roles each holds. */
  async withTenantRoles(users: UserRecord[], tx?: Tx): Promise<UserWithTenantRoles[]> {
    const keys = await this.tenantRoles.keysOfUsers(users.map((u) => u.id), tx);
    return users.map((u) => ({ ...u, tenant_roles: keys.get(u.id) ?? [] }));
  }

  /**
   * `tenant_roles` replaces the set; the shorthand `tenant_role: "admin" | null` adds or takes
   * out `admin` and leaves the other tenant roles. `users.tenant_role` follows `admin`.
   */
  async update(ctx: Ctx, id: string, update: UserPatch, outer?: Tx): Promise<UserRecord> {
    return this.db.run(outer, async (tx) => {
      const user = await this.get(ctx.tenantId, id, tx);
      const { tenant_roles, ...patch } = update;
      const changes: UserChanges = { ...patch, ...mergedMetadata(user, patch) };
      if (tenant_roles !== undefined || changes.tenant_role !== undefined) {
        const held = (await this.tenantRoles.keysOfUsers([user.id], tx)).get(user.id)!;
        const next =
          tenant_roles ?? (changes.tenant_role === TENANT_ADMIN ? [...held, TENANT_ADMIN] : held.filter((k) => k !== TENANT_ADMIN));
        const keys = await this.tenantRoles.requireAll(ctx.tenantId, next, tx);
        if (keys.join() !== held.join()) await this.tenantRoles.replace(ctx.tenantId, user.id, keys, tx);
        changes.tenant_role = keys.includes(TENANT_ADMIN) ? TENANT_ADMIN : null;
      }
      await this.repo.update(user.id, changes, tx);
      this.events.record(ctx, tx, {
        type: 'user.updated',
        target: { type: 'user', id: user.id },
        data: { changed: Object.keys(update), ...(changes.blocked !== undefined ? { blocked: changes.blocked } : {}) },
      });
      return (await this.repo.findById(ctx.tenantId, id, tx))!;
    });
  }

  /** Sets a new password hash (self-service reset); the caller records the event. */
  async setPasswordHash(tenantId: string, id: string, passwordHash: string, tx: Tx): Promise<void> {
    const user = await this.get(tenantId, id, tx);
    await this.repo.update(user.id, { password_hash: passwordHash }, tx);
  }

  /** Deletes the tenant user and, through the foreign key, its memberships. */
  async delete(ctx: Ctx, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const user = await this.get(ctx.tenantId, id, tx);
      await this.owners.assertUserLeavable(ctx.tenantId, user.id, tx);
      await this.repo.delete(user.id, tx);
      this.events.record(ctx, tx, { type: 'user.deleted', target: { type: 'user', id: user.id }, data: { email: user.email } });
    });
  }
}

/** The metadata fields of a patch merged over the user's (RFC 7396 top level), each at most 16 KiB after the merge. */
export function mergedMetadata(user: UserRecord, patch: Pick<UserPatch, 'app_metadata' | 'user_metadata'>): Pick<UserChanges, 'app_metadata' | 'user_metadata'> {
  const out: Pick<UserChanges, 'app_metadata' | 'user_metadata'> = {};
  for (const field of ['app_metadata', 'user_metadata'] as const) {
    if (patch[field] !== undefined) out[field] = assertMetadataSize(field, mergeMetadata(user[field], patch[field]));
  }
  return out;
}
