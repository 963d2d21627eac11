import type { Sequelize } from 'sequelize';
import type { Tx } from './transaction';

type Callback<T> = (err: Error | null, result: T) => void;

interface SqliteStatement {
  all(params: unknown[], cb: Callback<unknown[]>): void;
  run(params: unknown[], cb: (this: { changes: number }, err: Error | null) => void): void;
  finalize(cb: () => void): void;
}
interface SqliteConnection {
  prepare(sql: string, cb: (err: Error | null) => void): SqliteStatement;
}
interface MysqlConnection {
  query(options: { sql: string; values: unknown[] }, cb: Callback<unknown>): void;
}
interface ConnectionManager {
  getConnection(options?: object): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void> | void;
}

/** At most this many prepared statements are kept per SQLite connection. */
const STATEMENT_CACHE = 256;

/**
 * Statements sent straight to the driver, for the hot paths only (SCIM ingest and lookups,
 * login routing). Sequelize spends 0.15–0.3 ms of main-thread CPU on each statement before the
 * driver sees it (query building, an Error captured for its stack, result mapping); a prepared
 * SQLite statement costs about 0.04 ms. Transactions stay Sequelize's: given a `Tx`, a
 * statement runs on that transaction's connection.
 *
 * Values bind as the models store them: dates in Sequelize's SQLite text form (on MySQL the
 * driver formats them in the connection's UTC), JSON as text. Errors are the driver's own;
 * `translateDbError` knows them.
 */
export class DirectSql {
  private readonly statements = new Map<SqliteConnection, Map<string, SqliteStatement>>();
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
    const statement = this.statement(await this.connection(tx), sql);
    return new Promise((resolve, reject) => statement.all(params.map(sqliteValue), (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  /** An INSERT, UPDATE or DELETE; answers the number of rows it changed. */
  async run(sql: string, params: unknown[], tx?: Tx): Promise<number> {
    this.executed++;
    if (this.dialect === 'mysql') return ((await this.mysql(sql, params, tx)) as { affectedRows: number }).affectedRows;
    const statement = this.statement(await this.connection(tx), sql);
    return new Promise((resolve, reject) =>
      statement.run(params.map(sqliteValue), function (err) {
        if (err) reject(err);
        else resolve(this.changes);
      }),
    );
  }

  /** Finalizes every prepared statement: SQLite will not close a connection that has some. */
  async close(): Promise<void> {
    const all = [...this.statements.values()].flatMap((m) => [...m.values()]);
    this.statements.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
  }

  private get manager(): ConnectionManager {
    return this.sequelize.connectionManager as unknown as ConnectionManager;
  }

  private async connection(tx?: Tx): Promise<SqliteConnection> {
    return tx ? (connectionOf(tx) as SqliteConnection) : await (this.readConnection ??= this.manager.getConnection({}) as Promise<SqliteConnection>);
  }

  /**
   * The cached statement for `sql` (least recently used ones make room). Synchronous, and its
   * caller uses it in the same tick: node-sqlite3 runs a statement's operations in order, so an
   * eviction's finalize can only come after work already queued on it.
   */
  private statement(connection: SqliteConnection, sql: string): SqliteStatement {
    let cache = this.statements.get(connection);
    if (!cache) this.statements.set(connection, (cache = new Map()));
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      if (cache.size >= STATEMENT_CACHE) {
        const [oldest, dropped] = cache.entries().next().value!;
        cache.delete(oldest);
        dropped.finalize(() => undefined);
      }
      const prepared = connection.prepare(sql, (err) => {
        // A statement that did not prepare is dropped (its callers get the error); it has nothing to finalize.
        if (err && cache.get(sql) === prepared) cache.delete(sql);
      });
      statement = prepared;
    }
    cache.set(sql, statement);
    return statement;
  }

  private async mysql(sql: string, values: unknown[], tx?: Tx): Promise<unknown> {
    const connection = (tx ? connectionOf(tx) : await this.manager.getConnection({ type: 'read' })) as MysqlConnection;
    try {
      return await new Promise((resolve, reject) => connection.query({ sql, values }, (err, result) => (err ? reject(err) : resolve(result))));
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

/** Sequelize's SQLite text form of a date (`2026-11-23 06:24:01.123 +00:00`), so rows read the same either way. */
function sqliteValue(value: unknown): unknown {
  return value instanceof Date ? `${value.toISOString().replace('T', ' ').replace('Z', '')} +00:00` : value;
}
