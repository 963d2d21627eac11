import { translateDbError } from '../../../src/db/db-errors';
import { UnavailableError } from '../../../src/shared/errors';

const driverError = (code: string) => Object.assign(new Error(`${code}: refused`), { code });

describe('translateDbError', () => {
  it.each([
    'SQLITE_FULL', // a full disk
    'SQLITE_READONLY', // a file made read-only, or deleted under the process
    'SQLITE_PERM',
    'ER_OPTION_PREVENTS_STATEMENT', // MySQL/MariaDB running with read_only (a failover's old primary)
    'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
    'ER_READ_ONLY_MODE', // InnoDB read-only
    'ER_RECORD_FILE_FULL',
    'ER_DISK_FULL',
  ])('%s: the database refuses writes for now, a 503', (code) => {
    expect(translateDbError(driverError(code))).toBeInstanceOf(UnavailableError);
  });

  it('a user without the privilege stays an internal error (a deployment fault, not one that waiting mends)', () => {
    const err = driverError('ER_TABLEACCESS_DENIED_ERROR');
    expect(translateDbError(err)).toBe(err);
  });
});
