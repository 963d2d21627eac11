import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { NotFoundError, ValidationError } from '../shared/errors';
import { CoalescingWriter } from '../shared/coalescing-writer';
import { newUlid } from '../shared/ids';
import { checkScimText } from './user-resource';
import type { RoleMappingConfig, ScimGroupRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import { memberIds, parseGroupPatch, type GroupPatch } from './group-patch';
import type { MembershipSync } from './membership-sync';
import { mappingMentions } from './role-mapping';
import { checkIfMatch, etagOf, type DirectoryContext, type ListParams } from './scim-request';
import type { ScimRepository } from './scim.repository';
import { SCHEMA } from './scimmy';
import { ctxOf } from './scim-context';

export interface GroupView {
  row: ScimGroupRecord;
  /** The group without members; members are streamed page by page when wanted. */
  resource: Record<string, unknown>;
}

interface GroupUpdate {
  dir: DirectoryContext;
  id: string;
  ifMatch: string | undefined;
  patch: GroupPatch;
}

/** SCIM Groups of a directory. Membership changes are deltas applied with set semantics. */
export class ScimGroupsService {
  // Updates of one group queue on its row lock; those that arrive together share the lock and
  // the COMMIT (an IdP loading a large group sends several PATCHes at once).
  private readonly updates = new CoalescingWriter<GroupUpdate, GroupView>((batch) => this.updateTogether(batch));

  constructor(
    private readonly db: Database,
    private readonly repo: ScimRepository,
    private readonly sync: MembershipSync,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  async list(dir: DirectoryContext, params: ListParams): Promise<{ totalResults: number; startIndex: number; groups: GroupView[] }> {
    const { ids, total } = await this.repo.page('scim_groups', dir.id, { ...params, offset: params.startIndex - 1, limit: params.count });
    const rows = new Map((await this.repo.findGroupsByIds(ids)).map((r) => [r.id, r]));
    const groups = ids.filter((id) => rows.has(id)).map((id) => view(rows.get(id)!, dir));
    return { totalResults: total, startIndex: params.startIndex, groups };
  }

  async get(dir: DirectoryContext, id: string): Promise<GroupView> {
    const row = await this.repo.findGroup(dir.id, id);
    if (!row) throw new NotFoundError('Group', id);
    return view(row, dir);
  }

  /** Pages of `{value, display, $ref}` for one group, in id order. */
  async *members(dir: DirectoryContext, groupId: string, pageSize = 1000): AsyncGenerator<Array<Record<string, string>>> {
    let after: string | null = null;
    for (;;) {
      const page = await this.repo.memberPage(groupId, after, pageSize);
      if (!page.length) return;
      yield page.map((m) => ({ value: m.value, display: m.display, $ref: `${dir.baseUrl}/Users/${m.value}`, type: 'User' }));
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.value;
    }
  }

  async create(dir: DirectoryContext, body: unknown): Promise<GroupView> {
    const input = readGroup(body);
    const ctx = ctxOf(dir);
    const row = await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const record: ScimGroupRecord = {
        id: newUlid(),
        directory_id: dir.id,
        display_name: input.displayName,
        display_name_lower: input.displayName.toLowerCase(),
        external_id: input.externalId,
        resource: {},
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await this.repo.insertGroup(record, tx);
      this.record(ctx, dir, tx, 'directory.group.created', record, { display_name: record.display_name });
      const mapping = await this.repo.roleMapping(dir.id, tx);
      await this.applyDelta(ctx, dir, mapping, record, record, { replaceMembers: null, add: new Set(input.members), remove: new Set() }, tx);
      return record;
    });
    return view(row, dir);
  }

  replace(dir: DirectoryContext, id: string, body: unknown, ifMatch?: string): Promise<GroupView> {
    const input = readGroup(body);
    return this.update(dir, id, ifMatch, { displayName: input.displayName, externalId: input.externalId, replaceMembers: new Set(input.members), add: new Set(), remove: new Set() });
  }

  patch(dir: DirectoryContext, id: string, body: unknown, ifMatch?: string): Promise<GroupView> {
    return this.update(dir, id, ifMatch, parseGroupPatch(body));
  }

  async delete(dir: DirectoryContext, id: string, ifMatch?: string): Promise<void> {
    const ctx = ctxOf(dir);
    await this.db.transaction(async (tx) => {
      const group = await this.repo.findGroup(dir.id, id, tx);
      if (!group) throw new NotFoundError('Group', id);
      checkIfMatch(ifMatch, group.version);
      const mapping = await this.repo.roleMapping(dir.id, tx);
      const affected = mappingMentions(mapping, { id: group.id, displayName: group.display_name }) ? await this.repo.allMemberIds(group.id, tx) : [];
      await this.repo.deleteGroup(group.id, tx);
      this.record(ctx, dir, tx, 'directory.group.deleted', group, { display_name: group.display_name });
      await this.syncScimUsers(ctx, dir, affected, tx);
    });
  }

  private update(dir: DirectoryContext, id: string, ifMatch: string | undefined, patch: GroupPatch): Promise<GroupView> {
    return this.updates.write(`${dir.id}/${id}`, { dir, id, ifMatch, patch });
  }

  /** Updates of one group, in arrival order, in one transaction under one lock of its row. */
  private async updateTogether(batch: GroupUpdate[]): Promise<GroupView[]> {
    const { dir, id } = batch[0]!;
    const ctx = ctxOf(dir);
    return this.db.transaction(async (tx) => {
      const first = await this.repo.findGroup(dir.id, id, tx);
      if (!first) throw new NotFoundError('Group', id);
      const mapping = await this.repo.roleMapping(dir.id, tx);
      let current = first;
      const views: GroupView[] = [];
      for (const update of batch) {
        checkIfMatch(update.ifMatch, current.version);
        const { patch } = update;
        const renamed: ScimGroupRecord = {
          ...current,
          display_name: patch.displayName ?? current.display_name,
          display_name_lower: (patch.displayName ?? current.display_name).toLowerCase(),
          external_id: patch.externalId === undefined ? current.external_id : patch.externalId,
        };
        const attributesChanged = renamed.display_name !== current.display_name || renamed.external_id !== current.external_id;
        const next: ScimGroupRecord = attributesChanged ? { ...renamed, version: current.version + 1, updated_at: this.clock.now() } : renamed;
        if (attributesChanged) {
          this.record(ctx, dir, tx, 'directory.group.updated', next, { display_name: next.display_name, previous_display_name: current.display_name });
          await this.writeGroup(next, tx); // the role recompute below reads the new name
        }
        const membersChanged = await this.applyDelta(ctx, dir, mapping, current, next, patch, tx);
        // An update that changes nothing (adding a present member, RFC 7644 §3.5.2.1) keeps version and lastModified.
        if (membersChanged && !attributesChanged) Object.assign(next, { version: current.version + 1, updated_at: this.clock.now() });
        views.push(view(next, update.dir));
        current = next;
      }
      if (current.version !== first.version) await this.writeGroup(current, tx);
      return views;
    });
  }

  private async writeGroup(group: ScimGroupRecord, tx: Tx): Promise<void> {
    // Only what changes: rewriting the primary key (even to itself) makes SQLite check every
    // member row that references it, which would cost O(group) per change.
    const { display_name, display_name_lower, external_id, version, updated_at } = group;
    await this.repo.updateGroup(group.id, { display_name, display_name_lower, external_id, version, updated_at }, tx);
  }

  /**
   * Applies a membership delta and recomputes the roles it can change: those of the members it
   * touched, or of every member when a rename changes which mapping names the group.
   */
  /** Whether any member was added or removed. */
  private async applyDelta(ctx: Ctx, dir: DirectoryContext, mapping: RoleMappingConfig, before: ScimGroupRecord, after: ScimGroupRecord, patch: GroupPatch, tx: Tx): Promise<boolean> {
    let add: string[];
    let remove: string[];
    if (patch.replaceMembers) {
      const current = new Set(await this.repo.allMemberIds(after.id, tx));
      add = [...patch.replaceMembers].filter((m) => !current.has(m));
      remove = [...current].filter((m) => !patch.replaceMembers!.has(m));
    } else {
      const present = await this.repo.membersAmong(after.id, [...patch.add, ...patch.remove], tx);
      add = [...patch.add].filter((m) => !present.has(m));
      remove = [...patch.remove].filter((m) => present.has(m));
    }
    if (add.length) {
      const known = await this.repo.existingUserIds(dir.id, add, tx);
      const unknown = add.filter((m) => !known.has(m));
      if (unknown.length) throw new ValidationError(`not a user of this directory: ${unknown.slice(0, 5).join(', ')}`, { scimType: 'invalidValue' });
    }
    await this.repo.addMembers(after.id, dir.id, add, tx);
    await this.repo.removeMembers(after.id, remove, tx);
    for (const m of add) this.record(ctx, dir, tx, 'directory.group.member_added', after, { directory_user_id: m });
    for (const m of remove) this.record(ctx, dir, tx, 'directory.group.member_removed', after, { directory_user_id: m });

    const mentionedBefore = mappingMentions(mapping, { id: before.id, displayName: before.display_name });
    const mentionedAfter = mappingMentions(mapping, { id: after.id, displayName: after.display_name });
    if (mentionedBefore !== mentionedAfter) {
      await this.syncScimUsers(ctx, dir, [...(await this.repo.allMemberIds(after.id, tx)), ...remove], tx);
    } else if (mentionedAfter) {
      await this.syncScimUsers(ctx, dir, [...add, ...remove], tx);
    }
    return add.length + remove.length > 0;
  }

  private async syncScimUsers(ctx: Ctx, dir: DirectoryContext, scimUserIds: string[], tx: Tx): Promise<void> {
    if (!scimUserIds.length) return;
    const userIds = await this.repo.tenantUserIdsOf(scimUserIds, tx);
    await this.sync.sync(ctx, dir.organizationId, userIds, tx);
  }

  private record(ctx: Ctx, dir: DirectoryContext, tx: Tx, type: string, group: ScimGroupRecord, data: Record<string, unknown>): void {
    this.events.record(ctx, tx, { type, target: { type: 'directory_group', id: group.id }, organizationId: dir.organizationId, data: { directory_id: dir.id, ...data } });
  }
}

function view(row: ScimGroupRecord, dir: DirectoryContext): GroupView {
  return {
    row,
    resource: {
      schemas: [SCHEMA.group],
      id: row.id,
      ...(row.external_id ? { externalId: row.external_id } : {}),
      displayName: row.display_name,
      meta: {
        resourceType: 'Group',
        created: new Date(row.created_at).toISOString(),
        lastModified: new Date(row.updated_at).toISOString(),
        location: `${dir.baseUrl}/Groups/${row.id}`,
        version: etagOf(row.version),
      },
    },
  };
}

function readGroup(body: unknown): { displayName: string; externalId: string | null; members: string[] } {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('request body must be a SCIM Group object', { scimType: 'invalidSyntax' });
  const get = (k: string) => Object.entries(b).find(([key]) => key.toLowerCase() === k)?.[1];
  const displayName = get('displayname');
  if (typeof displayName !== 'string' || !displayName.trim()) throw new ValidationError('displayName is required', { scimType: 'invalidValue' });
  checkScimText('displayName', displayName);
  const externalId = get('externalid');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw new ValidationError('externalId must be a string', { scimType: 'invalidValue' });
  checkScimText('externalId', externalId);
  return { displayName, externalId: (externalId as string | undefined) ?? null, members: memberIds(get('members')) };
}
