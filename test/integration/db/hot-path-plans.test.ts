import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory, SCIM } from '../../support/scim';

/**
 * Work must scale with the size of the change, not of the directory. Every statement the SCIM
 * write paths send straight to the driver is explained, and none may walk a whole directory,
 * organization or tenant (a plan that seeks only by one of those scopes) or scan a big table.
 * SQLite has no statistics here, so its planner can pick such a plan for an `IN (…)` list: this
 * is how an ingest once slowed from ~300 to ~110 users/s as the directory grew. MariaDB did the
 * same with `organization_id = ? AND user_id IN (…)` on memberships: a seek by the organization
 * alone, the user ids checked entry by entry (`used_key_parts: ["organization_id"]`).
 */
const BIG_TABLES = 'scim_users|scim_user_emails|scim_group_members|users|memberships|events';
/** Index names start with their table's: a seek on a big table's index by a scope column alone. */
const WALKS_A_SCOPE = new RegExp(`USING (COVERING )?INDEX (${BIG_TABLES})_\\w* \\((directory_id|organization_id|tenant_id)=\\?\\)$`);
/** A scan of anything but a subquery, a constant row, a VALUES list or a list's CTE of one page of ids. */
const SCANS = /^SCAN (?!\(subquery|CONSTANT|\d+-ROW VALUES|page$)/;

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const SCOPES = ['directory_id', 'organization_id', 'tenant_id'];
const BIG_INDEX = new RegExp(`^(${BIG_TABLES})_`);

/** SQLite's `EXPLAIN QUERY PLAN` lines that walk a scope or scan a big table. */
async function sqliteBadSteps(text: string, params: unknown[]): Promise<string[]> {
  const plan = await app.container.db.sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params);
  return plan.map((p) => p.detail).filter((detail) => WALKS_A_SCOPE.test(detail) || SCANS.test(detail));
}

interface MysqlTableAccess {
  table_name: string;
  access_type: string;
  key?: string;
  used_key_parts?: string[];
}

/** MySQL/MariaDB `EXPLAIN FORMAT=JSON` table accesses that walk a scope or scan a big table. */
async function mysqlBadSteps(text: string, params: unknown[]): Promise<string[]> {
  const [row] = await app.container.db.sql.all<{ EXPLAIN: string }>(`EXPLAIN FORMAT=JSON ${text}`, params);
  const accesses: MysqlTableAccess[] = [];
  const collect = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const table = (node as { table?: MysqlTableAccess }).table;
    if (table?.access_type) accesses.push(table);
    for (const child of Object.values(node)) collect(child);
  };
  collect(JSON.parse(row!.EXPLAIN));
  return accesses
    .filter((t) => t.key && BIG_INDEX.test(t.key) && ((t.used_key_parts?.length === 1 && SCOPES.includes(t.used_key_parts[0]!)) || t.access_type === 'index'))
    .map((t) => `${t.table_name}: ${t.access_type} on ${t.key} by ${t.used_key_parts?.join(', ')}`);
}

it('the SCIM write paths and lookups seek by what they change or name: no statement walks a directory, organization or tenant', async () => {
  const org = await admin.createOrg();
  const scim = await createDirectory(admin, org.id, 'okta');
  const seen = new Map<string, unknown[]>();
  const sql = app.container.db.sql;
  const { all, run } = sql;
  sql.all = (text, params, tx) => (seen.set(text, params), all.call(sql, text, params, tx)) as never;
  sql.run = (text, params, tx) => (seen.set(text, params), run.call(sql, text, params, tx));
  try {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => scim.createUser(`plan${i}@plans.example`)));
    const group = await scim.createGroup('Plans', [users[0]!.id]);
    await scim.patchOps(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: users.slice(1, 4).map((u) => ({ value: u.id })) }]);
    await scim.patchOps(`/Users/${users[5]!.id}`, [{ op: 'replace', path: 'active', value: false }]);
    await scim.put(`/Users/${users[4]!.id}`, { schemas: [SCIM.user], userName: 'renamed@plans.example', active: true });
    // And the lookups an IdP sends before each write. On SQLite all of them (no statistics: a
    // numbered page once made it walk the directory for `externalId`). On MariaDB the email
    // lookup, whose join order is forced: the userName and externalId plans follow its
    // statistics, and on these few rows walk the directory (from 5,000 users on they seek).
    const lookups = ['emails[type eq "work"].value eq "plan2@plans.example"'];
    if (sql.dialect === 'sqlite') lookups.push('userName eq "plan1@plans.example"', 'externalId eq "x-1"');
    for (const filter of lookups) {
      expect((await scim.get(`/Users?filter=${encodeURIComponent(filter)}`)).status).toBe(200);
    }
  } finally {
    sql.all = all;
    sql.run = run;
  }

  expect(seen.size).toBeGreaterThan(5);
  const bad: string[] = [];
  for (const [text, params] of seen) {
    const steps = sql.dialect === 'sqlite' ? await sqliteBadSteps(text, params) : await mysqlBadSteps(text, params);
    for (const step of steps) bad.push(`${step}\n  in: ${text.replace(/\s+/g, ' ')}`);
  }
  expect(bad).toEqual([]);
});
