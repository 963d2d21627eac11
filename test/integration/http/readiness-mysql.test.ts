import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expectError } from '../../support/api';
import { ownDatabaseUrl, ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Readiness on MySQL/MariaDB when the server answers reads but refuses this service's writes:
 * the service's database user may only SELECT. Making that user needs the server's root
 * (`mariadb -uroot`, as .ci/run creates the orgbridge user); the orgbridge user itself may not
 * create users, and `SET GLOBAL read_only` would stop every other test file sharing the server.
 */
const testUrl = process.env.TEST_DATABASE_URL;
const onMysql = Boolean(testUrl && /^(mysql|mariadb):\/\//.test(testUrl));

function asRoot(sql: string): boolean {
  try {
    execFileSync('mariadb', ['-uroot', '-e', sql], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const rootAvailable = onMysql && asRoot('SELECT 1');
const reason = !onMysql ? 'TEST_DATABASE_URL is not MySQL/MariaDB' : 'mariadb -uroot is not available here to create a read-only user';

describe('readiness on MySQL/MariaDB', () => {
  (rootAvailable ? it : it.skip)(
    `a database user that may only read: /readyz answers 503 with Retry-After while reads answer 200; a write answers 500 internal without internals${rootAvailable ? '' : ` [skipped: ${reason}]`}`,
    async () => {
      const databaseUrl = (await ownDatabaseUrl('readonly'))!;
      const database = new URL(databaseUrl).pathname.slice(1);
      // Migrated by the orgbridge user first.
      await (await startTestApp({ databaseUrl })).close();
      const user = `ob_ro_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      const hosts = ['127.0.0.1', 'localhost'];
      expect(asRoot(hosts.map((h) => `CREATE USER '${user}'@'${h}' IDENTIFIED BY '${password}'; GRANT SELECT, CREATE ON \`${database}\`.* TO '${user}'@'${h}';`).join(' '))).toBe(true);
      const readOnly = new URL(databaseUrl);
      readOnly.username = user;
      readOnly.password = password;
      let app: TestApp | undefined;
      try {
        app = await startTestApp({ databaseUrl: readOnly.href });
        const ready = await app.http.get('/readyz');
        expectError(ready, 503, 'unavailable');
        expect(ready.headers['retry-after']).toBe('5');
        expect(JSON.stringify(ready.body)).not.toMatch(/INSERT|denied|scheduler_leases|ob_ro_/i);
        expect((await app.http.get('/healthz')).status).toBe(200);
        expect((await app.http.get('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`)).status).toBe(200);
        const write = await app.http.post('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`).send({ slug: `ro-${randomBytes(4).toString('hex')}`, name: 'Refused' });
        expectError(write, 500, 'internal');
        expect(JSON.stringify(write.body)).not.toMatch(/INSERT|denied|tenants|ob_ro_|at .*\.ts/i);
      } finally {
        await app?.close();
        asRoot(hosts.map((h) => `DROP USER IF EXISTS '${user}'@'${h}';`).join(' '));
      }
    },
    30_000,
  );
});
