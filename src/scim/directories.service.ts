import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { PrefixedSecrets } from '../shared/prefixed-secret';
import type { DirectoryRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { MembersService } from '../orgs/members.service';
import type { RolesService } from '../orgs/roles.service';
import type { UsersService } from '../users/users.service';
import type { MembershipSync } from './membership-sync';
import { DEFAULT_ROLE_MAPPING, type RoleMappingConfig } from './role-mapping';
import type { ScimRepository } from './scim.repository';

const RECOMPUTE_CHUNK = 500;

export type { DirectoryRecord };

/** Directories of an organization: their bearer tokens and group → role mappings. */
export class DirectoriesService {
  private readonly tokens: PrefixedSecrets<DirectoryRecord>;

  constructor(
    private readonly db: Database,
    private readonly repo: ScimRepository,
    private readonly sync: MembershipSync,
    private readonly roles: RolesService,
    private readonly members: MembersService,
    private readonly users: UsersService,
    private readonly events: EventsService,
    clock: Clock,
  ) {
    this.tokens = new PrefixedSecrets('obs', (prefix) => repo.findDirectoryByTokenPrefix(prefix), (d) => d.token_hash, clock);
  }

  async create(ctx: Ctx, organizationId: string, input: { name: string; provider: DirectoryRecord['provider'] }) {
    const { prefix, secret: token, hash } = this.tokens.mint();
    const directory = await this.db.transaction(async (tx) => {
      const row = await this.repo.insertDirectory(
        {
          id: newId('dir'),
          tenant_id: ctx.tenantId,
          organization_id: organizationId,
          name: input.name,
          provider: input.provider,
          token_prefix: prefix,
          token_hash: hash,
          role_mapping: DEFAULT_ROLE_MAPPING,
        },
        tx,
      );
      this.events.record(ctx, tx, {
        type: 'directory.created',
        target: { type: 'directory', id: row.id },
        organizationId,
        data: { name: row.name, provider: row.provider },
      });
      return row;
    });
    return { directory, token };
  }

  list(organizationId: string): Promise<DirectoryRecord[]> {
    return this.repo.listDirectories(organizationId);
  }

  async get(organizationId: string, id: string, tx?: Tx): Promise<DirectoryRecord> {
    const directory = await this.repo.findDirectory(id, tx);
    if (!directory || directory.organization_id !== organizationId) throw new NotFoundError('directory', id);
    return directory;
  }

  /** A new token; the old one stops at once here and within the cache TTL on other processes. */
  async rotateToken(ctx: Ctx, organizationId: string, id: string): Promise<{ directory: DirectoryRecord; token: string }> {
    const { prefix, secret: token, hash } = this.tokens.mint();
    const directory = await this.db.transaction(async (tx) => {
      const current = await this.get(organizationId, id, tx);
      await this.repo.updateDirectory(id, { token_prefix: prefix, token_hash: hash }, tx);
      this.events.record(ctx, tx, { type: 'directory.token_rotated', target: { type: 'directory', id }, organizationId, data: {} });
      this.tokens.forget(current.token_prefix);
      return current;
    });
    return { directory, token };
  }

  /** Deletes the directory with its users and groups; memberships it managed follow the remaining directories. */
  async delete(ctx: Ctx, organizationId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const directory = await this.get(organizationId, id, tx);
      const userIds = await this.allLinkedUserIds(id, tx);
      await this.repo.deleteDirectory(id, tx);
      await this.sync.sync(ctx, organizationId, userIds, tx);
      this.events.record(ctx, tx, { type: 'directory.deleted', target: { type: 'directory', id }, organizationId, data: { name: directory.name } });
      this.tokens.forget(directory.token_prefix);
    });
  }

  /** Whether authenticating `token` would read the database for a token prefix not seen lately. */
  wouldReadUnknown(token: string): boolean {
    return this.tokens.wouldReadUnknown(token);
  }

  /** The directory whose token this is, if the token is live and belongs to `directoryId`. */
  async authenticate(directoryId: string, token: string): Promise<DirectoryRecord | null> {
    const directory = await this.tokens.verify(token);
    return directory?.id === directoryId ? directory : null;
  }

  async putRoleMapping(ctx: Ctx, organizationId: string, id: string, mapping: RoleMappingConfig): Promise<RoleMappingConfig> {
    return this.db.transaction(async (tx) => {
      await this.get(organizationId, id, tx);
      await this.checkRoles(organizationId, mapping, tx);
      await this.repo.updateDirectory(id, { role_mapping: mapping }, tx);
      this.events.record(ctx, tx, {
        type: 'directory.role_mappings_updated',
        target: { type: 'directory', id },
        organizationId,
        data: { default_role: mapping.default_role, mappings: mapping.mappings.length },
      });
      await this.forEachLinkedUserChunk(id, tx, (userIds) => this.sync.sync(ctx, organizationId, userIds, tx));
      return mapping;
    });
  }

  /** What applying `mapping` would change, without changing anything. */
  async previewRoleMapping(ctx: Ctx, organizationId: string, id: string, mapping: RoleMappingConfig) {
    return this.db.transaction(async (tx) => {
      await this.get(organizationId, id, tx);
      await this.checkRoles(organizationId, mapping, tx);
      const changes: Array<{ user_id: string; email: string; from: string | null; to: string | null }> = [];
      await this.forEachLinkedUserChunk(id, tx, async (userIds) => {
        const now = await this.sync.compute(organizationId, userIds, tx);
        const next = await this.sync.compute(organizationId, userIds, tx, { directoryId: id, mapping });
        const changed = userIds.filter((u) => now.get(u)?.role !== next.get(u)?.role);
        const current = new Map((await this.members.findMany(organizationId, changed, tx)).map((m) => [m.user_id, m.role_key]));
        const emails = new Map((await this.users.findByIds(ctx.tenantId, changed, tx)).map((u) => [u.id, u.email]));
        for (const u of changed) changes.push({ user_id: u, email: emails.get(u) ?? '', from: current.get(u) ?? null, to: next.get(u)?.role ?? null });
      });
      return changes;
    });
  }

  private async checkRoles(organizationId: string, mapping: RoleMappingConfig, tx: Tx): Promise<void> {
    const known = new Set((await this.roles.listInTx(organizationId, tx)).map((r) => r.key));
    const unknown = [mapping.default_role, ...mapping.mappings.map((m) => m.role)].filter((r) => !known.has(r));
    if (unknown.length) {
      throw new ValidationError(`unknown role(s): ${[...new Set(unknown)].join(', ')}`, { details: [{ path: 'mappings', message: 'every role must exist in the organization' }] });
    }
  }

  private async allLinkedUserIds(directoryId: string, tx: Tx): Promise<string[]> {
    const all: string[] = [];
    await this.forEachLinkedUserChunk(directoryId, tx, async (ids) => void all.push(...ids));
    return all;
  }

  private async forEachLinkedUserChunk(directoryId: string, tx: Tx, visit: (userIds: string[]) => Promise<void>): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const chunk = await this.repo.linkedUserIds(directoryId, after, RECOMPUTE_CHUNK, tx);
      if (!chunk.length) return;
      const linked = chunk.flatMap((c) => (c.user_id ? [c.user_id] : []));
      if (linked.length) await visit(linked);
      after = chunk[chunk.length - 1]!.id;
    }
  }
}

