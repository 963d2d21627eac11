import { Worker } from 'node:worker_threads';

/** How often the worker copies committed pages from the write-ahead log into the database. */
const INTERVAL_MS = 50;

// Plain JavaScript, so the same code runs from the build and under the test runner.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next round will do */ }
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Checkpoints a SQLite file in WAL mode from a worker thread. SQLite otherwise checkpoints
 * inside whichever COMMIT finds the log past 1,000 pages: with a synchronous driver that is the
 * event loop copying pages and waiting for two fsyncs (measured: about a fifth of the main
 * thread's time during a SCIM ingest). PASSIVE checkpoints never block readers or the writer.
 * The writer connection keeps a high automatic checkpoint of its own as a bound, should the
 * worker fall behind.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: INTERVAL_MS } });
    this.worker.unref();
    // Should it ever fail, the writer's own automatic checkpoint still bounds the log.
    this.worker.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops the worker (closing its connection); safe to call more than once. */
  stop(): Promise<void> {
    this.worker.postMessage('stop');
    return this.exited;
  }
}
