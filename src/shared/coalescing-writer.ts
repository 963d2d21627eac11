import { setImmediate as nextTurn } from 'node:timers/promises';

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Coalesces concurrent writes that share a key (a group commit per key): writes that arrive
 * while a batch of their key is being written wait, then go together as one unit of work. Each
 * caller still gets its own answer: the unit of work may answer an Error for a write it refused
 * (the others are written), and when the whole batch fails, each of its writes is retried alone,
 * so one bad request cannot sink the others.
 */
export class CoalescingWriter<T, R> {
  private readonly queues = new Map<string, Array<Waiting<T, R>>>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly writeTogether: (items: T[]) => Promise<Array<R | Error>>,
    private readonly maxBatch = 50,
  ) {}

  write(key: string, item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    if (this.writing.has(key)) return;
    this.writing.add(key);
    try {
      // Writes made in the same turn of the event loop join the batch.
      while ((await nextTurn(), this.queues.has(key))) {
        const queue = this.queues.get(key)!;
        const batch = queue.splice(0, this.maxBatch);
        if (!queue.length) this.queues.delete(key);
        await this.settle(batch);
      }
    } finally {
      this.writing.delete(key);
    }
  }

  private async settle(batch: Array<Waiting<T, R>>): Promise<void> {
    try {
      const results = await this.writeTogether(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i]!;
        if (result instanceof Error) w.reject(result);
        else w.resolve(result);
      });
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) await this.settle([w]);
    }
  }
}
