import { randomUUID } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import type { Logger } from '../shared/logger';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id: a well-formed X-Request-Id header, or generated. */
    id: string;
    /** A logger whose every line carries `reqId`. */
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CHILD = Symbol('request logger');

/**
 * Gives each request an id (echoed as X-Request-Id) and a logger carrying it, and logs each
 * completed request at `info` (`error` for 5xx). The child logger is made only when a line is
 * written: most requests log nothing but the completion line, and on the hot public paths a
 * child logger per request was a measurable share of the cost (docs/benchmarks.md).
 */
export function requestLogging(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    get(this: { id: string; [CHILD]?: Logger }) {
      return (this[CHILD] ??= logger.child({ reqId: this.id }));
    },
  });
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    if (logger.isLevelEnabled('info')) {
      const started = performance.now();
      res.once('close', () => {
        const line = {
          reqId: req.id,
          req: { method: req.method, url: redactQuery(req.originalUrl) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        };
        if (!res.writableFinished) logger.warn(line, 'request aborted');
        else logger[res.statusCode >= 500 ? 'error' : 'info'](line, 'request completed');
      });
    }
    next();
  };
}

/** Query values such as ?token= must not reach the log. */
function redactQuery(url: string): string {
  return url.replace(/([?&](?:token|code|key|password|SAMLResponse|SAMLRequest|RelayState)=)[^&]*/gi, '$1[Redacted]');
}
