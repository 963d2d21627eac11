import * as m0001 from './0001-foundation';
import * as m0004 from './0004-scim';

/** Every migration, in order. Append only: a landed migration is never edited. */
export const migrations = [m0001, m0004];
