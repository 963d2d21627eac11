import type { IncomingMessage, ServerResponse } from 'node:http';
import { rateLimit } from 'express-rate-limit';
import { sha256Hex } from '../shared/crypto';
import { AppError } from '../shared/errors';
import { bearerToken } from './auth.middleware';

/**
 * Rate limits (contract section 10): per caller on the authenticated APIs (the bearer secret,
 * hashed, identifies the caller; without one, the client address), per client address on the
 * public pages and endpoints. Over the limit: 429 with Retry-After, in the caller's error
 * shape. Counters live in each process, so with N nodes the effective limit is N × the setting.
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

const ipKey = (req: IncomingMessage & { ip?: string }) => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

export function callerKey(req: IncomingMessage): string {
  const token = bearerToken(req);
  return token ? `key:${sha256Hex(token).slice(0, 32)}` : ipKey(req);
}

/** express-rate-limit reads nothing of Express's request or response with these options. */
export function limiter(perMinute: number, keyGenerator: (req: IncomingMessage) => string): NodeMiddleware {
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
  }) as unknown as NodeMiddleware;
}

export const perCaller = (perMinute: number) => limiter(perMinute, callerKey);
export const perClientAddress = (perMinute: number) => limiter(perMinute, ipKey);
