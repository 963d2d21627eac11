import { insertRows } from '../../../src/db/insert-rows';
import { translateDbError } from '../../../src/db/db-errors';
import { ConflictError } from '../../../src/shared/errors';
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
});
