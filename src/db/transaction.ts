import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Transaction, type Sequelize } from 'sequelize';
import type { Logger } from '../shared/logger';
import { isRetryableConflict, translateDbError } from './db-errors';
import { DirectSql } from './direct-sql';
import { runOn, type MysqlConnection } from './sequelize';
import type { Database as SqliteConnection } from './sqlite-driver';

/**
 * A unit of work. Everything a change writes — the rows, its events, its outbox mail —
 * goes through one `Tx`, so it all commits or nothing does.
 */
export interface Tx {
  readonly transaction: Transaction;
  /** Driver-level statements on this transaction's connection (`tx.sql.run(sql, params, tx)`). */
  readonly sql: DirectSql;
  /** Runs inside the transaction, after the work and just before COMMIT. */
  beforeCommit(hook: () => Promise<void>): void;
  /** Runs once the transaction has committed (for example: send the queued mail). */
  afterCommit(hook: () => void | Promise<void>): void;
}

type Work<T> = (tx: Tx) => Promise<T>;
type AfterHook = () => void | Promise<void>;

interface MysqlConnectionManager {
  getConnection(options: { type: 'write' }): Promise<MysqlConnection>;
  releaseConnection(connection: unknown): Promise<void>;
}

interface Queued {
  work: Work<unknown>;
  resolve(value: { value: unknown; after: AfterHook[] }): void;
  reject(err: unknown): void;
}

interface WriteCheck {
  resolve(): void;
  reject(err: unknown): void;
}

const MAX_ATTEMPTS = 4;
/** How long the write check waits for the write lock (SQLite) or a table lock (MySQL: whole seconds). */
const WRITE_CHECK_LOCK_WAIT_MS = 1_000;
/** A write check answers within this, whatever it waits behind. */
const WRITE_CHECK_DEADLINE_MS = 1_500;
/**
 * The SQLite readiness check's write, committed: in WAL mode a rolled-back change writes nothing,
 * so only a commit meets a full disk, a file made read-only or one deleted under the process.
 * One row, rewritten on every check: one WAL frame, and no fsync (the connection runs
 * synchronous=NORMAL, where a WAL commit does not sync).
 */
const SQLITE_READINESS_WRITE =
  "INSERT INTO scheduler_leases (name, holder, expires_at) VALUES ('readyz', 'readyz', strftime('%Y-%m-%d %H:%M:%f +00:00', 'now')) " +
  'ON CONFLICT (name) DO UPDATE SET expires_at = excluded.expires_at';
/** At most this many queued SQLite transactions share one COMMIT. */
const MAX_GROUP = 64;

export class Database {
  readonly dialect: 'sqlite' | 'mysql';
  private readonly queue: Queued[] = [];
  private readonly writeChecks: WriteCheck[] = [];
  private draining = false;
  /** Device and inode of the SQLite file and its WAL when the write connection first took them. */
  private sqliteFiles: Array<FileIdentity | undefined> | undefined;
  /** The write check under way; concurrent callers share it. */
  private writeCheck: Promise<void> | null = null;

  /** Prepared statements on the driver, for the hot paths (see DirectSql). */
  readonly sql: DirectSql;

  constructor(
    readonly sequelize: Sequelize,
    private readonly logger: Logger,
  ) {
    this.dialect = sequelize.getDialect() === 'mysql' ? 'mysql' : 'sqlite';
    this.sql = new DirectSql(sequelize, this.dialect);
  }

  /** Runs `work` in `tx` when one is given, else in a new transaction. */
  run<T>(tx: Tx | undefined, work: Work<T>): Promise<T> {
    return tx ? work(tx) : this.transaction(work);
  }

  async transaction<T>(work: Work<T>): Promise<T> {
    const { value, after } = this.dialect === 'sqlite' ? await this.groupCommit(work) : await this.withRetries(work);
    for (const hook of after) {
      try {
        await hook();
      } catch (err) {
        this.logger.error({ err }, 'after-commit hook failed');
      }
    }
    return value as T;
  }

  /** MySQL/MariaDB: one transaction per unit of work; InnoDB coalesces concurrent commits itself. */
  private async withRetries(work: Work<unknown>) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.mysqlTransaction(work);
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isRetryableConflict(err)) {
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
          continue;
        }
        throw translateDbError(err);
      }
    }
  }

  /**
   * START TRANSACTION, COMMIT and ROLLBACK go straight to the driver, as on SQLite (see
   * `sqliteWriter`; ingest A/B 1.05× against `sequelize.transaction`); model queries in the work
   * use the Sequelize transaction bound to the connection. A connection left broken is dropped by
   * the pool's check when next acquired.
   */
  private async mysqlTransaction(work: Work<unknown>): Promise<{ value: unknown; after: AfterHook[] }> {
    const manager = this.sequelize.connectionManager as unknown as MysqlConnectionManager;
    const connection = await manager.getConnection({ type: 'write' });
    const transaction = Object.assign(new Transaction(this.sequelize, {}), { connection });
    try {
      await runOn(connection, 'START TRANSACTION');
      try {
        const run = await runWork(transaction, work, this.sql);
        await runOn(connection, 'COMMIT');
        return run;
      } catch (err) {
        await runOn(connection, 'ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      (transaction as { finished?: string }).finished = 'commit';
      await manager.releaseConnection(connection);
    }
  }

  /**
   * SQLite has a single writer, and every COMMIT waits for the disk. Units of work that arrive
   * while one is being written queue up and then share one `BEGIN IMMEDIATE … COMMIT`, each in
   * its own SAVEPOINT: a failing unit rolls back only its own savepoint and gets its own error,
   * and none is answered before the shared COMMIT is durable (group commit).
   */
  private groupCommit(work: Work<unknown>): Promise<{ value: unknown; after: AfterHook[] }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ work, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      // The driver answers without returning to the event loop, so a group would hold only the
      // unit that started it: first let the requests already read in this turn queue their work.
      while ((await nextTurn(), this.queue.length || this.writeChecks.length)) {
        if (this.writeChecks.length) await this.checkSqliteWrite(this.writeChecks.splice(0));
        if (this.queue.length) await this.commitGroup(this.queue.splice(0, MAX_GROUP));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: Queued[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown; after: AfterHook[] } | { ok: false; err: unknown }> = [];
    let writer: { transaction: Transaction; exec(sql: string): Promise<void> } | undefined;
    try {
      writer = await this.sqliteWriter();
      const { transaction, exec } = writer;
      await exec('BEGIN IMMEDIATE');
      try {
        for (const item of group) {
          if (group.length === 1) {
            outcomes.push({ ok: true, ...(await runWork(transaction, item.work, this.sql)) });
            continue;
          }
          await exec('SAVEPOINT unit');
          try {
            const run = await runWork(transaction, item.work, this.sql);
            await exec('RELEASE unit');
            outcomes.push({ ok: true, ...run });
          } catch (err) {
            await exec('ROLLBACK TO unit');
            await exec('RELEASE unit');
            outcomes.push({ ok: false, err });
          }
        }
        await exec('COMMIT');
      } catch (err) {
        await exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } catch (err) {
      // The shared COMMIT (or a lone unit) failed: nothing of the group was written.
      const error = translateDbError(err);
      group.forEach((item, i) => {
        const outcome = outcomes[i];
        item.reject(outcome && !outcome.ok ? translateDbError(outcome.err) : error);
      });
      return;
    } finally {
      // Whatever still holds it cannot write through it any more.
      if (writer) (writer.transaction as { finished?: string }).finished = 'commit';
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve({ value: outcome.value, after: outcome.after });
      else item.reject(translateDbError(outcome.err));
    });
  }

  /**
   * The SQLite write connection, and a Sequelize transaction bound to it for model queries.
   * BEGIN, SAVEPOINT and COMMIT go straight to the driver: through Sequelize they cost about a
   * quarter of a millisecond of CPU each group, more than the group's inserts.
   */
  private async sqliteWriter() {
    const { connection, exec } = await this.sqliteWriteConnection();
    const transaction = Object.assign(new Transaction(this.sequelize, { type: Transaction.TYPES.IMMEDIATE }), { connection });
    return { transaction, exec };
  }

  private async sqliteWriteConnection() {
    const connection = (await this.sequelize.connectionManager.getConnection({ uuid: 'tx' } as never)) as unknown as SqliteConnection;
    this.assertSqliteFileInPlace(connection.filename);
    const exec = (sql: string) => new Promise<void>((resolve, reject) => connection.run(sql, [], (err) => (err ? reject(err) : resolve())));
    return { connection, exec };
  }

  /**
   * A SQLite file or its write-ahead log deleted or replaced under the process still takes
   * writes, into open files that nothing will read again (SQLite does not notice in WAL mode).
   * Both are compared with the files the write connection first wrote to, two stats per group:
   * such a write is refused as a read-only file's (503), and readiness fails.
   */
  private assertSqliteFileInPlace(filename: string): void {
    if (filename === '' || filename === ':memory:') return;
    const now = [identityOf(filename), identityOf(`${filename}-wal`)];
    this.sqliteFiles ??= now;
    const moved = now.some((file, i) => {
      const first = this.sqliteFiles![i];
      return first !== undefined && (file === undefined || file.dev !== first.dev || file.ino !== first.ino);
    });
    if (moved || now[0] === undefined) {
      throw Object.assign(new Error('SQLITE_READONLY: the database file or its log was removed or replaced'), { code: 'SQLITE_READONLY' });
    }
  }

  async ping(): Promise<void> {
    await this.sequelize.query('SELECT 1');
  }

  /**
   * Whether a write could start now, for readiness: what a write would meet, not just whether
   * the database answers a SELECT (a locked or read-only database answers reads). Rejects
   * within WRITE_CHECK_DEADLINE_MS. Concurrent checks share one.
   * - SQLite: in the write queue's turn, the write connection takes the write lock
   *   (`BEGIN IMMEDIATE`, waiting at most WRITE_CHECK_LOCK_WAIT_MS), rewrites one row and commits
   *   (SQLITE_READINESS_WRITE says why it commits).
   * - MySQL/MariaDB: a row is inserted into `scheduler_leases` on a write connection and rolled
   *   back (so a read-only server, a locked table or a full pool fail it), with the session's
   *   lock waits cut to 1 s for the check.
   */
  checkWritable(): Promise<void> {
    if (!this.writeCheck) {
      const check = this.dialect === 'sqlite' ? this.queueSqliteWriteCheck() : this.checkMysqlWrite();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`write check took over ${WRITE_CHECK_DEADLINE_MS} ms`)), WRITE_CHECK_DEADLINE_MS);
      });
      this.writeCheck = Promise.race([check, deadline]).finally(() => {
        clearTimeout(timer);
        this.writeCheck = null;
      });
      check.catch(() => undefined); // answered by the deadline already, or by the race
    }
    return this.writeCheck;
  }

  private queueSqliteWriteCheck(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.writeChecks.push({ resolve, reject });
      void this.drain();
    });
  }

  /** Runs between groups, so the write connection has no transaction open. */
  private async checkSqliteWrite(checks: WriteCheck[]): Promise<void> {
    try {
      const { connection, exec } = await this.sqliteWriteConnection();
      const usual = connection.busyTimeoutMs;
      connection.busyTimeoutMs = WRITE_CHECK_LOCK_WAIT_MS;
      try {
        await exec('BEGIN IMMEDIATE');
      } finally {
        connection.busyTimeoutMs = usual;
      }
      try {
        await exec(SQLITE_READINESS_WRITE);
        await exec('COMMIT');
      } catch (err) {
        await exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
      for (const check of checks) check.resolve();
    } catch (err) {
      for (const check of checks) check.reject(err);
    }
  }

  private async checkMysqlWrite(): Promise<void> {
    const manager = this.sequelize.connectionManager as unknown as MysqlConnectionManager;
    const connection = await manager.getConnection({ type: 'write' });
    const seconds = Math.max(1, Math.round(WRITE_CHECK_LOCK_WAIT_MS / 1000));
    try {
      await runOn(connection, `SET SESSION lock_wait_timeout = ${seconds}, innodb_lock_wait_timeout = ${seconds}`);
      await runOn(connection, 'START TRANSACTION');
      try {
        await runOn(connection, `INSERT INTO scheduler_leases (name, holder, expires_at) VALUES ('readyz:${randomBytes(8).toString('hex')}', 'readyz', CURRENT_TIMESTAMP)`);
      } finally {
        await runOn(connection, 'ROLLBACK').catch(() => undefined);
      }
    } finally {
      // Back to the server's values: the pool's sessions set neither (sequelize.ts).
      await runOn(connection, 'SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT').catch(() => undefined);
      await manager.releaseConnection(connection);
    }
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }
}

interface FileIdentity {
  dev: number;
  ino: number;
}

function identityOf(path: string): FileIdentity | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return undefined; // gone
  }
}

/** Runs one unit of work and its before-commit hooks on `transaction`. */
async function runWork(transaction: Transaction, work: Work<unknown>, sql: DirectSql): Promise<{ value: unknown; after: AfterHook[] }> {
  const before: Array<() => Promise<void>> = [];
  const after: AfterHook[] = [];
  const tx: Tx = {
    transaction,
    sql,
    beforeCommit: (hook) => void before.push(hook),
    afterCommit: (hook) => void after.push(hook),
  };
  const value = await work(tx);
  for (let i = 0; i < before.length; i++) await before[i]!();
  return { value, after };
}
