import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import { migrations } from '../../../migrations';
import { createSequelize } from '../../../src/db/sequelize';
import { createLogger } from '../../../src/shared/logger';

/**
 * Migration 0010 on a database that already holds data: every membership keeps its role as a
 * held role, every tenant gets the built-in `admin` tenant role, and `tenant_role: "admin"`
 * users hold it. SQLite only: on MariaDB the suite shares one database, already migrated.
 */
const sqliteOnly = process.env.TEST_DATABASE_URL ? describe.skip : describe;

sqliteOnly('migration 0010-roles', () => {
  let dir: string;
  let sequelize: Sequelize;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'orgbridge-0010-'));
    sequelize = createSequelize({ dialect: 'sqlite', storage: join(dir, 'db.sqlite') }, createLogger('silent'));
  });
  afterAll(async () => {
    await sequelize.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backfills held roles, the built-in admin tenant role and its holders', async () => {
    const umzug = new Umzug({
      migrations: migrations.map((m) => ({ name: m.name, up: m.up, down: m.down })),
      context: sequelize.getQueryInterface(),
      storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
      logger: undefined,
    });
    // Up to the migration before this one, whatever it is named once branches are merged.
    await umzug.up({ to: migrations[migrations.findIndex((m) => m.name === '0010-roles') - 1]!.name });
    const q = (sql: string) => sequelize.query(sql);
    const now = "'2026-01-01 00:00:00.000 +00:00'";
    await q(`INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ('ten_a', 'a', 'A', ${now}, ${now})`);
    await q(`INSERT INTO organizations (id, tenant_id, name, slug, created_at, updated_at) VALUES ('org_a', 'ten_a', 'O', 'o', ${now}, ${now})`);
    await q(
      `INSERT INTO roles (id, organization_id, \`key\`, name, permissions, \`rank\`, builtin, created_at, updated_at) VALUES ('rol_o', 'org_a', 'owner', 'Owner', '[]', 400, 1, ${now}, ${now}), ('rol_m', 'org_a', 'member', 'Member', '[]', 200, 1, ${now}, ${now})`,
    );
    await q(
      `INSERT INTO users (id, tenant_id, email, email_normalized, tenant_role, blocked, created_at, updated_at) VALUES ('usr_1', 'ten_a', 'a@x.example', 'a@x.example', 'admin', 0, ${now}, ${now}), ('usr_2', 'ten_a', 'b@x.example', 'b@x.example', NULL, 0, ${now}, ${now})`,
    );
    await q(
      `INSERT INTO memberships (id, organization_id, user_id, role_key, status, source, created_at, updated_at) VALUES ('mem_1', 'org_a', 'usr_1', 'owner', 'active', 'manual', ${now}, ${now}), ('mem_2', 'org_a', 'usr_2', 'member', 'active', 'manual', ${now}, ${now})`,
    );

    expect((await umzug.up({ to: '0010-roles' })).map((m) => m.name)).toEqual(['0010-roles']);
    const [held] = await q('SELECT membership_id, role_key, organization_id FROM membership_roles ORDER BY membership_id');
    expect(held).toEqual([
      { membership_id: 'mem_1', role_key: 'owner', organization_id: 'org_a' },
      { membership_id: 'mem_2', role_key: 'member', organization_id: 'org_a' },
    ]);
    const [tenantRoles] = await q('SELECT tenant_id, `key`, builtin, permissions FROM tenant_roles');
    expect(tenantRoles).toEqual([{ tenant_id: 'ten_a', key: 'admin', builtin: 1, permissions: '[]' }]);
    const [holders] = await q('SELECT user_id, role_key, tenant_id FROM user_tenant_roles');
    expect(holders).toEqual([{ user_id: 'usr_1', role_key: 'admin', tenant_id: 'ten_a' }]);
    const [[tenant]] = (await q('SELECT inherit_global_permissions_in_organizations AS inherit FROM tenants')) as [Array<{ inherit: number }>, unknown];
    expect(tenant!.inherit).toBe(0);

    // The held-role foreign key: a held role cannot be deleted.
    await expect(q("DELETE FROM roles WHERE id = 'rol_m'")).rejects.toThrow();
  });
});
