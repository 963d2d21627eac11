import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { TenantRoleChanges, TenantRoleRecord, TenantRolesRepository } from './tenant-roles.repository';

/** The built-in tenant role: what `tenant_role: "admin"` means. It cannot be deleted. */
export const TENANT_ADMIN = 'admin';

export class TenantRolesService {
  constructor(
    private readonly db: Database,
    private readonly repo: TenantRolesRepository,
    private readonly events: EventsService,
  ) {}

  /** Inside a new tenant's creation. */
  async createBuiltIns(tenantId: string, tx: Tx): Promise<void> {
    await this.repo.insert({ id: newId('rol'), tenant_id: tenantId, key: TENANT_ADMIN, name: 'Administrator', description: null, permissions: [], builtin: true }, tx);
  }

  list(tenantId: string): Promise<TenantRoleRecord[]> {
    return this.repo.list(tenantId);
  }

  async get(tenantId: string, key: string): Promise<TenantRoleRecord> {
    const role = await this.repo.find(tenantId, key);
    if (!role) throw new NotFoundError('tenant role', key);
    return role;
  }

  async create(ctx: Ctx, input: { key: string; name: string; description?: string | null; permissions?: string[] }): Promise<TenantRoleRecord> {
    return this.db.transaction(async (tx) => {
      const role = await this.repo.insert(
        { id: newId('rol'), tenant_id: ctx.tenantId, key: input.key, name: input.name, description: input.description ?? null, permissions: input.permissions ?? [], builtin: false },
        tx,
      );
      this.events.record(ctx, tx, { type: 'tenant_role.created', target: { type: 'tenant_role', id: role.id }, data: { key: role.key, permissions: role.permissions } });
      return (await this.repo.find(ctx.tenantId, role.key, tx))!;
    });
  }

  async update(ctx: Ctx, key: string, changes: TenantRoleChanges): Promise<TenantRoleRecord> {
    return this.db.transaction(async (tx) => {
      const role = await this.repo.find(ctx.tenantId, key, tx);
      if (!role) throw new NotFoundError('tenant role', key);
      await this.repo.update(role.id, changes, tx);
      this.events.record(ctx, tx, { type: 'tenant_role.updated', target: { type: 'tenant_role', id: role.id }, data: { key, changed: Object.keys(changes) } });
      return (await this.repo.find(ctx.tenantId, key, tx))!;
    });
  }

  /** The count gives a clear message; the foreign key from user_tenant_roles settles any race. */
  async delete(ctx: Ctx, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const role = await this.repo.find(ctx.tenantId, key, tx);
      if (!role) throw new NotFoundError('tenant role', key);
      if (role.builtin) throw new ConflictError(`built-in tenant role '${key}' cannot be deleted`);
      const holders = await this.repo.countHolders(ctx.tenantId, key, tx);
      if (holders > 0) throw new ConflictError(`tenant role '${key}' is still held by ${holders} user(s)`);
      await this.repo.delete(role.id, tx);
      this.events.record(ctx, tx, { type: 'tenant_role.deleted', target: { type: 'tenant_role', id: role.id }, data: { key } });
    });
  }

  /** The keys, deduplicated and sorted, or a 400 naming the unknown ones. */
  async requireAll(tenantId: string, keys: string[], tx?: Tx): Promise<string[]> {
    const wanted = [...new Set(keys)].sort();
    const found = new Set(await this.repo.findKeys(tenantId, wanted, tx));
    const unknown = wanted.filter((k) => !found.has(k));
    if (unknown.length) {
      throw new ValidationError(`unknown tenant role${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}`, {
        details: unknown.map(() => ({ path: 'tenant_roles', message: 'unknown tenant role' })),
      });
    }
    return wanted;
  }

  /** Tenant role keys of each user, sorted by key. */
  keysOfUsers(userIds: string[], tx?: Tx): Promise<Map<string, string[]>> {
    return this.repo.keysOfUsers(userIds, tx);
  }

  /** New users' holdings (keys already checked with `requireAll`). */
  async grant(tenantId: string, holdings: Array<{ userId: string; keys: string[] }>, tx: Tx): Promise<void> {
    await this.repo.addHolders(tenantId, holdings.filter((h) => h.keys.length), tx);
  }

  /** Replaces what the user holds (keys already checked with `requireAll`). */
  async replace(tenantId: string, userId: string, keys: string[], tx: Tx): Promise<void> {
    await this.repo.removeHolder(userId, tx);
    await this.repo.addHolders(tenantId, [{ userId, keys }], tx);
  }
}
