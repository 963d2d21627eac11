import { Op, QueryTypes } from 'sequelize';
import type { DirectoryRecord, Models, RoleMappingConfig, ScimGroupRecord, ScimUserRecord } from '../db/models';
import { jsonColumn, marks } from '../db/direct-sql';
import { insertRows } from '../db/insert-rows';
import { groupListColumn, parseGroupList } from './group-list';
import type { Database, Tx } from '../db/transaction';
import type { Sql } from './filter/filter-to-sql';

export interface EmailRow {
  value_lower: string;
  type: string | null;
  primary: boolean;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

export interface ListQuery {
  where: Sql | null;
  orderBy: string;
  descending: boolean;
  offset: number;
  limit: number;
}

/** Storage of directories, their users, groups and group members. */
export class ScimRepository {
  constructor(
    private readonly models: Models,
    private readonly db: Database,
  ) {}

  // — directories —

  async insertDirectory(row: Omit<DirectoryRecord, 'created_at' | 'updated_at'>, tx: Tx): Promise<DirectoryRecord> {
    return (await this.models.Directory.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async findDirectory(id: string, tx?: Tx): Promise<DirectoryRecord | null> {
    const row = await this.models.Directory.findByPk(id, { transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async findDirectoryByTokenPrefix(prefix: string): Promise<DirectoryRecord | null> {
    const row = await this.models.Directory.findOne({ where: { token_prefix: prefix } });
    return row ? row.get({ plain: true }) : null;
  }

  async listDirectories(organizationId: string): Promise<DirectoryRecord[]> {
    const rows = await this.models.Directory.findAll({ where: { organization_id: organizationId }, order: [['id', 'ASC']] });
    return rows.map((r) => r.get({ plain: true }));
  }

  async updateDirectory(id: string, changes: Partial<Pick<DirectoryRecord, 'token_prefix' | 'token_hash' | 'role_mapping' | 'name'>>, tx: Tx): Promise<void> {
    await this.models.Directory.update(changes as { role_mapping?: RoleMappingConfig }, { where: { id }, transaction: tx.transaction });
  }

  async deleteDirectory(id: string, tx: Tx): Promise<void> {
    await this.models.Directory.destroy({ where: { id }, transaction: tx.transaction });
  }

  // — users —

  /** Inserts users with their emails: two statements however many users. */
  async insertUsers(users: Array<{ row: ScimUserRecord; emails: EmailRow[] }>, tx: Tx): Promise<void> {
    await insertRows(this.models.ScimUser, users.map((u) => ({ ...u.row })), tx);
    const emails = users.flatMap((u) => u.emails.map((e, position) => ({ scim_user_id: u.row.id, position, directory_id: u.row.directory_id, ...e })));
    await insertRows(this.models.ScimUserEmail, emails, tx);
  }

  /** Which of these lower-cased userNames the directory already has. */
  async takenUserNames(directoryId: string, userNamesLower: string[], tx: Tx): Promise<Set<string>> {
    if (!userNamesLower.length) return new Set();
    const rows = await tx.sql.all<{ user_name_lower: string }>(
      `SELECT user_name_lower FROM scim_users WHERE directory_id = ? AND user_name_lower IN (${marks(userNamesLower)})`,
      [directoryId, ...userNamesLower],
      tx,
    );
    return new Set(rows.map((r) => r.user_name_lower));
  }

  async updateUser(id: string, directoryId: string, changes: Partial<ScimUserRecord>, emails: EmailRow[] | null, tx: Tx): Promise<void> {
    await this.models.ScimUser.update(changes, { where: { id }, transaction: tx.transaction });
    if (emails) await this.replaceEmails(id, directoryId, emails, tx);
  }

  private async replaceEmails(scimUserId: string, directoryId: string, emails: EmailRow[], tx: Tx): Promise<void> {
    await this.models.ScimUserEmail.destroy({ where: { scim_user_id: scimUserId }, transaction: tx.transaction });
    if (emails.length) {
      await this.models.ScimUserEmail.bulkCreate(
        emails.map((e, position) => ({ scim_user_id: scimUserId, position, directory_id: directoryId, ...e })),
        { transaction: tx.transaction },
      );
    }
  }

  async findUser(directoryId: string, id: string, tx?: Tx): Promise<ScimUserRecord | null> {
    const row = await this.models.ScimUser.findOne({
      where: { directory_id: directoryId, id },
      transaction: tx?.transaction,
      ...(tx ? { lock: tx.transaction.LOCK.UPDATE } : {}),
    });
    return row ? row.get({ plain: true }) : null;
  }

  async deleteUser(id: string, tx: Tx): Promise<void> {
    await this.models.ScimUser.destroy({ where: { id }, transaction: tx.transaction });
  }

  /** Users by id, each with its groups when asked. */
  async findUsersByIds(ids: string[], withGroups: boolean): Promise<UserWithGroups[]> {
    if (!ids.length) return [];
    const rows = await this.db.sql.all<ScimUserRecord & { group_list?: GroupListValue }>(
      `SELECT r.*${this.groupsColumn(withGroups)} FROM scim_users r WHERE r.id IN (${marks(ids)})`,
      ids,
    );
    return this.usersWithGroups(rows);
  }

  /** The groups of each of these SCIM users, in id order, as plain rows. */
  async groupsOfUsers(scimUserIds: string[], tx?: Tx): Promise<Map<string, GroupRef[]>> {
    const groups = new Map<string, GroupRef[]>();
    if (!scimUserIds.length) return groups;
    const rows = await this.db.sql.all<{ scim_user_id: string; id: string; display_name: string }>(
      `SELECT m.scim_user_id, g.id, g.display_name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
       WHERE m.scim_user_id IN (${marks(scimUserIds)}) ORDER BY g.id`,
      scimUserIds,
      tx,
    );
    for (const r of rows) {
      const list = groups.get(r.scim_user_id);
      const ref = { id: r.id, displayName: r.display_name };
      if (list) list.push(ref);
      else groups.set(r.scim_user_id, [ref]);
    }
    return groups;
  }

  /** Rows read with a `group_list` column (`groupListColumn`), with their groups; a list that cannot be unpacked is read again as rows. */
  private async withGroupRefs<R extends { id: string; group_list?: GroupListValue }>(rows: R[], tx?: Tx): Promise<Array<Omit<R, 'group_list'> & { groups: GroupRef[] }>> {
    const lists = rows.map((r) => parseGroupList(r.group_list));
    const unreadable = rows.filter((_, i) => !lists[i]).map((r) => r.id);
    const reread = unreadable.length ? await this.groupsOfUsers(unreadable, tx) : null;
    return rows.map(({ group_list: _, ...r }, i) => ({ ...r, groups: lists[i] ?? reread?.get(r.id) ?? [] }));
  }

  /** `, group_list` for users read with their groups (`r` the user table), nothing otherwise. */
  private groupsColumn(withGroups: boolean): string {
    return withGroups ? `, ${groupListColumn(this.db.dialect, 'r')}` : '';
  }

  /** User rows read through the driver (with a `group_list` column when groups are wanted): resources parsed, groups as references. */
  private async usersWithGroups(rows: Array<ScimUserRecord & { group_list?: GroupListValue }>): Promise<UserWithGroups[]> {
    return (await this.withGroupRefs(rows)).map((r) => ({ ...r, resource: jsonColumn(r.resource) }));
  }

  /** The subset of `ids` that are users of the directory. */
  async existingUserIds(directoryId: string, ids: string[], tx: Tx): Promise<Set<string>> {
    if (!ids.length) return new Set();
    // By id: MariaDB chose the (directory_id, active) index here on small tables, walking the directory.
    const rows = await tx.sql.all<{ id: string }>(
      `SELECT id FROM scim_users${tx.sql.forceIndex('PRIMARY')} WHERE directory_id = ? AND id IN (${marks(ids)})`,
      [directoryId, ...ids],
      tx,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The groups of one SCIM user, in id order. */
  async groupsOfUser(scimUserId: string): Promise<GroupRef[]> {
    return (await this.groupsOfUsers([scimUserId])).get(scimUserId) ?? [];
  }

  /**
   * Every SCIM user, in any directory of the organization or of one of its workspaces
   * (`workspace: true`), linked to one of these tenant users, with its groups and its directory's
   * role mapping (read here rather than in a statement of its own).
   */
  async scimUsersOfOrgUsers(organizationId: string, userIds: string[], tx: Tx) {
    if (!userIds.length) return [];
    const rows = await tx.sql.all<{ id: string; user_id: string; directory_id: string; directory_org: string; active: number | boolean; role_mapping: string | RoleMappingConfig; group_list: GroupListValue }>(
      // On the user_id index, not the directory's: without statistics SQLite would walk the whole
      // directory for a list of a few users, O(directory) per write (`+` stops it); MariaDB did on
      // a small table (the hint). The workspaces are found by organizations_parent.
      `SELECT u.id, u.user_id, u.directory_id, d.organization_id AS directory_org, u.active, d.role_mapping, ${groupListColumn(this.db.dialect, 'u')} FROM scim_users u${tx.sql.forceIndex('scim_users_user')} JOIN directories d ON d.id = +u.directory_id
       WHERE u.user_id IN (${marks(userIds)}) AND (d.organization_id = ? OR d.organization_id IN (SELECT w.id FROM organizations w WHERE w.parent_id = ?))`,
      [...userIds, organizationId, organizationId],
      tx,
    );
    const mappings = new Map<string, RoleMappingConfig>(); // parsed once per directory
    return (await this.withGroupRefs(rows, tx)).map(({ role_mapping, directory_org, ...u }) => {
      if (!mappings.has(u.directory_id)) mappings.set(u.directory_id, jsonColumn(role_mapping));
      return { ...u, workspace: directory_org !== organizationId, roleMapping: mappings.get(u.directory_id)! };
    });
  }

  /** An organization's parent (a workspace's), or null; parent_id never changes once set. */
  async parentIdOf(organizationId: string, tx: Tx): Promise<string | null> {
    const [row] = await tx.sql.all<{ parent_id: string | null }>('SELECT parent_id FROM organizations WHERE id = ?', [organizationId], tx);
    return row?.parent_id ?? null;
  }

  /** ` LOCK IN SHARE MODE` on MySQL/MariaDB; SQLite has one writer at a time. */
  private get shareLock(): string {
    return this.db.dialect === 'mysql' ? ' LOCK IN SHARE MODE' : '';
  }

  /**
   * Locks these tenant users' rows until the transaction ends (MySQL/MariaDB; SQLite has one
   * writer at a time). In one statement, so every transaction takes them in id order.
   */
  async lockTenantUsers(userIds: string[], tx: Tx): Promise<void> {
    if (this.db.dialect === 'mysql' && userIds.length) {
      await tx.sql.all(`SELECT id FROM users WHERE id IN (${marks(userIds)}) ORDER BY id FOR UPDATE`, userIds, tx);
    }
  }

  /**
   * A directory's role mapping, read under a shared lock on its row (MySQL/MariaDB): a mapping
   * PUT, which updates that row first, is then either committed and seen here, or waits until
   * this transaction commits and then sees what it wrote. A decision taken on the mapping (a
   * group that no mapping names changes no role) cannot go stale.
   */
  async roleMapping(directoryId: string, tx: Tx): Promise<RoleMappingConfig> {
    const [row] = await tx.sql.all<{ role_mapping: string | RoleMappingConfig }>(`SELECT role_mapping FROM directories WHERE id = ?${this.shareLock}`, [directoryId], tx);
    if (!row) throw new Error(`directory ${directoryId} is gone`);
    return jsonColumn(row.role_mapping);
  }

  /** The mapping as `roleMapping` reads it, with its organization's role ranks, in one statement. */
  async directoryRoles(directoryId: string, tx: Tx): Promise<{ mapping: RoleMappingConfig; ranks: Map<string, number> }> {
    const rows = await tx.sql.all<{ role_mapping: string | RoleMappingConfig; key: string | null; rank: number | string | null }>(
      `SELECT d.role_mapping, r.\`key\`, r.\`rank\` FROM directories d LEFT JOIN roles r ON r.organization_id = d.organization_id WHERE d.id = ?${this.shareLock}`,
      [directoryId],
      tx,
    );
    if (!rows.length) throw new Error(`directory ${directoryId} is gone`);
    return {
      mapping: jsonColumn(rows[0]!.role_mapping),
      ranks: new Map(rows.filter((r) => r.key !== null).map((r) => [r.key!, Number(r.rank)])),
    };
  }

  async tenantUserIdsOf(scimUserIds: string[], tx: Tx): Promise<string[]> {
    if (!scimUserIds.length) return [];
    const rows = await tx.sql.all<{ user_id: string }>(`SELECT user_id FROM scim_users WHERE id IN (${marks(scimUserIds)}) AND user_id IS NOT NULL`, scimUserIds, tx);
    return rows.map((r) => r.user_id);
  }

  /** Tenant user ids of a directory, in chunks (for recomputing every role after a mapping change). */
  async linkedUserIds(directoryId: string, afterId: string | null, limit: number, tx?: Tx): Promise<Array<{ id: string; user_id: string | null }>> {
    return (
      await this.models.ScimUser.findAll({
        attributes: ['id', 'user_id'],
        where: { directory_id: directoryId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
        order: [['id', 'ASC']],
        limit,
        transaction: tx?.transaction,
      })
    ).map((r) => ({ id: r.id, user_id: r.user_id }));
  }

  // — groups —

  async insertGroup(row: ScimGroupRecord, tx: Tx): Promise<void> {
    await this.models.ScimGroup.create(row, { transaction: tx.transaction });
  }

  /** Within a transaction the group row is locked: member changes of one group serialize. */
  async findGroup(directoryId: string, id: string, tx?: Tx): Promise<ScimGroupRecord | null> {
    const row = await this.models.ScimGroup.findOne({
      where: { directory_id: directoryId, id },
      transaction: tx?.transaction,
      ...(tx ? { lock: tx.transaction.LOCK.UPDATE } : {}),
    });
    return row ? row.get({ plain: true }) : null;
  }

  async findGroupsByIds(ids: string[]): Promise<ScimGroupRecord[]> {
    if (!ids.length) return [];
    return (await this.models.ScimGroup.findAll({ where: { id: ids } })).map((r) => r.get({ plain: true }));
  }

  async updateGroup(id: string, changes: Partial<ScimGroupRecord>, tx: Tx): Promise<void> {
    await this.models.ScimGroup.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async deleteGroup(id: string, tx: Tx): Promise<void> {
    await this.models.ScimGroup.destroy({ where: { id }, transaction: tx.transaction });
  }

  /** Which of `userIds` are members of the group. Cost grows with the ids named, not the group. */
  async membersAmong(groupId: string, userIds: string[], tx: Tx): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await tx.sql.all<{ scim_user_id: string }>(
      `SELECT scim_user_id FROM scim_group_members WHERE group_id = ? AND scim_user_id IN (${marks(userIds)})`,
      [groupId, ...userIds],
      tx,
    );
    return new Set(rows.map((r) => r.scim_user_id));
  }

  async addMembers(groupId: string, directoryId: string, userIds: string[], tx: Tx): Promise<void> {
    if (!userIds.length) return;
    await insertRows(this.models.ScimGroupMember, userIds.map((scim_user_id) => ({ group_id: groupId, scim_user_id, directory_id: directoryId })), tx);
  }

  async removeMembers(groupId: string, userIds: string[], tx: Tx): Promise<void> {
    if (!userIds.length) return;
    await this.models.ScimGroupMember.destroy({ where: { group_id: groupId, scim_user_id: userIds }, transaction: tx.transaction });
  }

  /** Every member id of the group (for a full replace or a deletion: inherently O(group)). */
  async allMemberIds(groupId: string, tx: Tx): Promise<string[]> {
    const rows = await this.models.ScimGroupMember.findAll({ attributes: ['scim_user_id'], where: { group_id: groupId }, transaction: tx.transaction });
    return rows.map((r) => r.scim_user_id);
  }

  /** One page of a group's members by keyset, so a 50,000-member group is never held in memory. */
  async memberPage(groupId: string, afterUserId: string | null, limit: number): Promise<Array<{ value: string; display: string }>> {
    return this.db.sequelize.query<{ value: string; display: string }>(
      `SELECT m.scim_user_id AS value, u.user_name AS display FROM scim_group_members m JOIN scim_users u ON u.id = m.scim_user_id
       WHERE m.group_id = :group ${afterUserId ? 'AND m.scim_user_id > :after' : ''} ORDER BY m.scim_user_id LIMIT :limit`,
      { replacements: { group: groupId, after: afterUserId, limit }, type: QueryTypes.SELECT },
    );
  }

  // — listing —

  /**
   * One page of ids in order, with the exact total. A filtered lookup (the IdP's "does this
   * userName exist?") gets both from one statement, `COUNT(*) OVER ()` over the matching index
   * entries. An unfiltered list must not: the window would make the database collect and sort
   * every id before the first page, so it counts the index and takes the page separately. Either
   * way the offset walks the index, not the rows (rows are read by id afterwards).
   */
  async page(table: 'scim_users' | 'scim_groups', directoryId: string, q: ListQuery): Promise<{ ids: string[]; total: number }> {
    if (q.limit === 0) return { ids: [], total: await this.count(table, directoryId, q.where) };
    if (!q.where) {
      const total = await this.count(table, directoryId, null);
      const page = this.pageSelect(table, directoryId, q, 'r.id');
      return { ids: (await this.db.sql.all<{ id: string }>(page.sql, page.params)).map((r) => r.id), total };
    }
    const page = this.pageSelect(table, directoryId, q, 'r.id, COUNT(*) OVER () AS total');
    const rows = await this.db.sql.all<{ id: string; total: number | string }>(page.sql, page.params);
    return { ids: rows.map((r) => r.id), total: await this.totalOf(rows, table, directoryId, q) };
  }

  /**
   * A page of users with their rows, groups and the exact total. A filtered page is one
   * statement: the page of ids as in `page`, in a CTE joined to its rows, each with its
   * `group_list`. Its order: on MariaDB the page is numbered (`ROW_NUMBER()`) and put in order
   * here, because an outer ORDER BY made it build and sort a temporary table (~0.4 ms for a
   * one-row page, measured with mysql2, 8 in flight); SQLite keeps the outer ORDER BY, because
   * the numbering made it walk the directory in id order for an `externalId` lookup (23 lookups/s
   * at 100,000 users; caught by hot-path-plans.test.ts).
   */
  async userPage(directoryId: string, q: ListQuery, withGroups: boolean): Promise<{ rows: UserWithGroups[]; total: number }> {
    if (q.where?.lookup && q.orderBy === 'r.id' && q.limit > 0) return this.lookupPage(directoryId, q, withGroups);
    if (q.where?.emailLookup && q.orderBy === 'r.id' && q.offset === 0 && q.limit > 0) {
      const page = await this.emailLookupPage(directoryId, q, withGroups);
      if (page) return page;
    }
    if (q.where && q.limit > 0) {
      const numbered = this.db.dialect === 'mysql';
      const page = this.pageSelect('scim_users', directoryId, q, `r.id, COUNT(*) OVER () AS total${numbered ? `, ROW_NUMBER() OVER (${orderClause(q)}) AS pos` : ''}`);
      const rows = await this.db.sql.all<ScimUserRecord & { total: number | string; pos?: number | string; group_list?: GroupListValue }>(
        `WITH page AS (${page.sql})
         SELECT r.*, page.total${numbered ? ', page.pos' : ''}${this.groupsColumn(withGroups)}
         FROM page JOIN scim_users r ON r.id = page.id ${numbered ? '' : orderClause(q)}`,
        page.params,
      );
      if (numbered) rows.sort((a, b) => Number(a.pos) - Number(b.pos));
      const users = await this.usersWithGroups(rows.map(({ total: _, pos: __, ...r }) => r));
      return { rows: users, total: await this.totalOf(rows, 'scim_users', directoryId, q) };
    }
    const { ids, total } = await this.page('scim_users', directoryId, q);
    const rows = new Map((await this.findUsersByIds(ids, withGroups)).map((r) => [r.id, r]));
    return { rows: ids.filter((id) => rows.has(id)).map((id) => rows.get(id)!), total };
  }

  /**
   * The lookups an IdP sends before each write (`userName eq …`, `externalId eq …`), in id
   * order: the column's index yields them in that order, so the page is a plain SELECT whose
   * groups are read for its own rows, and the total is the rows' count unless the page is full.
   * Without the page's CTE and window MariaDB spent ~100 µs less per lookup. SQLite, which has
   * no statistics, walked the directory in id order for `externalId` unless told (`+`) that the
   * id is only a sort key.
   */
  private async lookupPage(directoryId: string, q: ListQuery, withGroups: boolean): Promise<{ rows: UserWithGroups[]; total: number }> {
    const id = this.db.dialect === 'sqlite' ? '+r.id' : 'r.id';
    const rows = await this.db.sql.all<ScimUserRecord & { group_list?: GroupListValue }>(
      `SELECT r.*${this.groupsColumn(withGroups)} FROM scim_users r WHERE r.directory_id = ? AND ${q.where!.sql}
       ORDER BY ${id} ${q.descending ? 'DESC' : 'ASC'} LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`,
      [directoryId, ...q.where!.params],
    );
    const users = await this.usersWithGroups(rows);
    const complete = rows.length < q.limit && (rows.length > 0 || q.offset === 0);
    return { rows: users, total: complete ? q.offset + rows.length : await this.count('scim_users', directoryId, q.where) };
  }

  /**
   * The email lookup, read from the email index joined to its users; the join's order is forced
   * (`STRAIGHT_JOIN`, `CROSS JOIN` on SQLite) so that no planner starts from the directory.
   * MariaDB spent ~300 µs on it against ~380 µs for the page's CTE (100,000 users). A user who
   * lists one email twice comes back twice, so the rows are made unique; a full page might hide
   * more users that way, so it is left to the general path (null).
   */
  private async emailLookupPage(directoryId: string, q: ListQuery, withGroups: boolean): Promise<{ rows: UserWithGroups[]; total: number } | null> {
    const email = q.where!.emailLookup!;
    const join = this.db.dialect === 'mysql' ? 'STRAIGHT_JOIN' : 'CROSS JOIN';
    const rows = await this.db.sql.all<ScimUserRecord & { group_list?: GroupListValue }>(
      `SELECT r.*${this.groupsColumn(withGroups)} FROM scim_user_emails t ${join} scim_users r ON r.id = t.scim_user_id
       WHERE ${email.sql} AND r.directory_id = ? ORDER BY t.scim_user_id ${q.descending ? 'DESC' : 'ASC'} LIMIT ${Math.trunc(q.limit)}`,
      [...email.params, directoryId],
    );
    if (rows.length === q.limit) return null;
    const unique = rows.filter((r, i) => i === 0 || r.id !== rows[i - 1]!.id);
    return { rows: await this.usersWithGroups(unique), total: unique.length };
  }

  private pageSelect(table: 'scim_users' | 'scim_groups', directoryId: string, q: ListQuery, columns: string): { sql: string; params: unknown[] } {
    // Without statistics SQLite may walk the directory's index and probe the id list per row;
    // `+` keeps it on the side table's index when that already yields the ids.
    const scope = q.where?.idsFromSubquery && this.db.dialect === 'sqlite' ? '+r.directory_id = ?' : 'r.directory_id = ?';
    // MariaDB chose another (directory_id, …) index for an unfiltered list and sorted the whole
    // directory by id for every page (measured: 120 ms at 100,000 users); `_dir_id` is in order.
    const index = !q.where && q.orderBy === 'r.id' ? this.db.sql.forceIndex(`${table}_dir_id`) : '';
    // LIMIT and OFFSET are validated integers, written into the text (MySQL refuses them as bound doubles).
    return {
      sql: `SELECT ${columns} FROM ${table} r${index} WHERE ${scope}${q.where ? ` AND ${q.where.sql}` : ''}
         ${orderClause(q)} LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`,
      params: [directoryId, ...(q.where?.params ?? [])],
    };
  }

  /** The total carried by a page's rows; past the last match the page is empty, so count. */
  private async totalOf(rows: Array<{ total: number | string }>, table: 'scim_users' | 'scim_groups', directoryId: string, q: ListQuery): Promise<number> {
    if (rows.length) return Number(rows[0]!.total);
    return q.offset === 0 ? 0 : this.count(table, directoryId, q.where);
  }

  async count(table: 'scim_users' | 'scim_groups', directoryId: string, where: Sql | null): Promise<number> {
    const [row] = await this.db.sql.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${table} r WHERE r.directory_id = ?${where ? ` AND ${where.sql}` : ''}`,
      [directoryId, ...(where?.params ?? [])],
    );
    return Number(row?.n ?? 0);
  }
}

type GroupListValue = Parameters<typeof parseGroupList>[0];

export type UserWithGroups = ScimUserRecord & { groups: GroupRef[] };

/** The ORDER BY of a list: the sort key, then id (a stable order for equal keys). */
function orderClause(q: ListQuery): string {
  const dir = q.descending ? 'DESC' : 'ASC';
  return `ORDER BY ${q.orderBy === 'r.id' ? '' : `${q.orderBy} ${dir}, `}r.id ${dir}`;
}
