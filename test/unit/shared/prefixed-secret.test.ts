import { KNOWN_PREFIX_TTL_MS, PrefixedSecrets } from '../../../src/shared/prefixed-secret';
import { SECRET_CACHE_TTL_MS } from '../../../src/shared/ttl-cache';

interface Row {
  hash: string;
}

/** Secrets over an in-memory table, counting how often the table is read. */
function setup() {
  let now = 0;
  const rows = new Map<string, Row>();
  const loads: string[] = [];
  const secrets = new PrefixedSecrets<Row>(
    'obk',
    async (prefix) => {
      loads.push(prefix);
      return rows.get(prefix) ?? null;
    },
    (row) => row.hash,
    { now: () => new Date(now) },
  );
  return { secrets, rows, loads, advance: (ms: number) => void (now += ms) };
}

const unknown = (prefix: string) => `obk_${prefix}_${'A'.repeat(43)}`;

describe('PrefixedSecrets: unknown prefixes', () => {
  it('an unknown prefix presented again and again is read from the database once per TTL', async () => {
    const { secrets, loads, advance } = setup();
    for (let i = 0; i < 5; i++) expect(await secrets.verify(unknown('0123456789abcdef'))).toBeNull();
    expect(loads).toEqual(['0123456789abcdef']);
    advance(SECRET_CACHE_TTL_MS);
    expect(await secrets.verify(unknown('0123456789abcdef'))).toBeNull();
    expect(loads).toHaveLength(2);
  });

  it('the negative entries are bounded and never push out known keys', async () => {
    const { secrets, rows, loads } = setup();
    const known = secrets.mint();
    rows.set(known.prefix, { hash: known.hash });
    expect(await secrets.verify(known.secret)).not.toBeNull();
    for (let i = 0; i < 12_000; i++) await secrets.verify(unknown(i.toString(16).padStart(16, '0')));
    loads.length = 0;
    expect(await secrets.verify(known.secret)).not.toBeNull();
    expect(loads).toEqual([]);
    // The oldest unknown prefixes were dropped to stay within the bound: read again.
    await secrets.verify(unknown('0'.repeat(16)));
    expect(loads).toHaveLength(1);
  });

  it('a secret minted here works at once, even if its prefix had been looked up and not found', async () => {
    const { secrets, rows } = setup();
    const minted = secrets.mint();
    // Presented before its row was committed (only a guess could do that): not remembered as unknown.
    expect(await secrets.verify(minted.secret)).toBeNull();
    rows.set(minted.prefix, { hash: minted.hash });
    expect(await secrets.verify(minted.secret)).not.toBeNull();
  });

  it('forget() drops a negative entry too', async () => {
    const { secrets, loads } = setup();
    await secrets.verify(unknown('00000000000000aa'));
    secrets.forget('00000000000000aa');
    await secrets.verify(unknown('00000000000000aa'));
    expect(loads).toHaveLength(2);
  });

  it('wouldReadUnknown: true only for a well-formed secret whose prefix is neither cached nor known to have named a row lately', async () => {
    const { secrets, rows, advance } = setup();
    expect(secrets.wouldReadUnknown('nope')).toBe(false);
    expect(secrets.wouldReadUnknown(unknown('00000000000000bb'))).toBe(true);
    await secrets.verify(unknown('00000000000000bb'));
    expect(secrets.wouldReadUnknown(unknown('00000000000000bb'))).toBe(false); // remembered as unknown: no read
    const minted = secrets.mint();
    rows.set(minted.prefix, { hash: minted.hash });
    expect(secrets.wouldReadUnknown(minted.secret)).toBe(false);
    await secrets.verify(minted.secret);
    advance(SECRET_CACHE_TTL_MS);
    expect(secrets.wouldReadUnknown(unknown('00000000000000bb'))).toBe(true);
    expect(secrets.wouldReadUnknown(minted.secret)).toBe(false); // the row's cache expired; the prefix is still known
    advance(KNOWN_PREFIX_TTL_MS);
    expect(secrets.wouldReadUnknown(minted.secret)).toBe(true);
  });
});
