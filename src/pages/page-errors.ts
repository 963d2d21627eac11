import type { ErrorRequestHandler, Request } from 'express';
import { STATUS_OF, toAppError } from '../http/error-handler';
import { errorPage } from './page.html';

/**
 * A hosted page's server-side failure (a database that is down: 503, with Retry-After from
 * http/retry-after.ts) as an HTML page saying to try again, not the API's JSON body. 4xx errors
 * go on to the usual handler, as before. `applies`: which of the router's requests are pages.
 */
export function pageFailures(what: string, applies: (req: Request) => boolean = () => true): ErrorRequestHandler {
  return (err, req, res, next) => {
    const error = toAppError(err);
    const status = STATUS_OF[error.code];
    if (status < 500 || !applies(req) || res.headersSent) return next(err);
    req.log.error({ err: error.cause ?? err, code: error.code }, `${what} failed`);
    res.status(status).type('html').send(errorPage('Something went wrong', 'Please try again in a moment.'));
  };
}
