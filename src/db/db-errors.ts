import {
  ConnectionError,
  DatabaseError,
  ForeignKeyConstraintError,
  TimeoutError,
  UniqueConstraintError,
} from 'sequelize';
import { AppError, ConflictError, UnavailableError } from '../shared/errors';
import { findUniqueIndex } from './constraints';

/**
 * The one place where database failures become domain errors: a unique index collision
 * is a 409 with a message that names what collided, a lost database is a 503, and
 * anything else stays an internal error (its SQL goes only to the log).
 */
export function translateDbError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  // As Sequelize wraps them, or as the drivers report them (statements sent through DirectSql).
  const code = errorCode(err);
  const raw = (err as { parent?: { message?: string } }).parent?.message ?? (err as Error).message ?? '';
  if (err instanceof UniqueConstraintError || code === 'ER_DUP_ENTRY' || (code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(raw))) {
    return new ConflictError(uniqueMessage(raw), { scimType: 'uniqueness', cause: err });
  }
  if (
    err instanceof ForeignKeyConstraintError ||
    code === 'ER_NO_REFERENCED_ROW_2' ||
    code === 'ER_ROW_IS_REFERENCED_2' ||
    (code === 'SQLITE_CONSTRAINT' && /FOREIGN KEY/.test(raw))
  ) {
    return new ConflictError('the change refers to a resource that is missing or still in use', { cause: err });
  }
  // MySQL/MariaDB refuse a value longer than its column (SQLite stores it): the routes check
  // lengths first; one they miss is still the caller's input, not a server failure.
  if (code === 'ER_DATA_TOO_LONG') {
    return new AppError('invalid_request', 'a value is longer than its field allows', { scimType: 'invalidValue', cause: err });
  }
  if (isUnavailable(err)) return new UnavailableError(undefined, err);
  return err;
}

const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_MISUSE',
  // The file cannot take writes now (a full disk, made read-only, deleted under the process):
  // the operator's to fix, and the same request succeeds afterwards.
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  // A server that refuses writes (read_only / super_read_only, a failover's old primary, a full disk).
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
  'ER_READ_ONLY_MODE',
  'ER_RECORD_FILE_FULL',
  'ER_DISK_FULL',
]);

export function isUnavailable(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  const code = errorCode(err);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /connection manager was closed|Can't add new command when connection is in closed state|SQLITE_MISUSE: Database (is )?closed/.test(
    message,
  );
}

/**
 * For look-ups whose failure means "no such thing" to the caller (an unknown tenant, an expired
 * interaction): null when `promise` fails, unless the database is unavailable, which stays an
 * error (a 503 with Retry-After) instead of passing for a 404, a sign-out or an expired form.
 */
export function nullUnlessUnavailable<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((err: unknown) => {
    if (meansUnavailable(err)) throw translateDbError(err);
    return null;
  });
}

/** Whether `err`, raw or already translated, is a database that is unavailable (a 503). */
export function meansUnavailable(err: unknown): boolean {
  return translateDbError(err) instanceof UnavailableError;
}

/** MySQL/MariaDB deadlock or serialization failure: safe to retry the whole transaction. */
export function isRetryableConflict(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

function errorCode(err: unknown): string | undefined {
  const parent = err instanceof DatabaseError ? (err.parent as { code?: string }) : (err as { code?: string });
  if (parent && typeof parent.code === 'string') return parent.code;
  const original = (err as { original?: { code?: string } })?.original;
  return typeof original?.code === 'string' ? original.code : undefined;
}

function uniqueMessage(raw: string): string {
  const sqlite = /UNIQUE constraint failed: (.*)$/m.exec(raw);
  if (sqlite) {
    const cols = sqlite[1]!.split(', ').map((c) => c.trim().split('.'));
    const index = findUniqueIndex(cols[0]![0]!, cols.map((c) => c[1]!));
    if (index) return index.message;
  }
  const mysql = /for key '([^']+)'/.exec(raw);
  if (mysql) {
    const index = findUniqueIndex(mysql[1]!);
    if (index) return index.message;
  }
  return 'the change conflicts with an existing resource';
}
