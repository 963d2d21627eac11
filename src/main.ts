import { createOrgbridgeServer } from './app';
import { buildContainer } from './container';
import { DatabaseOpenError, openDatabase } from './db/open';
import { resolveSecrets } from './secrets';
import { ConfigError, loadConfig, redactDatabaseUrl } from './shared/config';
import { createLogger } from './shared/logger';

/** What requests and deliveries under way get to finish after SIGTERM, inside the 10 s a shutdown may take. */
const SHUTDOWN_GRACE_MS = 8_000;

/** load config → secrets → open and migrate the database → wire → listen; exit cleanly on signals. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  const sequelize = await openDatabase(config.database, logger);
  const container = buildContainer({ config, secrets, logger, sequelize });
  const server = createOrgbridgeServer(container);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const lines = [
    `orgbridge listening on http://${config.host}:${port} (public URL ${config.publicUrl})`,
    `database: ${redactDatabaseUrl(config.database)}`,
  ];
  if (secrets.generated.includes('ADMIN_API_KEY')) {
    lines.push(`generated ADMIN_API_KEY (shown once, kept in ${config.dataDir}/admin-api-key): ${secrets.adminApiKey}`);
  } else if (!config.adminApiKey) {
    lines.push(`ADMIN_API_KEY: read from ${config.dataDir}/admin-api-key`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  // Poll often enough that a due domain waits at most a minute; the lease keeps sweeps single.
  container.domainRecheck.start(Math.min(60_000, config.domainRecheckIntervalMs));
  logger.info({ port, publicUrl: config.publicUrl }, 'listening');
  container.outbox.start();
  container.certificateExpiry.start();
  if (config.webhookDelivery) container.webhookWorker.start();

  let stopping = false;
  /**
   * Graceful shutdown, within 10 s (plus SHUTDOWN_DRAIN_DELAY): /readyz answers 503 at once and,
   * for the drain delay, requests are still taken while the load balancer notices; then stop
   * listening, let requests under way finish (idle keep-alive connections are closed as they go
   * idle), let the background work finish its current piece — the webhook delivery under way
   * included — and release its leases, then exit 0.
   */
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.readiness.drain();
    logger.info({ signal, drainDelayMs: config.shutdownDrainDelayMs }, 'shutting down');
    if (config.shutdownDrainDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDrainDelayMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    const requestsDone = Promise.race([closed, new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())]).then(() => {
      clearInterval(idle);
      server.closeAllConnections();
    });
    await Promise.all([
      requestsDone,
      container.webhookWorker.stop(SHUTDOWN_GRACE_MS).catch((err: unknown) => logger.error({ err }, 'webhook worker stop failed')),
      container.outbox.stop().catch(() => undefined),
      container.domainRecheck.stop().catch(() => undefined),
      container.certificateExpiry.stop().catch(() => undefined),
    ]);
    await container.db.close().catch(() => undefined);
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void stop('unhandledRejection').finally(() => process.exit(1));
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    process.stderr.write(`orgbridge: ${err instanceof ConfigError ? 'configuration error: ' : ''}${err.message}\n`);
  } else {
    process.stderr.write(`orgbridge: failed to start: ${(err as Error)?.message ?? String(err)}\n`);
  }
  process.exit(1);
});
