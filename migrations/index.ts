import * as m0001 from './0001-foundation';

/** Every migration, in order. Append only: a landed migration is never edited. */
export const migrations = [m0001];
