import { newId } from '../../../src/shared/ids';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('Database.transaction', () => {
  it('concurrent units commit or fail one by one: a failing unit leaves nothing, the others commit, after-commit hooks run only for committed units', async () => {
    const { db, models } = app.container;
    const afterRan: number[] = [];
    const attempts = Array.from({ length: 12 }, (_, i) =>
      db.transaction(async (tx) => {
        const id = newId('ten');
        await models.Tenant.create({ id, slug: `tx-${i}-${id.slice(-6).toLowerCase()}`, name: `T${i}`, branding: null, auth_settings: null }, { transaction: tx.transaction });
        tx.afterCommit(() => void afterRan.push(i));
        if (i % 3 === 0) throw new Error(`unit ${i} fails after writing`);
        if (i % 3 === 1) await models.Tenant.create({ id: newId('ten'), slug: 'Not A Valid Slug But Unique?', name: 'x', branding: null, auth_settings: null }, { transaction: tx.transaction });
        return id;
      }),
    );
    const results = await Promise.allSettled(attempts);
    const committed = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'fulfilled');
    const failedByThrow = results.filter((r, i) => i % 3 === 0 && r.status === 'rejected');
    expect(failedByThrow).toHaveLength(4);
    for (const { r } of committed) expect(await models.Tenant.findByPk((r as PromiseFulfilledResult<string>).value)).not.toBeNull();
    for (let i = 0; i < 12; i += 3) expect(await models.Tenant.count({ where: { name: `T${i}` } })).toBe(0);
    expect(afterRan.sort((a, b) => a - b)).toEqual(committed.map(({ i }) => i));
    // Units that only write a duplicate key fail alone, with the translated error.
    const slug = `same-slug-${Date.now()}`; // unique per run: the MySQL test database outlives runs
    const dup = await Promise.allSettled(
      [0, 1, 2].map(() => db.transaction((tx) => models.Tenant.create({ id: newId('ten'), slug, name: 'D', branding: null, auth_settings: null }, { transaction: tx.transaction }))),
    );
    expect(dup.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(dup.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['conflict', 'conflict']);
  });

  it('a unit that fails gives its connection back: more failures than the pool holds, then a unit still commits', async () => {
    const { db, models } = app.container;
    for (let i = 0; i < 25; i++) {
      await expect(
        db.transaction(async (tx) => {
          await models.Tenant.create({ id: newId('ten'), slug: `pool-${i}-${Date.now()}`, name: 'P', branding: null, auth_settings: null }, { transaction: tx.transaction });
          throw new Error('fails after writing');
        }),
      ).rejects.toThrow('fails after writing');
    }
    expect(await models.Tenant.count({ where: { name: 'P' } })).toBe(0);
    const id = await db.transaction(async (tx) => {
      const created = newId('ten');
      await models.Tenant.create({ id: created, slug: `pool-ok-${Date.now()}`, name: 'P ok', branding: null, auth_settings: null }, { transaction: tx.transaction });
      return created;
    });
    expect(await models.Tenant.findByPk(id)).not.toBeNull();
  });
});
