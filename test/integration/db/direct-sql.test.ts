import { insertRows } from '../../../src/db/insert-rows';
import { PREPARED_STATEMENTS_PER_CONNECTION } from '../../../src/db/sequelize';
import { translateDbError } from '../../../src/db/db-errors';
import { AppError, ConflictError } from '../../../src/shared/errors';
import { newId } from '../../../src/shared/ids';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const newTenant = () => {
  const id = newId('ten');
  return { id, slug: `direct-${id.slice(-8).toLowerCase()}`, name: 'Direct', branding: { primary_color: '#123456' }, auth_settings: null };
};

describe('DirectSql (statements straight to the driver)', () => {
  it('more distinct statements at once than it caches all answer, each with its own rows', async () => {
    const { sql } = app.container.db;
    const answers = await Promise.all(Array.from({ length: 600 }, (_, i) => sql.all<{ n: number }>(`SELECT ? + ${i} AS n`, [1])));
    expect(answers.map((rows) => Number(rows[0]!.n))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });

  it('MySQL/MariaDB: every pooled connection lets GROUP_CONCAT reach 16 MiB (a group list is read in one piece)', async () => {
    const { db } = app.container;
    if (db.dialect !== 'mysql') return;
    const answers = await Promise.all(Array.from({ length: 10 }, () => db.sql.all<{ n: number | string }>('SELECT @@session.group_concat_max_len AS n', [])));
    expect(answers.map((rows) => Number(rows[0]!.n))).toEqual(Array(10).fill(16 * 1024 * 1024));
  });

  it('MySQL/MariaDB: a connection keeps at most its cap of prepared statements however many distinct ones it ran', async () => {
    const { db } = app.container;
    if (db.dialect !== 'mysql') return;
    await Promise.all(Array.from({ length: 3000 }, (_, i) => db.sql.all(`SELECT ? + ${i} AS n`, [1])));
    const open = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const rows = await db.sql.all<{ Variable_name: string; Value: string }>("SHOW SESSION STATUS LIKE 'Com_stmt_%'", []);
        const count = (name: string) => Number(rows.find((r) => r.Variable_name === name)!.Value);
        return { prepared: count('Com_stmt_prepare'), open: count('Com_stmt_prepare') - count('Com_stmt_close') };
      }),
    );
    expect(Math.max(...open.map((c) => c.prepared))).toBeGreaterThan(PREPARED_STATEMENTS_PER_CONNECTION);
    // + 1: the SHOW itself, counted as prepared before the eviction it causes is closed.
    for (const c of open) expect(c.open).toBeLessThanOrEqual(PREPARED_STATEMENTS_PER_CONNECTION + 1);
  });

  it('a date bound as a value matches the instant a model stored, and reads back as that instant', async () => {
    const { db, models } = app.container;
    const tenant = await models.Tenant.create(newTenant());
    const at = tenant.created_at;
    expect(await db.sql.all('SELECT id FROM tenants WHERE id = ? AND created_at = ?', [tenant.id, at])).toHaveLength(1);
    expect(await db.sql.all('SELECT id FROM tenants WHERE id = ? AND created_at = ?', [tenant.id, new Date(at.getTime() + 1)])).toHaveLength(0);
    const [raw] = await db.sql.all<{ created_at: string | Date }>('SELECT created_at FROM tenants WHERE id = ?', [tenant.id]);
    expect(new Date(raw!.created_at).getTime()).toBe(at.getTime());
    expect((await models.Tenant.findByPk(tenant.id))!.created_at.getTime()).toBe(at.getTime());
  });

  it('rows written by insertRows read back through the models exactly as the models write them (dates, JSON)', async () => {
    const { db, models } = app.container;
    const direct = newTenant();
    const modelled = newTenant();
    await db.transaction((tx) => insertRows(models.Tenant, [direct], tx));
    await models.Tenant.create(modelled);
    const [a, b] = [(await models.Tenant.findByPk(direct.id))!, (await models.Tenant.findByPk(modelled.id))!];
    expect(a.branding).toEqual({ primary_color: '#123456' });
    expect(a.created_at).toBeInstanceOf(Date);
    expect(b.created_at).toBeInstanceOf(Date);
    expect(Math.abs(a.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    const [rawA] = await db.sql.all<{ created_at: unknown }>('SELECT created_at FROM tenants WHERE id = ?', [direct.id]);
    const [rawB] = await db.sql.all<{ created_at: unknown }>('SELECT created_at FROM tenants WHERE id = ?', [modelled.id]);
    expect(typeof rawA!.created_at).toBe(typeof rawB!.created_at);
    expect(String(rawA!.created_at).length).toBe(String(rawB!.created_at).length);
  });

  it("a driver's unique violation becomes the same conflict (409) as Sequelize's, and the transaction writes nothing", async () => {
    const { db, models } = app.container;
    const first = newTenant();
    await models.Tenant.create(first);
    const again = { ...newTenant(), slug: first.slug };
    const other = newTenant();
    const err = await db.transaction((tx) => insertRows(models.Tenant, [other, again], tx)).catch((e: unknown) => e);
    expect(translateDbError(err)).toBeInstanceOf(ConflictError);
    expect((translateDbError(err) as ConflictError).code).toBe('conflict');
    expect(await models.Tenant.findByPk(other.id)).toBeNull();
  });

  it('a value longer than its column (which MySQL/MariaDB refuse, SQLite stores) is invalid_request, not internal', async () => {
    const { db, models } = app.container;
    const tooLong = { ...newTenant(), name: 'n'.repeat(201) };
    const err = await db.transaction((tx) => insertRows(models.Tenant, [tooLong], tx)).catch((e: unknown) => e);
    if (db.dialect === 'sqlite') {
      expect(err).toBeUndefined();
      return;
    }
    const translated = translateDbError(err) as AppError;
    expect(translated).toBeInstanceOf(AppError);
    expect(translated.code).toBe('invalid_request');
    expect(translated.scimType).toBe('invalidValue');
    expect(await models.Tenant.findByPk(tooLong.id)).toBeNull();
  });
});
