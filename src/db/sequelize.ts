import { Sequelize } from 'sequelize';
import type { DatabaseConfig } from '../shared/config';
import type { Logger } from '../shared/logger';
import sqliteDriver, { type Database as SqliteConnection } from './sqlite-driver';

/**
 * Opens the database. SQLite (the embedded default) runs on better-sqlite3 through
 * `sqlite-driver.ts` and gets WAL; all transactions share one long-lived connection: writes are
 * serialized in-process anyway (see transaction.ts), and Sequelize would otherwise open and
 * close a fresh SQLite connection per transaction, which halves write throughput.
 */
export const PREPARED_STATEMENTS_PER_CONNECTION = 128;

export function createSequelize(db: DatabaseConfig, logger: Logger): Sequelize {
  const logging = logger.isLevelEnabled('trace') ? (sql: string) => logger.trace({ sql }, 'sql') : false;
  if (db.dialect === 'mysql') {
    return new Sequelize(db.database, db.user, db.password, {
      dialect: 'mysql',
      host: db.host,
      port: db.port,
      logging,
      timezone: '+00:00',
      pool: { max: 10, min: 0, acquire: 10_000, idle: 10_000 },
      dialectOptions: {
        connectTimeout: 5_000,
        charset: 'utf8mb4_bin',
        dateStrings: false,
        // DirectSql sends server-side prepared statements; mysql2 keeps this many per connection
        // and closes the least recently used. 10 connections × 128 per process, against MariaDB's
        // default max_prepared_stmt_count of 16,382 (README, "Running on MySQL").
        maxPreparedStatements: PREPARED_STATEMENTS_PER_CONNECTION,
        // mysql2's own conversions. Sequelize's typeCast only turns DATETIME into a Date, as mysql2
        // does in the connection's time zone, but wraps every field of every row in an object:
        // with the binary protocol that cost ~90 µs of main-thread CPU per one-row lookup.
        typeCast: true,
      },
      define: { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
      hooks: {
        // MySQL 8 cuts GROUP_CONCAT at 1,024 bytes (MariaDB at 1 MiB); a user's group list
        // (scim/group-list.ts) is read again as rows when cut, and this makes that rare.
        // READ COMMITTED: a statement reads what is committed when it starts. The membership
        // recompute relies on it: it locks its users first, and then must see what the
        // transaction that held them committed (scim/membership-sync.ts).
        afterConnect: async (connection) => {
          await runOn(connection as MysqlConnection, 'SET SESSION group_concat_max_len = 16777216');
          await runOn(connection as MysqlConnection, 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        },
      },
    });
  }
  const sequelize = new Sequelize({ dialect: 'sqlite', dialectModule: sqliteDriver, storage: db.storage, logging });
  tuneSqliteConnections(sequelize);
  return sequelize;
}

export interface MysqlConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** Runs a statement with no result (SET, START TRANSACTION, COMMIT) on a raw mysql2 connection. */
export function runOn(connection: MysqlConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.query(sql, (err) => (err ? reject(err) : resolve())));
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteConnection>;
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
}

function tuneSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const open = manager.getConnection.bind(manager);
  const tuned = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options = {}) => {
    const uuid = !options.uuid || options.uuid === 'default' ? 'default' : 'tx';
    const connection = await open({ ...options, uuid });
    if (!tuned.has(connection)) {
      tuned.add(connection);
      if (connection.filename !== '' && connection.filename !== ':memory:') {
        connection.native.pragma('journal_mode = WAL');
        // SQLite's default page cache is 2 MB; a directory of 100,000 users has far larger
        // indexes, and every miss is a read system call. 32 MB per connection.
        connection.native.pragma('cache_size = -32768');
        if (uuid === 'tx') connection.checkpointInBackground();
      }
    }
    return connection;
  };
  // Connections live until sequelize.close(); the transaction connection is reused.
  manager.releaseConnection = () => undefined;
}
