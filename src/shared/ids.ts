import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Every id is `<prefix>_<ULID>`: opaque, globally unique and sortable by creation time. */
export type IdPrefix =
  | 'ten' | 'org' | 'usr' | 'mem' | 'rol' | 'inv' | 'dom' | 'con' | 'dir' | 'app' | 'evt' | 'key' | 'msg' | 'sig' | 'whk' | 'dlv';

/**
 * Random bytes drawn from the OS in blocks rather than one system call per ULID character.
 * One byte per character: 256 is a multiple of ULID's 32 symbols, so every symbol stays equally likely.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;
function pooledRandom(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}

/** A bare ULID, for ids whose format a protocol owns (SCIM resource ids). */
export function newUlid(): string {
  return nextUlid();
}

const ID_PATTERN = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` looks like an id of the given prefix (as opposed to a slug). */
export function isId(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && ID_PATTERN.test(value);
}
