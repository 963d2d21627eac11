/**
 * Coalesces concurrent lookups into one call of `loadMany`: lookups that arrive while a call
 * is running (or in the same turn of the event loop) wait and go together in the next call.
 * Under load this turns N queries into one; alone, a lookup costs one setImmediate more.
 */
export class KeyBatcher<R> {
  private queue: Array<{ keys: string[]; resolve: (rows: R[]) => void; reject: (err: unknown) => void }> = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly loadMany: (keys: string[]) => Promise<R[]>,
    private readonly keyOf: (row: R) => string,
    private readonly maxLookups = 64,
  ) {}

  /** The rows whose key is one of `keys`. */
  load(keys: string[]): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ keys, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.scheduled || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxLookups);
    this.busy = true;
    try {
      const rows = await this.loadMany([...new Set(batch.flatMap((b) => b.keys))]);
      const byKey = new Map(rows.map((r) => [this.keyOf(r), r]));
      for (const b of batch) b.resolve(b.keys.flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : [])));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
