import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../shared/logger';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: a well-formed X-Request-Id header, or generated. */
    id: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** A logger whose every line carries `reqId`. */
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CHILD = Symbol('request logger');

/**
 * Gives each request an id (echoed as X-Request-Id) and logs each completed request at `info`
 * (`error` for 5xx). Runs at the server, before either the SCIM handler or the Express app.
 */
export function requestLogging(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    if (!logger.isLevelEnabled('info')) return;
    const started = performance.now();
    const url = req.url ?? '';
    res.once('close', () => {
      const line = {
        reqId: req.id,
        req: { method: req.method, url: redactQuery(url) },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) logger.warn(line, 'request aborted');
      else logger[res.statusCode >= 500 ? 'error' : 'info'](line, 'request completed');
    });
  };
}

/**
 * A request's logger, whose lines carry `reqId`. Made only when a line is written: most
 * requests log nothing but the completion line, and on the hot paths a child logger per request
 * was a measurable share of the cost (docs/benchmarks.md).
 */
export function requestLogger(logger: Logger, req: IncomingMessage & { [CHILD]?: Logger }): Logger {
  return (req[CHILD] ??= logger.child({ reqId: req.id }));
}

/** `req.log` on the Express app's requests. */
export function exposeRequestLogger(app: Express, logger: Logger): void {
  Object.defineProperty(app.request, 'log', {
    get(this: IncomingMessage) {
      return requestLogger(logger, this);
    },
  });
}

/** Query values such as ?token= must not reach the log. */
function redactQuery(url: string): string {
  return url.replace(/([?&](?:token|code|key|password|SAMLResponse|SAMLRequest|RelayState)=)[^&]*/gi, '$1[Redacted]');
}
