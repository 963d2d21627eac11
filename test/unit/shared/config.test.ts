import { ConfigError, loadConfig, parseDatabaseUrl, parseDuration, redactDatabaseUrl } from '../../../src/shared/config';

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      database: { dialect: 'sqlite', storage: 'data/orgbridge.sqlite' },
      domainFetchAllowPrivate: false,
      domainFetchHttpPort: 80,
      domainFetchHttpsPort: 443,
      mailFrom: 'orgbridge <no-reply@localhost>',
      logLevel: 'info',
      domainRecheckIntervalMs: 86_400_000,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
  });

  it('reads every variable of the contract', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://id.example.com/',
      DATABASE_URL: 'mysql://u:p%40ss@db.internal:3307/ob',
      ADMIN_API_KEY: 'k'.repeat(32),
      SECRET_KEY: 's'.repeat(40),
      DNS_SERVERS: '127.0.0.1:5353, [::1]:53',
      DOMAIN_FETCH_ALLOW_PRIVATE: '127.0.0.2,10.0.0.0/8',
      DOMAIN_FETCH_HTTP_PORT: '8081',
      DOMAIN_FETCH_HTTPS_PORT: '8443',
      SMTP_URL: 'smtp://user:pw@127.0.0.1:2525',
      MAIL_FROM: 'Acme <id@acme.example>',
      LOG_LEVEL: 'debug',
      DOMAIN_RECHECK_INTERVAL: '15m',
    });
    expect(c).toMatchObject({
      port: 8080,
      publicUrl: 'https://id.example.com',
      database: { dialect: 'mysql', host: 'db.internal', port: 3307, database: 'ob', user: 'u', password: 'p@ss' },
      dnsServers: ['127.0.0.1:5353', '[::1]:53'],
      domainFetchAllowPrivate: ['127.0.0.2', '10.0.0.0/8'],
      domainFetchHttpPort: 8081,
      smtpUrl: 'smtp://user:pw@127.0.0.1:2525',
      logLevel: 'debug',
      domainRecheckIntervalMs: 900_000,
    });
    expect(loadConfig({ DOMAIN_FETCH_ALLOW_PRIVATE: 'true' }).domainFetchAllowPrivate).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({ dialect: 'sqlite', storage: ':memory:' });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://x/y' }, /DATABASE_URL must be/],
    [{ DATABASE_URL: 'mysql://host-only' }, /DATABASE_URL must look like/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DOMAIN_RECHECK_INTERVAL: 'daily' }, /DOMAIN_RECHECK_INTERVAL/],
    [{ DNS_SERVERS: 'dns.google' }, /DNS_SERVERS/],
    [{ ADMIN_API_KEY: 'short' }, /ADMIN_API_KEY/],
    [{ NODE_ENV: 'production' }, /ADMIN_API_KEY is required/],
    [{ NODE_ENV: 'production', ADMIN_API_KEY: 'k'.repeat(32) }, /SECRET_KEY is required/],
  ])('fails fast with one clear line for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('runs the webhook worker unless WEBHOOK_DELIVERY=off, and refuses other values', () => {
    expect(loadConfig({}).webhookDelivery).toBe(true);
    expect(loadConfig({ WEBHOOK_DELIVERY: 'on' }).webhookDelivery).toBe(true);
    expect(loadConfig({ WEBHOOK_DELIVERY: 'off' }).webhookDelivery).toBe(false);
    expect(() => loadConfig({ WEBHOOK_DELIVERY: 'no' })).toThrow(ConfigError);
  });

  it('SHUTDOWN_DRAIN_DELAY: 0 unless set, a duration up to 30 s, else a configuration error', () => {
    expect(loadConfig({}).shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_DELAY: '0' }).shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_DELAY: '5s' }).shutdownDrainDelayMs).toBe(5_000);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY: '31s' })).toThrow(ConfigError);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY: 'soon' })).toThrow(ConfigError);
  });

  it('masks the database password when printed', () => {
    expect(redactDatabaseUrl(parseDatabaseUrl('mysql://u:secret@h:3306/d'))).toBe('mysql://u:***@h:3306/d');
  });

  it('parses durations', () => {
    expect(parseDuration('24h', 'X')).toBe(86_400_000);
    expect(parseDuration('500ms', 'X')).toBe(500);
    expect(() => parseDuration('0s', 'X')).toThrow(/greater than zero/);
  });
});
