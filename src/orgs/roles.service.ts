import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { OrgRecord } from './orgs.repository';
import type { RoleChanges, RoleRecord, RolesRepository } from './roles.repository';

/** Built-in roles exist in every organization; their key and rank are fixed. */
export const BUILT_IN_ROLES = [
  { key: 'owner', name: 'Owner', rank: 400 },
  { key: 'admin', name: 'Admin', rank: 300 },
  { key: 'member', name: 'Member', rank: 200 },
  { key: 'guest', name: 'Guest', rank: 100 },
] as const;

export const DEFAULT_CUSTOM_RANK = 150;

/** The role that wins among several: highest rank, then the key that sorts first. */
export function highestRole<R extends { key: string; rank: number }>(roles: R[]): R | undefined {
  return sortByRank(roles)[0];
}

/** Highest rank first; where ranks tie, the key that sorts first. */
export function sortByRank<R extends { key: string; rank: number }>(roles: R[]): R[] {
  return [...roles].sort((a, b) => b.rank - a.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export class RolesService {
  constructor(
    private readonly db: Database,
    private readonly repo: RolesRepository,
    private readonly events: EventsService,
  ) {}

  async createBuiltIns(organizationId: string, tx: Tx): Promise<void> {
    await this.repo.insertMany(
      BUILT_IN_ROLES.map((r) => ({
        id: newId('rol'),
        organization_id: organizationId,
        key: r.key,
        name: r.name,
        description: null,
        permissions: [],
        rank: r.rank,
        builtin: true,
      })),
      tx,
    );
  }

  list(organizationId: string): Promise<RoleRecord[]> {
    return this.repo.list(organizationId);
  }

  listInTx(organizationId: string, tx: Tx): Promise<RoleRecord[]> {
    return this.repo.list(organizationId, tx);
  }

  ranks(organizationId: string, tx: Tx): Promise<Map<string, number>> {
    return this.repo.ranks(organizationId, tx);
  }

  /** The role, or a 400 naming it: used where a request names a role to assign. */
  async requireAssignable(organizationId: string, key: string, tx?: Tx): Promise<RoleRecord> {
    const role = await this.repo.find(organizationId, key, tx);
    if (!role) {
      throw new ValidationError(`role '${key}' does not exist in this organization`, { details: [{ path: 'role', message: 'unknown role' }] });
    }
    return role;
  }

  /**
   * The roles, sorted highest first (rank, then key), or a 400 naming the unknown ones.
   * `path`: the request field that named them.
   */
  async requireAllAssignable(organizationId: string, keys: string[], tx?: Tx, path = 'roles'): Promise<RoleRecord[]> {
    const found = await this.repo.findMany(organizationId, keys, tx);
    const unknown = keys.filter((k) => !found.some((r) => r.key === k));
    if (unknown.length) {
      throw new ValidationError(`role${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} do${unknown.length > 1 ? '' : 'es'} not exist in this organization`, {
        details: unknown.map(() => ({ path, message: 'unknown role' })),
      });
    }
    return sortByRank(found);
  }

  async create(
    ctx: Ctx,
    org: OrgRecord,
    input: { key: string; name: string; description?: string | null; permissions?: string[]; rank?: number },
  ): Promise<RoleRecord> {
    return this.db.transaction(async (tx) => {
      const row = {
        id: newId('rol'),
        organization_id: org.id,
        key: input.key,
        name: input.name,
        description: input.description ?? null,
        permissions: input.permissions ?? [],
        rank: input.rank ?? DEFAULT_CUSTOM_RANK,
        builtin: false,
      };
      await this.repo.insertMany([row], tx);
      this.events.record(ctx, tx, {
        type: 'role.created',
        target: { type: 'role', id: row.id },
        organizationId: org.id,
        data: { key: row.key, rank: row.rank, permissions: row.permissions },
      });
      return (await this.repo.find(org.id, row.key, tx))!;
    });
  }

  async update(ctx: Ctx, org: OrgRecord, key: string, changes: RoleChanges): Promise<RoleRecord> {
    return this.db.transaction(async (tx) => {
      const role = await this.repo.find(org.id, key, tx);
      if (!role) throw new NotFoundError('role', key);
      if (role.builtin && changes.rank !== undefined && changes.rank !== role.rank) {
        throw new ValidationError('the rank of a built-in role cannot change', { details: [{ path: 'rank', message: 'read-only for built-in roles' }] });
      }
      await this.repo.update(role.id, changes, tx);
      if (changes.rank !== undefined && changes.rank !== role.rank) await this.repo.rederiveHighest(org.id, key, tx);
      this.events.record(ctx, tx, {
        type: 'role.updated',
        target: { type: 'role', id: role.id },
        organizationId: org.id,
        data: { key, changed: Object.keys(changes) },
      });
      return (await this.repo.find(org.id, key, tx))!;
    });
  }

  /** The count gives a clear message; the foreign key from memberships settles any race. */
  async delete(ctx: Ctx, org: OrgRecord, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const role = await this.repo.find(org.id, key, tx);
      if (!role) throw new NotFoundError('role', key);
      if (role.builtin) throw new ConflictError(`built-in role '${key}' cannot be deleted`);
      const holders = await this.repo.countHolders(org.id, key, tx);
      if (holders > 0) throw new ConflictError(`role '${key}' is still held by ${holders} member(s)`);
      await this.repo.delete(role.id, tx);
      this.events.record(ctx, tx, { type: 'role.deleted', target: { type: 'role', id: role.id }, organizationId: org.id, data: { key } });
    });
  }
}
