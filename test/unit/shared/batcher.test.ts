import { KeyBatcher } from '../../../src/shared/batcher';

describe('KeyBatcher', () => {
  it('lookups made together share one call, and each gets only its own rows', async () => {
    const calls: string[][] = [];
    const batcher = new KeyBatcher<{ k: string }>(async (keys) => {
      calls.push(keys);
      return keys.filter((k) => k !== 'missing').map((k) => ({ k }));
    }, (r) => r.k);
    const results = await Promise.all([batcher.load(['a', 'b']), batcher.load(['b', 'missing']), batcher.load(['c'])]);
    expect(calls).toEqual([['a', 'b', 'missing', 'c']]);
    expect(results).toEqual([[{ k: 'a' }, { k: 'b' }], [{ k: 'b' }], [{ k: 'c' }]]);
  });

  it('lookups arriving while a call runs go together in the next one', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new KeyBatcher<{ k: string }>(async (keys) => {
      calls.push(keys);
      if (calls.length === 1) await gate;
      return keys.map((k) => ({ k }));
    }, (r) => r.k);
    const first = batcher.load(['a']);
    await new Promise((r) => setImmediate(r));
    const later = [batcher.load(['b']), batcher.load(['c'])];
    release();
    await Promise.all([first, ...later]);
    expect(calls).toEqual([['a'], ['b', 'c']]);
  });

  it('a failed call rejects every lookup in it, and the next call still runs', async () => {
    let fail = true;
    const batcher = new KeyBatcher<{ k: string }>(async (keys) => {
      if (fail) throw new Error('db down');
      return keys.map((k) => ({ k }));
    }, (r) => r.k);
    await expect(Promise.all([batcher.load(['a']), batcher.load(['b'])])).rejects.toThrow('db down');
    fail = false;
    await expect(batcher.load(['a'])).resolves.toEqual([{ k: 'a' }]);
  });
});
