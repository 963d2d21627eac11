import { UNIQUE_INDEXES } from '../../../src/db/constraints';
import { migrate } from '../../../src/db/migrate';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface IndexInfo {
  name: string;
  unique: boolean;
  fields: Array<{ attribute: string }>;
}

describe('schema', () => {
  it('every unique index of the migrated schema has a client message in db/constraints.ts', async () => {
    const qi = app.container.db.sequelize.getQueryInterface();
    const tables = ((await qi.showAllTables()) as string[]).filter((t) => t !== 'schema_migrations');
    const missing: string[] = [];
    for (const table of tables) {
      const indexes = (await qi.showIndex(table)) as IndexInfo[];
      for (const ix of indexes.filter((i) => i.unique && !/^(PRIMARY|sqlite_autoindex)/.test(i.name))) {
        const known = UNIQUE_INDEXES.find((u) => u.name === ix.name);
        if (!known || known.table !== table || known.columns.join() !== ix.fields.map((f) => f.attribute).join()) {
          missing.push(`${table}.${ix.name}`);
        }
      }
    }
    expect(tables.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('migrating again is a no-op', async () => {
    expect(await migrate(app.container.db.sequelize)).toEqual([]);
  });
});
