import type { Sequelize } from 'sequelize';
import { redactDatabaseUrl, type DatabaseConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import { migrate } from './migrate';
import { createSequelize } from './sequelize';

export class DatabaseOpenError extends Error {}

/** Connects (failing fast with one clear line) and migrates to the latest schema. */
export async function openDatabase(db: DatabaseConfig, logger: Logger): Promise<Sequelize> {
  const sequelize = createSequelize(db, logger);
  try {
    await sequelize.authenticate();
  } catch (err) {
    await sequelize.close().catch(() => undefined);
    const parent = (err as { parent?: { code?: string; message?: string } }).parent;
    const reason = parent?.code ?? parent?.message ?? (err as Error).message;
    throw new DatabaseOpenError(`cannot connect to the database ${redactDatabaseUrl(db)}: ${reason}`);
  }
  const applied = await migrate(sequelize);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  return sequelize;
}
