import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../../src/db/sqlite-driver';

type Outcome = { err: Error | null; rows?: unknown; changes?: number };

const open = (file: string) =>
  new Promise<Database>((resolve, reject) => {
    const db = new Database(file, Database.OPEN_READWRITE | Database.OPEN_CREATE, (err) => (err ? reject(err) : resolve(db)));
  });
const run = (db: Database, sql: string, params?: unknown[] | Record<string, unknown>) =>
  new Promise<Outcome>((resolve) => db.run(sql, params ?? [], function (err) {
    resolve({ err, changes: this.changes });
  }));
const all = (db: Database, sql: string, params?: unknown[] | Record<string, unknown>) =>
  new Promise<Outcome>((resolve) => db.all(sql, params ?? [], (err, rows) => resolve({ err, rows })));

let dir: string;
let a: Database;
let b: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orgbridge-driver-'));
  a = await open(join(dir, 'db.sqlite'));
  a.native.pragma('journal_mode = WAL');
  b = await open(join(dir, 'db.sqlite'));
  await run(a, 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, flag INTEGER)');
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite driver under Sequelize (node-sqlite3 API over better-sqlite3)', () => {
  it('binds values as node-sqlite3 does: positional or Sequelize-style $n names, booleans as 1/0, undefined as NULL', async () => {
    expect((await run(a, 'INSERT INTO t (name, flag) VALUES (?, ?)', ['x', true])).changes).toBe(1);
    expect((await run(a, 'INSERT INTO t (name, flag) VALUES ($1, $2)', { $1: 'y', $2: undefined })).err).toBeNull();
    expect((await all(a, 'SELECT name, flag FROM t ORDER BY name')).rows).toEqual([
      { name: 'x', flag: 1 },
      { name: 'y', flag: null },
    ]);
  });

  it('reads a NUL inside a literal Sequelize wrote into the statement as a NUL, not as its end', async () => {
    await run(a, 'INSERT INTO t (name) VALUES (?)', ['a\u0000b']);
    expect((await all(a, "SELECT name FROM t WHERE name = 'a\u0000b'")).rows).toEqual([{ name: 'a\u0000b' }]);
    expect((await all(a, "SELECT name FROM t WHERE name LIKE '%\u0000%'")).rows).toHaveLength(1);
  });

  it('reports errors as node-sqlite3 does (primary code, code-prefixed message)', async () => {
    await run(a, 'INSERT INTO t (name) VALUES (?)', ['dup']);
    const { err } = await run(a, 'INSERT INTO t (name) VALUES (?)', ['dup']);
    expect(err).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(err!.message).toBe('SQLITE_CONSTRAINT: UNIQUE constraint failed: t.name');
    a.close();
    expect((await all(a, 'SELECT 1')).err).toMatchObject({ code: 'SQLITE_MISUSE', message: 'SQLITE_MISUSE: Database is closed' });
  });

  it('a statement that meets a lock waits without blocking the event loop, and runs once the lock is released', async () => {
    await run(a, 'BEGIN IMMEDIATE');
    await run(a, 'INSERT INTO t (name) VALUES (?)', ['first']);
    const waiting = run(b, 'INSERT INTO t (name) VALUES (?)', ['second']);
    let ticked = false;
    await new Promise((resolve) => setTimeout(resolve, 30)).then(() => (ticked = true));
    expect(ticked).toBe(true);
    await run(a, 'COMMIT');
    expect((await waiting).err).toBeNull();
    expect((await all(b, 'SELECT name FROM t ORDER BY id')).rows).toEqual([{ name: 'first' }, { name: 'second' }]);
  });

  it('gives up with SQLITE_BUSY after its busy timeout, having written nothing', async () => {
    b.busyTimeoutMs = 50;
    await run(a, 'BEGIN IMMEDIATE');
    const started = Date.now();
    const { err } = await run(b, 'INSERT INTO t (name) VALUES (?)', ['late']);
    expect(err).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    await run(a, 'ROLLBACK');
    expect((await all(b, 'SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('with checkpoints in the background, committed pages reach the database file without the writer copying them', async () => {
    a.checkpointInBackground();
    const file = join(dir, 'db.sqlite');
    const before = statSync(file).size;
    await run(a, 'BEGIN IMMEDIATE');
    for (let i = 0; i < 200; i++) await run(a, 'INSERT INTO t (name) VALUES (?)', [`${i}:${'x'.repeat(10_000)}`]);
    await run(a, 'COMMIT');
    expect(statSync(file).size).toBe(before); // still only in the write-ahead log
    const deadline = Date.now() + 5_000;
    while (statSync(file).size < 2_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(file).size).toBeGreaterThan(2_000_000);
    expect((await all(b, 'SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 200 }]);
  });
});
