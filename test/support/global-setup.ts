import { openDatabase } from '../../src/db/open';
import { parseDatabaseUrl } from '../../src/shared/config';
import { createLogger } from '../../src/shared/logger';

/**
 * On MySQL/MariaDB every test file shares one database, so it is migrated once here rather
 * than by each file at once. SQLite files get a fresh database each (see test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const sequelize = await openDatabase(parseDatabaseUrl(url), createLogger('silent'));
  await sequelize.close();
}
