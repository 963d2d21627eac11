import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { sha256Hex } from '../shared/crypto';
import { AppError } from '../shared/errors';
import { bearerToken } from './auth.middleware';

/**
 * Rate limits (contract section 10): per caller on the authenticated APIs, per client address on
 * the public pages and endpoints. Over the limit: 429 with Retry-After, in the caller's error
 * shape. Counters live in each process, so with N nodes the effective limit is N × the setting.
 *
 * On the authenticated APIs a caller is known only once its secret has been checked: a request
 * that authenticates counts against its secret's bucket (hashed), one that does not — no token,
 * a made-up, revoked or malformed one, a key of another tenant — against its client address's
 * bucket in the same limiter (issue 18, F11: keyed on the token as presented, every random token
 * had a fresh budget). So a flood of random tokens from one address is refused once that
 * address has spent its budget, while a valid key, even behind the same address, keeps its own.
 */
export interface RateLimits {
  /** admin API requests per minute per key (RATE_LIMIT_API) */
  api: number;
  /** SCIM requests per minute per directory token (RATE_LIMIT_SCIM) */
  scim: number;
  /** public requests per minute per client address (RATE_LIMIT_PUBLIC) */
  public: number;
}

/** Connect-style middleware, which runs on Node's own request and response as well as Express's. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

const CALLER = Symbol('orgbridge.rate-limit.caller');
type Counted = IncomingMessage & { ip?: string; [CALLER]?: string };

/**
 * The client address's bucket: the TCP peer (no proxy header is trusted, see docs/decisions.md).
 * An IPv6 client counts by its /56, as express-rate-limit's own default does: one subscriber
 * usually holds a /64 or a /56, and keyed on the full address every one of its 2^64 addresses
 * had a fresh budget. An IPv4-mapped address (`::ffff:203.0.113.7`) counts as its IPv4 address.
 */
const ipKey = (req: Counted) => {
  const address = req.ip ?? req.socket.remoteAddress;
  return `ip:${address ? ipKeyGenerator(address, 56) : 'unknown'}`;
};

/** The bucket a request counts against: its secret's once authenticated, else its client address's. */
export function callerKey(req: IncomingMessage): string {
  return (req as Counted)[CALLER] ?? ipKey(req);
}

/** Runs `authenticate`, counts the request against its caller's budget, then answers what `authenticate` did (or 429). */
export type AuthenticatedLimit = <T>(req: IncomingMessage, res: ServerResponse, authenticate: () => Promise<T>) => Promise<T>;

/** A limiter that can also tell how many requests a bucket has spent in its current window. */
type Limiter = NodeMiddleware & { getKey?: (key: string) => Promise<{ totalHits: number } | undefined> | { totalHits: number } | undefined };

/** express-rate-limit reads nothing of Express's request or response with these options. */
export function limiter(perMinute: number, keyGenerator: (req: IncomingMessage) => string): Limiter {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator,
    validate: false,
    handler: (req: IncomingMessage & { rateLimit?: { resetTime?: Date } }, res: ServerResponse, next) => {
      const reset = req.rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      res.setHeader('Retry-After', String(seconds));
      next(new AppError('rate_limited', `too many requests; retry in ${seconds} s`));
    },
  }) as unknown as Limiter;
}

/**
 * Authentication runs before counting, so that a valid key behind an address that is being
 * refused (a NAT) is counted in its own bucket. Except for what would cost a database read for
 * nothing: a client address over its budget presenting a secret whose prefix named no row lately
 * (`wouldReadUnknown`, from PrefixedSecrets) is refused without looking, so a flood of made-up
 * secrets reads nothing once its address has spent its budget (a repeated one reads nothing
 * anyway). A valid key never seen on this process in the last 10 minutes, behind such an address,
 * waits for the address's window to end (at most a minute).
 */
export function perCaller(perMinute: number, wouldReadUnknown: (token: string) => boolean = () => false): AuthenticatedLimit {
  if (perMinute <= 0) return (_req, _res, authenticate) => authenticate();
  const limit = limiter(perMinute, callerKey);
  const count = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => limit(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  const addressSpent = async (req: IncomingMessage) => ((await limit.getKey?.(ipKey(req)))?.totalHits ?? 0) >= perMinute;
  return async function limited<T>(req: IncomingMessage, res: ServerResponse, authenticate: () => Promise<T>): Promise<T> {
    const token = bearerToken(req);
    if (token !== undefined && wouldReadUnknown(token) && (await addressSpent(req))) {
      await count(req, res); // 429 (unless the window ended just now: then this request counts and goes on)
      return authenticate();
    }
    let outcome: { ok: true; value: T } | { ok: false; err: unknown };
    try {
      outcome = { ok: true, value: await authenticate() };
    } catch (err) {
      outcome = { ok: false, err };
    }
    if (outcome.ok && token) (req as Counted)[CALLER] = `key:${sha256Hex(token).slice(0, 32)}`;
    await count(req, res);
    if (!outcome.ok) throw outcome.err;
    return outcome.value;
  };
}

/** The admin API's form: an Express authentication middleware (which throws, or calls next with an error, when it fails) under `limit`. */
export function authenticatedBy(limit: AuthenticatedLimit, auth: RequestHandler): RequestHandler {
  const authenticate = (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) =>
    new Promise<void>((resolve, reject) => {
      try {
        Promise.resolve(auth(req, res, (err?: unknown) => (err ? reject(err) : resolve()))).catch(reject);
      } catch (err) {
        reject(err);
      }
    });
  return async (req, res, next) => {
    await limit(req, res, () => authenticate(req, res));
    next();
  };
}

export const perClientAddress = (perMinute: number) => limiter(perMinute, ipKey);
