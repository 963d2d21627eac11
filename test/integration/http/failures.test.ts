import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { ROOT_KEY, startTestApp } from '../../support/test-app';
import { createTenant, expectError } from '../../support/api';
import { createDirectory, expectScimError } from '../../support/scim';

describe('health and failures', () => {
  it('/healthz and /readyz answer 200; when the database is gone, /readyz and the API answer 503 without internals', async () => {
    const app = await startTestApp();
    try {
      expect((await app.http.get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await app.http.get('/readyz')).body).toEqual({ status: 'ready' });
      const admin = await createTenant(app);
      const scim = await createDirectory(admin, (await admin.createOrg()).id);
      await app.container.db.close();
      // Liveness does not depend on the database: a restart would not bring it back.
      expect((await app.http.get('/healthz')).body).toEqual({ status: 'ok' });
      const notReady = await app.http.get('/readyz');
      expectError(notReady, 503, 'unavailable');
      expect(Number(notReady.headers['retry-after'])).toBeGreaterThan(0);
      const res = await admin.get('/organizations');
      expectError(res, 503, 'unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|sqlite|mysql|at .*\.ts/i);
      // SCIM's 503 carries it too.
      const scimRes = await scim.get('/Users');
      expectScimError(scimRes, 503);
      expect(Number(scimRes.headers['retry-after'])).toBeGreaterThan(0);
      // And a hosted page's.
      const page = await app.http.get(`/t/${admin.tenant.slug}/invitations/accept?token=${'a'.repeat(43)}`);
      expect(page.status).toBe(503);
      expect(page.headers['content-type']).toMatch(/html/);
      expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
      // The webhook admin endpoints and the portal, too.
      for (const res of [await admin.get('/webhooks'), await admin.post('/webhooks', { url: 'https://example.com/hook', events: ['*'] })]) {
        expectError(res, 503, 'unavailable');
        expect(res.headers['retry-after']).toBe('5');
      }
      const portal = await app.http.get(`/t/${admin.tenant.slug}/portal/`);
      expect(portal.status).toBe(503);
      expect(portal.headers['content-type']).toMatch(/html/);
      expect(portal.headers['retry-after']).toBe('5');
      const write = await admin.post('/organizations', { name: 'Gone' });
      expectError(write, 503, 'unavailable');
      expect(JSON.stringify(write.body)).not.toMatch(/SELECT|INSERT|sqlite|mysql|at .*\.ts/i);
    } finally {
      await app.close();
    }
  });

  it('/readyz reports what writes see: 503 with Retry-After, within 2 s, while another connection holds the write lock; 200 once it is released', async () => {
    const app = await startTestApp();
    const url = app.databaseUrl;
    // Another process's connection takes the database's write lock (SQLite: the file's; MySQL: the table readiness writes to).
    const holder = url.startsWith('mysql:') ? await mysqlLock(url) : sqliteLock(url.slice('sqlite:'.length));
    try {
      expect((await app.http.get('/readyz')).status).toBe(200);
      await holder.lock();
      const started = Date.now();
      const res = await app.http.get('/readyz');
      expectError(res, 503, 'unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(JSON.stringify(res.body)).not.toMatch(/SQLITE|BUSY|lock|INSERT/i);
      await holder.release();
      expect((await app.http.get('/readyz')).body).toEqual({ status: 'ready' });
      // Reads never needed the lock, and writes work again.
      const admin = await createTenant(app);
      expect((await admin.post('/organizations', { name: 'After the lock' })).status).toBe(201);
    } finally {
      await holder.release().catch(() => undefined);
      await holder.close();
      await app.close();
    }
  });

  it('concurrent polls share one check (20 polls while the lock is held: one check, all 503 together); /healthz stays 200', async () => {
    const app = await startTestApp();
    const url = app.databaseUrl;
    const holder = url.startsWith('mysql:') ? await mysqlLock(url) : sqliteLock(url.slice('sqlite:'.length));
    const db = app.container.db as unknown as Record<'checkSqliteWrite' | 'checkMysqlWrite', () => Promise<void>>;
    const checks = jest.spyOn(db, url.startsWith('mysql:') ? 'checkMysqlWrite' : 'checkSqliteWrite');
    try {
      expect((await app.http.get('/readyz')).status).toBe(200);
      checks.mockClear();
      await holder.lock();
      const started = Date.now();
      const polls = await Promise.all(Array.from({ length: 20 }, () => fetch(`${app.url}/readyz`)));
      expect(polls.map((r) => r.status)).toEqual(Array(20).fill(503));
      expect(polls.every((r) => r.headers.get('retry-after') === '5')).toBe(true);
      expect(checks).toHaveBeenCalledTimes(1);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await app.http.get('/healthz')).body).toEqual({ status: 'ok' });
    } finally {
      checks.mockRestore();
      await holder.release().catch(() => undefined);
      await holder.close();
      await app.close();
    }
  });

  it('a readiness poll does not stall writes: a write sent with a poll takes about as long as one sent alone (the check is a few ms at most)', async () => {
    const app = await startTestApp();
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ms = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    try {
      const admin = await createTenant(app);
      const write = async () => expect((await admin.post('/organizations', { name: 'During a poll' })).status).toBe(201);
      for (let i = 0; i < 5; i++) await Promise.all([app.container.db.checkWritable(), write()]); // warm up
      const check: number[] = [];
      const alone: number[] = [];
      const withPoll: number[] = [];
      for (let i = 0; i < 20; i++) check.push(await ms(() => app.container.db.checkWritable()));
      for (let i = 0; i < 20; i++) alone.push(await ms(write));
      for (let i = 0; i < 20; i++) {
        const poll = fetch(`${app.url}/readyz`);
        withPoll.push(await ms(write));
        expect((await poll).status).toBe(200);
      }
      expect(median(check)).toBeLessThan(20);
      expect(median(withPoll)).toBeLessThan(median(alone) + 3 * median(check) + 20);
    } finally {
      await app.close();
    }
  });

  it('a failing SQL statement answers 500 internal without SQL or a stack trace', async () => {
    // A private SQLite file, so renaming a table cannot disturb other test files sharing MySQL.
    const app = await startTestApp({ databaseUrl: `sqlite:${require('node:os').tmpdir()}/orgbridge-broken-${process.pid}.sqlite` });
    try {
      const admin = await createTenant(app);
      await app.container.db.sequelize.query('ALTER TABLE organizations RENAME TO organizations_gone');
      const res = await admin.get('/organizations');
      expectError(res, 500, 'internal');
      expect(res.body.error.message).toBe('internal error');
      expect(JSON.stringify(res.body)).not.toMatch(/organizations|SELECT|SQLITE|\.ts:/i);
    } finally {
      await app.container.db.sequelize.query('ALTER TABLE organizations_gone RENAME TO organizations').catch(() => undefined);
      await app.close();
    }
  });

  it('unknown routes and names with a NUL answer 404 in the contract shape', async () => {
    const app = await startTestApp();
    try {
      expectError(await app.http.get('/nope'), 404, 'not_found');
      expectError(await app.http.get('/api/v1/nope').set('Authorization', `Bearer ${ROOT_KEY}`), 404, 'not_found');
      // A NUL in a path names nothing (on SQLite it once cut the statement short: a 500).
      const admin = await createTenant(app);
      expectError(await admin.get('/organizations/a%00b'), 404, 'not_found');
      expectError(await app.http.get(`/t/${admin.tenant.slug}%00/api/v1/admin/organizations`).set('Authorization', `Bearer ${ROOT_KEY}`), 404, 'not_found');
    } finally {
      await app.close();
    }
  });
});

describe('structured logs', () => {
  it('every line of a request carries its request id, which is echoed; secrets are redacted', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        cb();
      },
    });
    const app = await startTestApp({ logDestination: sink });
    try {
      const res = await app.http
        .get('/api/v1/tenants?token=supersecret')
        .set('Authorization', `Bearer ${ROOT_KEY}`)
        .set('X-Request-Id', 'req-abc.123');
      expect(res.headers['x-request-id']).toBe('req-abc.123');
      const generated = await app.http.get('/healthz').set('X-Request-Id', 'bad id with spaces');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((r) => setTimeout(r, 20));
      const mine = lines.filter((l) => l.reqId === 'req-abc.123');
      expect(mine.length).toBeGreaterThan(0);
      const text = JSON.stringify(lines);
      expect(text).not.toContain(ROOT_KEY);
      expect(text).not.toContain('supersecret');
    } finally {
      await app.close();
    }
  });
});

interface LockHolder {
  lock(): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

/** A second better-sqlite3 connection on the file, holding the write lock (BEGIN IMMEDIATE) until released. */
function sqliteLock(file: string): LockHolder {
  const db = new BetterSqlite3(file);
  return {
    lock: async () => void db.exec('BEGIN IMMEDIATE'),
    release: async () => void (db.inTransaction && db.exec('ROLLBACK')),
    close: async () => void db.close(),
  };
}

/** A second MySQL/MariaDB session holding a write lock on the table the readiness check writes to. */
async function mysqlLock(url: string): Promise<LockHolder> {
  const connection = await createConnection(url);
  return {
    lock: async () => void (await connection.query('LOCK TABLES scheduler_leases WRITE')),
    release: async () => void (await connection.query('UNLOCK TABLES')),
    close: () => connection.end(),
  };
}
