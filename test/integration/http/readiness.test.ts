import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { createTenant, expectError } from '../../support/api';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Readiness reports what writes see when the SQLite file cannot take writes: a full disk, a file
 * made read-only, a file deleted under the process. These run on a private SQLite file in both
 * passes (the MariaDB side of readiness: failures.test.ts and readiness-mysql.test.ts).
 * The process runs as root, so file modes stop nothing; the tests use what root cannot write
 * past — a full tmpfs (needs CAP_SYS_ADMIN to mount) and immutable files (`chattr +i`, needs
 * CAP_LINUX_IMMUTABLE and a file system that refuses writes to an open immutable file, as ext4
 * does and tmpfs does not). Without them a test is skipped, and its name says why.
 */

function run(command: string, ...args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A small tmpfs mounted for the test, or undefined when this process may not mount. */
function mountSmallTmpfs(sizeKiB: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ob-readiness-full-'));
  if (run('mount', '-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir)) return dir;
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

function unmount(dir: string): void {
  // Lazily: the checkpoint worker may close its handle a moment later.
  run('umount', '-l', dir);
  rmSync(dir, { recursive: true, force: true });
}

/** A directory where an immutable file refuses writes through a descriptor opened before, or undefined. */
function immutableCapableDir(): string | undefined {
  for (const base of [tmpdir(), '/var/tmp']) {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(base, 'ob-readiness-ro-'));
      const probe = join(dir, 'probe');
      writeFileSync(probe, 'a');
      const fd = openSync(probe, 'r+');
      let refused = false;
      if (run('chattr', '+i', probe)) {
        try {
          writeSync(fd, 'b', 0);
        } catch {
          refused = true;
        }
        run('chattr', '-i', probe);
      }
      closeSync(fd);
      unlinkSync(probe);
      if (refused) return dir;
    } catch {
      // not this one
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}

const mountProbe = mountSmallTmpfs(64);
if (mountProbe) unmount(mountProbe);
const canMount = mountProbe !== undefined;
const immutableProbe = immutableCapableDir();
if (immutableProbe) rmSync(immutableProbe, { recursive: true, force: true });
const canMakeImmutable = immutableProbe !== undefined;

function expectUnavailable(res: Response): void {
  expectError(res, 503, 'unavailable');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(JSON.stringify(res.body)).not.toMatch(/SQLITE|INSERT|full|readonly|disk|at .*\.ts/i);
}

async function timed<T>(request: Promise<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await request;
  return { res, ms: Date.now() - started };
}

describe('readiness when the SQLite file cannot take writes', () => {
  (canMount ? it : it.skip)(
    `a full disk: /readyz and writes answer 503 with Retry-After (not a 500); once space is freed, 200 and 201${canMount ? '' : ' [skipped: this process may not mount a tmpfs]'}`,
    async () => {
      const dir = mountSmallTmpfs(4096)!;
      let app: TestApp | undefined;
      try {
        app = await startTestApp({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}` });
        const admin = await createTenant(app);
        expect((await app.http.get('/readyz')).status).toBe(200);
        const filler = join(dir, 'filler');
        try {
          writeFileSync(filler, Buffer.alloc(8 * 1024 * 1024));
        } catch {
          // ENOSPC: the disk is full now (what fitted stays written)
        }
        const ready = await timed(app.http.get('/readyz'));
        expectUnavailable(ready.res);
        expect(ready.ms).toBeLessThan(2_000);
        expectUnavailable(await admin.post('/organizations', { name: 'No room', metadata: { pad: 'x'.repeat(8_000) } }));
        expect((await app.http.get('/healthz')).status).toBe(200);

        unlinkSync(filler);
        expect((await app.http.get('/readyz')).body).toEqual({ status: 'ready' });
        expect((await admin.post('/organizations', { name: 'Room again' })).status).toBe(201);
      } finally {
        await app?.close();
        unmount(dir);
      }
    },
    30_000,
  );

  (canMakeImmutable ? it : it.skip)(
    `a file made read-only (chattr +i): /readyz and writes answer 503 with Retry-After; writable again, 200 and 201${canMakeImmutable ? '' : ' [skipped: no file system here refuses writes to an open immutable file, or chattr is not permitted]'}`,
    async () => {
      const dir = immutableCapableDir()!;
      const files = ['db.sqlite', 'db.sqlite-wal'].map((f) => join(dir, f));
      let app: TestApp | undefined;
      try {
        app = await startTestApp({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}` });
        const admin = await createTenant(app);
        expect((await app.http.get('/readyz')).status).toBe(200);
        for (const file of files) expect(run('chattr', '+i', file)).toBe(true);
        const ready = await timed(app.http.get('/readyz'));
        expectUnavailable(ready.res);
        expect(ready.ms).toBeLessThan(2_000);
        expectUnavailable(await admin.post('/organizations', { name: 'Read-only' }));
        expect((await app.http.get('/healthz')).status).toBe(200);
        // Reads still work.
        expect((await admin.get('/organizations')).status).toBe(200);

        for (const file of files) run('chattr', '-i', file);
        expect((await app.http.get('/readyz')).body).toEqual({ status: 'ready' });
        expect((await admin.post('/organizations', { name: 'Writable again' })).status).toBe(201);
      } finally {
        for (const file of files) run('chattr', '-i', file);
        await app?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );

  it.each([
    ['the file', ['', '-wal', '-shm']],
    ['the write-ahead log', ['-wal']],
  ])('%s deleted under the running process (writes would be lost): /readyz and writes answer 503 with Retry-After, /healthz 200', async (_what, suffixes) => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-readiness-gone-'));
    const app = await startTestApp({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}` });
    try {
      const admin = await createTenant(app);
      expect((await app.http.get('/readyz')).status).toBe(200);
      for (const suffix of suffixes) rmSync(join(dir, `db.sqlite${suffix}`), { force: true });
      expectUnavailable(await app.http.get('/readyz'));
      expectUnavailable(await admin.post('/organizations', { name: 'Nowhere' }));
      expect((await app.http.get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
