import { z } from 'zod';
import defaults from '../../config/default.json';

/**
 * Configuration: config/default.json overlaid with the environment, parsed once into a
 * frozen `Config`. Nothing else in the code reads process.env.
 */

export type DatabaseConfig =
  | { dialect: 'sqlite'; storage: string }
  | { dialect: 'mysql'; url: string; host: string; port: number; database: string; user: string; password: string };

export interface Config {
  readonly env: 'production' | 'development' | 'test';
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly database: DatabaseConfig;
  readonly dataDir: string;
  /** undefined: generate one under dataDir (refused in production). */
  readonly adminApiKey?: string;
  readonly secretKey?: string;
  readonly dnsServers: readonly string[];
  /** `true` allows every private address; a list allows only those addresses/CIDRs. */
  readonly domainFetchAllowPrivate: boolean | readonly string[];
  readonly domainFetchHttpPort: number;
  readonly domainFetchHttpsPort: number;
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly domainRecheckIntervalMs: number;
  /** Like domainFetchAllowPrivate, for webhook deliveries. */
  readonly webhookAllowPrivate: boolean | readonly string[];
  /** How long a webhook receiver has to answer (15 s; tests shorten it). */
  readonly webhookTimeoutMs: number;
  /** Whether this process runs the webhook delivery worker (`WEBHOOK_DELIVERY=off` for nodes that only serve requests). */
  readonly webhookDelivery: boolean;
  /** After SIGTERM, how long /readyz answers 503 while requests are still taken, before the server stops listening (0: at once). */
  readonly shutdownDrainDelayMs: number;
  /** requests per minute; 0 turns a limit off */
  readonly rateLimits: { readonly api: number; readonly scim: number; readonly public: number };
}

export class ConfigError extends Error {}

const port = z.coerce.number().int().min(0).max(65535);

const rawSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: port.optional(),
  HOST: z.string().min(1).optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).optional(),
  ADMIN_API_KEY: z.string().min(16, 'ADMIN_API_KEY must be at least 16 characters').optional(),
  SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
  DNS_SERVERS: z.string().optional(),
  DOMAIN_FETCH_ALLOW_PRIVATE: z.string().optional(),
  DOMAIN_FETCH_HTTP_PORT: port.optional(),
  DOMAIN_FETCH_HTTPS_PORT: port.optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DOMAIN_RECHECK_INTERVAL: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE: z.string().optional(),
  WEBHOOK_TIMEOUT: z.string().optional(),
  WEBHOOK_DELIVERY: z.enum(['on', 'off']).optional(),
  SHUTDOWN_DRAIN_DELAY: z.string().optional(),
  RATE_LIMIT_API: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_SCIM: z.coerce.number().int().min(0).optional(),
  RATE_LIMIT_PUBLIC: z.coerce.number().int().min(0).optional(),
});

/** `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db` (also `mariadb://`). */
export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!storage) throw new ConfigError('DATABASE_URL sqlite: needs a file path or :memory:');
    return { dialect: 'sqlite', storage };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!u.hostname || !database) {
      throw new ConfigError('DATABASE_URL must look like mysql://user:pass@host:3306/database');
    }
    return {
      dialect: 'mysql',
      url,
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      database,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    };
  }
  throw new ConfigError(
    'DATABASE_URL must be sqlite:<path>, sqlite::memory: or mysql://user:pass@host:3306/database',
  );
}

/** `500ms`, `30s`, `15m`, `24h`, `7d` → milliseconds. */
export function parseDuration(value: string, name: string): number {
  const m = /^(\d+)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw new ConfigError(`${name} must be a duration such as 30s, 15m, 24h or 7d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new ConfigError(`${name} must be greater than zero`);
  return ms;
}

/** `0` or a duration of at most 30 s (the delay adds to the shutdown's 10 s). */
function parseDrainDelay(value: string | undefined): number {
  if (value === undefined || value.trim() === '0') return 0;
  const ms = parseDuration(value, 'SHUTDOWN_DRAIN_DELAY');
  if (ms > 30_000) throw new ConfigError('SHUTDOWN_DRAIN_DELAY must be at most 30s');
  return ms;
}

function parseAllowPrivate(value: string): boolean | string[] {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseDnsServers(value: string | undefined): string[] {
  if (!value) return [];
  const servers = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of servers) {
    if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-f:]+\](:\d{1,5})?|[0-9a-f:]+)$/i.test(s)) {
      throw new ConfigError(`DNS_SERVERS entry '${s}' is not an ip[:port]`);
    }
  }
  return servers;
}

function nodeEnv(value: string | undefined): Config['env'] {
  if (value === 'production' || value === 'test') return value;
  return 'development';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as in most twelve-factor tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = rawSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const raw = parsed.data;
  const mode = nodeEnv(raw.NODE_ENV);
  if (mode === 'production') {
    if (!raw.ADMIN_API_KEY) throw new ConfigError('ADMIN_API_KEY is required when NODE_ENV=production');
    if (!raw.SECRET_KEY) throw new ConfigError('SECRET_KEY is required when NODE_ENV=production');
  }
  const listenPort = raw.PORT ?? defaults.port;
  const config: Config = {
    env: mode,
    port: listenPort,
    host: raw.HOST ?? defaults.host,
    publicUrl: (raw.PUBLIC_URL ?? `http://localhost:${listenPort}`).replace(/\/+$/, ''),
    database: parseDatabaseUrl(raw.DATABASE_URL ?? defaults.databaseUrl),
    dataDir: raw.DATA_DIR ?? defaults.dataDir,
    adminApiKey: raw.ADMIN_API_KEY,
    secretKey: raw.SECRET_KEY,
    dnsServers: Object.freeze(parseDnsServers(raw.DNS_SERVERS)),
    domainFetchAllowPrivate: parseAllowPrivate(raw.DOMAIN_FETCH_ALLOW_PRIVATE ?? defaults.domainFetchAllowPrivate),
    domainFetchHttpPort: raw.DOMAIN_FETCH_HTTP_PORT ?? defaults.domainFetchHttpPort,
    domainFetchHttpsPort: raw.DOMAIN_FETCH_HTTPS_PORT ?? defaults.domainFetchHttpsPort,
    smtpUrl: raw.SMTP_URL,
    mailFrom: raw.MAIL_FROM ?? defaults.mailFrom,
    logLevel: raw.LOG_LEVEL ?? (defaults.logLevel as Config['logLevel']),
    domainRecheckIntervalMs: parseDuration(
      raw.DOMAIN_RECHECK_INTERVAL ?? defaults.domainRecheckInterval,
      'DOMAIN_RECHECK_INTERVAL',
    ),
    webhookAllowPrivate: parseAllowPrivate(raw.WEBHOOK_ALLOW_PRIVATE ?? defaults.webhookAllowPrivate),
    webhookTimeoutMs: parseDuration(raw.WEBHOOK_TIMEOUT ?? defaults.webhookTimeout, 'WEBHOOK_TIMEOUT'),
    webhookDelivery: (raw.WEBHOOK_DELIVERY ?? 'on') === 'on',
    shutdownDrainDelayMs: parseDrainDelay(raw.SHUTDOWN_DRAIN_DELAY),
    rateLimits: {
      api: raw.RATE_LIMIT_API ?? defaults.rateLimits.api,
      scim: raw.RATE_LIMIT_SCIM ?? defaults.rateLimits.scim,
      public: raw.RATE_LIMIT_PUBLIC ?? defaults.rateLimits.public,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) deepFreeze(v as object);
  }
  return Object.freeze(value);
}

/** A database URL safe to print: the password is masked. */
export function redactDatabaseUrl(db: DatabaseConfig): string {
  if (db.dialect === 'sqlite') return `sqlite:${db.storage}`;
  return `mysql://${db.user ? `${db.user}:***@` : ''}${db.host}:${db.port}/${db.database}`;
}
