import { Transaction, type Sequelize } from 'sequelize';
import type { Logger } from '../shared/logger';
import { isRetryableConflict, translateDbError } from './db-errors';

/**
 * A unit of work. Everything a change writes — the rows, its events, its outbox mail —
 * goes through one `Tx`, so it all commits or nothing does.
 */
export interface Tx {
  readonly transaction: Transaction;
  /** Runs inside the transaction, after the work and just before COMMIT. */
  beforeCommit(hook: () => Promise<void>): void;
  /** Runs once the transaction has committed (for example: send the queued mail). */
  afterCommit(hook: () => void | Promise<void>): void;
}

const MAX_ATTEMPTS = 4;

interface Committed<T> {
  value: T;
  after: Array<() => void | Promise<void>>;
}

export class Database {
  readonly dialect: 'sqlite' | 'mysql';
  /** SQLite has a single writer: write transactions queue here instead of spinning on SQLITE_BUSY. */
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sequelize: Sequelize,
    private readonly logger: Logger,
  ) {
    this.dialect = sequelize.getDialect() === 'mysql' ? 'mysql' : 'sqlite';
  }

  /** Runs `work` in `tx` when one is given, else in a new transaction. */
  run<T>(tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    return tx ? work(tx) : this.transaction(work);
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const { value, after } = await this.commit(work);
    for (const hook of after) {
      try {
        await hook();
      } catch (err) {
        this.logger.error({ err }, 'after-commit hook failed');
      }
    }
    return value;
  }

  private async commit<T>(work: (tx: Tx) => Promise<T>): Promise<Committed<T>> {
    if (this.dialect === 'sqlite') {
      const turn = this.writeQueue.then(() => this.attempt(work));
      this.writeQueue = turn.catch(() => undefined);
      return turn.catch((err) => Promise.reject(translateDbError(err)));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(work);
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isRetryableConflict(err)) {
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
          continue;
        }
        throw translateDbError(err);
      }
    }
  }

  private async attempt<T>(work: (tx: Tx) => Promise<T>): Promise<Committed<T>> {
    const before: Array<() => Promise<void>> = [];
    const after: Array<() => void | Promise<void>> = [];
    const options =
      this.dialect === 'sqlite' ? { type: Transaction.TYPES.IMMEDIATE } : {};
    const value = await this.sequelize.transaction(options, async (transaction) => {
      const tx: Tx = {
        transaction,
        beforeCommit: (hook) => void before.push(hook),
        afterCommit: (hook) => void after.push(hook),
      };
      const result = await work(tx);
      for (let i = 0; i < before.length; i++) await before[i]!();
      return result;
    });
    return { value, after };
  }

  async ping(): Promise<void> {
    await this.sequelize.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }
}
