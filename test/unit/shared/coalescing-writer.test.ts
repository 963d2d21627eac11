import { CoalescingWriter } from '../../../src/shared/coalescing-writer';

describe('CoalescingWriter', () => {
  it('writes made together for one key go as one batch, other keys apart; each caller gets its own result', async () => {
    const batches: string[][] = [];
    const writer = new CoalescingWriter<string, string>(async (items) => {
      batches.push(items);
      return items.map((i) => i.toUpperCase());
    });
    const results = await Promise.all([writer.write('a', 'x'), writer.write('a', 'y'), writer.write('b', 'z'), writer.write('a', 'w')]);
    expect(results).toEqual(['X', 'Y', 'Z', 'W']);
    expect(batches).toEqual(expect.arrayContaining([['x', 'y', 'w'], ['z']]));
    expect(batches).toHaveLength(2);
  });

  it('a failed batch is retried one write at a time, so only the bad write fails', async () => {
    const calls: string[][] = [];
    const writer = new CoalescingWriter<string, string>(async (items) => {
      calls.push(items);
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
      return items;
    });
    const settled = await Promise.allSettled(['ok1', 'bad', 'ok2'].map((i) => writer.write('k', i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('refused bad');
    expect(calls).toEqual([['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
  });

  it('writes that arrive while a batch is written wait for it and go in the next one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batches: number[][] = [];
    const writer = new CoalescingWriter<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items;
    });
    const first = writer.write('k', 1);
    await new Promise((r) => setImmediate(r));
    const later = [writer.write('k', 2), writer.write('k', 3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
