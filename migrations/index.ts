import * as m0001 from './0001-foundation';
import * as m0003 from './0003-domains';

/** Every migration, in order. Append only: a landed migration is never edited. */
export const migrations = [m0001, m0003];
