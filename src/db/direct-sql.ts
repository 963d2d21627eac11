import type { Sequelize } from 'sequelize';
import { driverError, sqliteValue, type Database as SqliteConnection } from './sqlite-driver';
import type { Tx } from './transaction';

type Callback<T> = (err: Error | null, result: T) => void;

interface MysqlConnection {
  execute(options: { sql: string; values: unknown[] }, cb: Callback<unknown>): void;
}
interface ConnectionManager {
  getConnection(options?: object): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void> | void;
}

/**
 * Statements sent straight to the driver, for the hot paths only (SCIM ingest and lookups,
 * login routing). Sequelize spends 0.15–0.3 ms of main-thread CPU on each statement before the
 * driver sees it (query building, an Error captured for its stack, result mapping, and on
 * SQLite a `PRAGMA table_info` before every model SELECT); a cached prepared statement on
 * better-sqlite3 costs a few microseconds. Transactions stay Sequelize's: given a `Tx`, a
 * statement runs on that transaction's connection.
 *
 * On MySQL/MariaDB a statement is prepared on the server once per connection (`execute`): the
 * binary protocol saved ~100 µs of MariaDB CPU per lookup against the text protocol (A/B on the
 * service: lookups 1.13×, ingest 1.10×, group updates 1.16×, with mysql2's own type conversions).
 *
 * Values bind as the models store them: dates in Sequelize's SQLite text form (on MySQL the
 * driver sends them in the connection's UTC), JSON as text. Errors are the driver's own;
 * `translateDbError` knows them.
 */
export class DirectSql {
  private readConnection: Promise<SqliteConnection> | null = null;
  /** Statements sent so far (tests compare the database work of two requests with it). */
  executed = 0;

  constructor(
    private readonly sequelize: Sequelize,
    readonly dialect: 'sqlite' | 'mysql',
  ) {}

  /** Rows of a SELECT. Placeholders are `?`. */
  async all<T>(sql: string, params: unknown[], tx?: Tx): Promise<T[]> {
    this.executed++;
    if (this.dialect === 'mysql') return (await this.mysql(sql, params, tx)) as T[];
    const connection = await this.connection(tx);
    try {
      return connection.statement(sql).all(...params.map(sqliteValue)) as T[];
    } catch (err) {
      throw driverError(err);
    }
  }

  /** An INSERT, UPDATE or DELETE; answers the number of rows it changed. */
  async run(sql: string, params: unknown[], tx?: Tx): Promise<number> {
    this.executed++;
    if (this.dialect === 'mysql') return ((await this.mysql(sql, params, tx)) as { affectedRows: number }).affectedRows;
    const connection = await this.connection(tx);
    try {
      return connection.statement(sql).run(...params.map(sqliteValue)).changes;
    } catch (err) {
      throw driverError(err);
    }
  }

  /**
   * MySQL/MariaDB: runs a statement that sets `LAST_INSERT_ID(expr)` and answers that value, which
   * comes back with the statement's own result (0 when no row matched). MariaDB has no
   * `UPDATE … RETURNING`; this saves the SELECT after the UPDATE.
   */
  async lastInsertIdOf(sql: string, params: unknown[], tx: Tx): Promise<number> {
    this.executed++;
    return Number(((await this.mysql(sql, params, tx)) as { insertId: number }).insertId);
  }

  /**
   * ` FORCE INDEX (index)` on MySQL/MariaDB, nothing on SQLite: pins a hot statement's index where
   * MariaDB's choice follows its statistics and once walked a whole organization for a few users.
   */
  forceIndex(index: string): string {
    return this.dialect === 'mysql' ? ` FORCE INDEX (${index})` : '';
  }

  private get manager(): ConnectionManager {
    return this.sequelize.connectionManager as unknown as ConnectionManager;
  }

  private async connection(tx?: Tx): Promise<SqliteConnection> {
    return tx ? (connectionOf(tx) as SqliteConnection) : await (this.readConnection ??= this.manager.getConnection({}) as Promise<SqliteConnection>);
  }

  private async mysql(sql: string, values: unknown[], tx?: Tx): Promise<unknown> {
    const connection = (tx ? connectionOf(tx) : await this.manager.getConnection({ type: 'read' })) as MysqlConnection;
    try {
      return await new Promise((resolve, reject) => connection.execute({ sql, values }, (err, result) => (err ? reject(err) : resolve(result))));
    } finally {
      if (!tx) await this.manager.releaseConnection(connection);
    }
  }
}

/** A JSON column read through the driver: text on SQLite and MariaDB, already parsed by MySQL 8. */
export function jsonColumn<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** `?, ?, ?`: one placeholder per value. */
export const marks = (values: unknown[]) => values.map(() => '?').join(', ');

function connectionOf(tx: Tx): unknown {
  return (tx.transaction as unknown as { connection: unknown }).connection;
}
