import { prefixSearch, type PrefixHit } from '../../../src/db/search';
import { createTenant, type AdminClient } from '../../support/api';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * The portal's prefix search reads index ranges in both phases, on either database: never a
 * scan, never the tenant's whole index (docs/portal.md; on MariaDB a `ref` on tenant_id walked
 * the name index from its start).
 */
let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

interface Access {
  key?: string;
  access_type?: string;
  used_key_parts?: string[];
}

async function plansOf(after?: string): Promise<string[]> {
  const sql = app.container.db.sql;
  const org = await admin.createOrg();
  const plans: string[] = [];
  await prefixSearch<PrefixHit>(
    async (text, params) => {
      if (sql.dialect === 'sqlite') {
        const rows = await sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params);
        plans.push(rows.map((r) => r.detail).join(' | '));
      } else {
        const [row] = await sql.all<{ EXPLAIN: string }>(`EXPLAIN FORMAT=JSON ${text}`, params);
        const accesses: Access[] = [];
        const collect = (node: unknown): void => {
          if (!node || typeof node !== 'object') return;
          const table = (node as { table?: Access & { table_name: string } }).table;
          if (table?.access_type) accesses.push(table);
          for (const child of Object.values(node)) collect(child);
        };
        collect(JSON.parse(row!.EXPLAIN));
        plans.push(accesses.map((a) => `${a.access_type} ${a.key} (${(a.used_key_parts ?? []).join(', ')})`).join(' | '));
      }
      return [];
    },
    {
      dialect: sql.dialect,
      select: 'm.id, u.id AS user_id, u.email_normalized, u.name_lower',
      from: (hint, join) => `users u${hint} ${join} memberships m ON m.organization_id = ? AND m.user_id = u.id`,
      fromParams: [org.id],
      tenantId: admin.tenant.id,
      term: 'ali',
      limit: 51,
      after,
    },
  );
  return plans;
}

it('when members are searched, then the email phase and the name phase each read a range of their index', async () => {
  for (let i = 0; i < 20; i++) await admin.createUser(`ali${i}@plans.example`, { name: `Alice ${i}` });
  const firstPage = await plansOf();
  const nextPage = await plansOf('n:usr_01ZZZZ:alice 1');
  expect(firstPage).toHaveLength(2);
  expect(nextPage).toHaveLength(1); // resumes in the name phase
  const [email, name] = firstPage;
  if (app.container.db.sql.dialect === 'sqlite') {
    expect(email).toContain('users_tenant_email_unique (tenant_id=? AND email_normalized>? AND email_normalized<?)');
    expect(name).toContain('users_tenant_name_lower (tenant_id=? AND name_lower>? AND name_lower<?)');
    expect(nextPage[0]).toContain('users_tenant_name_lower (tenant_id=? AND name_lower>? AND name_lower<?)');
    for (const plan of [...firstPage, ...nextPage]) expect(plan).not.toMatch(/(^|\| )SCAN /);
  } else {
    expect(email).toMatch(/^range users_tenant_email_unique \(tenant_id, email_normalized\)/);
    expect(name).toMatch(/^range users_tenant_name_lower \(tenant_id, name_lower\)/);
    expect(nextPage[0]).toMatch(/^range users_tenant_name_lower \(tenant_id, name_lower\)/);
    for (const plan of [...firstPage, ...nextPage]) expect(plan).toMatch(/eq_ref memberships_org_user_unique \(organization_id, user_id\)/);
  }
});
