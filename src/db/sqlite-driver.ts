import BetterSqlite3 from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer';

type Params = unknown[] | Record<string, unknown> | undefined;
type Done<T> = (this: Statement, err: Error | null, result?: T) => void;

/** What node-sqlite3 gives a `run` callback as `this`; Sequelize reads it by that class name. */
class Statement {
  constructor(
    readonly lastID: number,
    readonly changes: number,
  ) {}
}

/** At most this many prepared statements are kept per connection. */
const STATEMENT_CACHE = 256;
const NO_CHANGE = new Statement(0, 0);
/** Pages in the log before the writer checkpoints by itself: only if the WalCheckpointer falls behind. */
const WRITER_AUTOCHECKPOINT = 10_000;

/**
 * The part of node-sqlite3's API that Sequelize's SQLite dialect uses, over better-sqlite3
 * (given to Sequelize as its `dialectModule`). better-sqlite3 runs a statement synchronously on
 * the calling thread: no hop to libuv's thread pool and back per statement, which is what
 * bounded the write paths (a coalesced SCIM batch sends a dozen statements in sequence). The
 * callbacks still come asynchronously, as node-sqlite3's do.
 *
 * Synchronous means a statement that waits for a lock blocks the event loop, so this connection
 * never waits: SQLITE_BUSY is retried on a timer instead (see `execute`), which lets whoever holds
 * the lock — another connection of this process included — finish meanwhile.
 */
export class Database {
  static readonly OPEN_READONLY = 0x1;
  static readonly OPEN_READWRITE = 0x2;
  static readonly OPEN_CREATE = 0x4;

  /** The better-sqlite3 connection, for statements sent straight to it (DirectSql). */
  readonly native: BetterSqlite3.Database;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /**
   * How long a statement may keep meeting a lock before SQLITE_BUSY is returned. SQLite's own
   * `busy_timeout` stays 0: it would wait inside the call, blocking the event loop.
   */
  busyTimeoutMs = 5_000;
  private checkpointer: WalCheckpointer | undefined;

  constructor(
    readonly filename: string,
    mode = Database.OPEN_READWRITE | Database.OPEN_CREATE,
    callback?: (err: Error | null) => void,
  ) {
    let native: BetterSqlite3.Database | undefined;
    let error: Error | null = null;
    try {
      native = new BetterSqlite3(filename, { readonly: (mode & Database.OPEN_READWRITE) === 0, fileMustExist: (mode & Database.OPEN_CREATE) === 0, timeout: 0 });
    } catch (err) {
      error = driverError(err);
    }
    this.native = native!;
    // SQLite's lower() folds ASCII only; SCIM filters compare stored JSON strings with this, as
    // JS lower-cases the indexed *_lower columns and the values they are compared with.
    native?.function('unicode_lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : (s as null)));
    if (callback) process.nextTick(callback, error);
  }

  /** For the connection that writes: checkpoints are left to a worker thread (see WalCheckpointer). */
  checkpointInBackground(): void {
    this.native.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT}`);
    this.checkpointer = new WalCheckpointer(this.filename);
  }

  /** node-sqlite3 orders statements inside `serialize`; these already run in call order. */
  serialize(work?: () => void): void {
    work?.();
  }

  run(sql: string, params?: Params | Done<never>, callback?: Done<never>): this {
    return this.execute(sql, params, callback, (statement, values) => ({ self: changed(statement.run(...values)), rows: undefined }));
  }

  all(sql: string, params?: Params | Done<unknown[]>, callback?: Done<unknown[]>): this {
    return this.execute(sql, params, callback, (statement, values) =>
      statement.reader ? { self: NO_CHANGE, rows: statement.all(...values) } : { self: changed(statement.run(...values)), rows: [] },
    );
  }

  get(sql: string, params?: Params | Done<unknown>, callback?: Done<unknown>): this {
    return this.execute(sql, params, callback, (statement, values) =>
      statement.reader ? { self: NO_CHANGE, rows: statement.get(...values) } : { self: changed(statement.run(...values)), rows: undefined },
    );
  }

  exec(sql: string, callback?: (err: Error | null) => void): this {
    let error: Error | null = null;
    try {
      this.native.exec(sql);
    } catch (err) {
      error = driverError(err);
    }
    if (callback) process.nextTick(callback, error);
    return this;
  }

  close(callback?: (err: Error | null) => void): void {
    let error: Error | null = null;
    try {
      if (this.native?.open) this.native.close();
    } catch (err) {
      error = driverError(err);
    }
    this.statements.clear();
    void Promise.resolve(this.checkpointer?.stop()).then(() => callback?.(error));
  }

  /** The cached prepared statement for `sql` (least recently used ones make room). */
  statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      if (!this.native?.open) throw closedError();
      statement = this.native.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  private execute<T>(
    sql: string,
    params: Params | Done<T>,
    callback: Done<T> | undefined,
    step: (statement: BetterSqlite3.Statement, values: unknown[]) => { self: Statement; rows: T | undefined },
  ): this {
    if (typeof params === 'function') [callback, params] = [params, undefined];
    const values = bindable(params);
    const deadline = Date.now() + this.busyTimeoutMs;
    const attempt = () => {
      let outcome: { self: Statement; rows: T | undefined } | undefined;
      let error: Error | null = null;
      try {
        outcome = step(this.statement(withNulSpelled(sql)), values);
      } catch (err) {
        if (isBusy(err) && Date.now() < deadline) return void setTimeout(attempt, 2);
        error = driverError(err);
      }
      if (callback) process.nextTick(() => callback.call(outcome?.self ?? NO_CHANGE, error, outcome?.rows));
    };
    attempt();
    return this;
  }
}

/**
 * Sequelize writes a SELECT's values into its text as quoted literals, and SQLite reads a NUL as
 * the end of the statement ("unrecognized token"). NULs can only come from such a literal, so
 * each is spelt as a concatenation: 'a' || char(0) || 'b'.
 */
function withNulSpelled(sql: string): string {
  return sql.includes('\u0000') ? sql.replaceAll('\u0000', "' || char(0) || '") : sql;
}

/** Values as better-sqlite3 takes them: positional, or named without the `$`/`:`/`@` (as Sequelize sends `{ $1: … }`). */
function bindable(params: Params): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(sqliteValue);
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) named[key.replace(/^[$:@]/, '')] = sqliteValue(value);
  return [named];
}

/**
 * node-sqlite3 binds booleans as 1/0 and undefined as NULL; better-sqlite3 refuses both. Dates
 * (only DirectSql sends any) take Sequelize's SQLite text form, `2026-11-23 06:24:01.123 +00:00`,
 * so rows read the same whichever path wrote them.
 */
export function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return `${value.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
  return value;
}

function changed(result: BetterSqlite3.RunResult): Statement {
  return new Statement(Number(result.lastInsertRowid), result.changes);
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** The error as node-sqlite3 reports it (`SQLITE_CONSTRAINT: UNIQUE constraint failed: …`, code `SQLITE_CONSTRAINT`), which Sequelize and translateDbError read. */
export function driverError(err: unknown): Error {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_') || (err as Error).message.startsWith(`${code}:`)) {
    return err instanceof TypeError && /not open/.test(err.message) ? closedError() : (err as Error);
  }
  const primary = code.split('_').slice(0, 2).join('_');
  const error = new Error(`${primary}: ${(err as Error).message}`) as Error & { code: string; extendedCode: string };
  error.code = primary;
  error.extendedCode = code;
  return error;
}

function closedError(): Error {
  return Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' });
}

export default { Database, OPEN_READONLY: Database.OPEN_READONLY, OPEN_READWRITE: Database.OPEN_READWRITE, OPEN_CREATE: Database.OPEN_CREATE };
