import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import supertest from 'supertest';
import { createOrgbridgeServer } from '../../src/app';
import { buildContainer, type Container } from '../../src/container';
import { openDatabase } from '../../src/db/open';
import type { SsoDomainPolicy } from '../../src/invitations/sso-domain-policy';
import { resolveSecrets } from '../../src/secrets';
import type { Clock } from '../../src/shared/clock';
import { loadConfig } from '../../src/shared/config';
import { createLogger } from '../../src/shared/logger';

export const ROOT_KEY = 'test-root-key-0123456789abcdef';

export interface TestApp {
  container: Container;
  server: Server;
  url: string;
  /** supertest bound to the listening server */
  http: ReturnType<typeof supertest>;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Share another app's database (two orgbridge processes on one database). */
  databaseUrl?: string;
  clock?: Clock;
  logDestination?: DestinationStream;
  ssoDomains?: SsoDomainPolicy;
  overrides?: Parameters<typeof buildContainer>[0]['overrides'];
  /** Listen on this port instead of a free one (tests that need PUBLIC_URL to be the real address). */
  port?: number;
}

/**
 * The real app on a real database, listening on 127.0.0.1:0. By default each test file
 * gets its own SQLite file; with TEST_DATABASE_URL all files share that MySQL/MariaDB
 * database (each creates its own tenant, so they do not collide).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbridge-test-'));
  const databaseUrl = options.databaseUrl ?? process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'test.sqlite')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: ROOT_KEY,
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (options.logDestination ? 'info' : 'silent'),
    // Limits are off in tests unless a test turns them on (test/integration/http/rate-limit.test.ts).
    RATE_LIMIT_API: '0',
    RATE_LIMIT_SCIM: '0',
    RATE_LIMIT_PUBLIC: '0',
    ...options.env,
  });
  const logger = createLogger(config.logLevel, options.logDestination);
  const sequelize = await openDatabase(config.database, logger);
  const container = buildContainer({
    config,
    secrets: resolveSecrets(config),
    logger,
    sequelize,
    clock: options.clock,
    ssoDomains: options.ssoDomains,
    overrides: options.overrides,
  });
  const server = createOrgbridgeServer(container);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    container,
    server,
    url,
    http: supertest(server),
    databaseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await container.outbox.stop();
      await container.webhookWorker.stop();
      await container.db.close().catch(() => undefined);
      if (!options.databaseUrl) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A database of the test file's own on MySQL/MariaDB (`<test db>_<suffix>`, made anew), for tests
 * whose background workers act on every tenant in the database or whose clock runs ahead (they
 * would otherwise take other files' work); undefined on SQLite, where each file has its own file.
 */
export async function ownDatabaseUrl(suffix: string): Promise<string | undefined> {
  const testUrl = process.env.TEST_DATABASE_URL;
  if (!testUrl || !/^(mysql|mariadb):\/\//.test(testUrl)) return undefined;
  const url = new URL(testUrl);
  const database = `${url.pathname.slice(1)}_${suffix}`;
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await conn.end();
  url.pathname = `/${database}`;
  return url.href;
}
