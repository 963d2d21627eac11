import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../shared/logger';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One child logger per request carrying `reqId`; the id comes from a well-formed
 * X-Request-Id header or is generated, and is echoed on the response.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'reqId' },
    quietReqLogger: true,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ method: req.method, url: redactQuery(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

/** Query values such as ?token= must not reach the log. */
function redactQuery(url: string): string {
  return url.replace(/([?&](?:token|code|key|password|SAMLResponse|SAMLRequest|RelayState)=)[^&]*/gi, '$1[Redacted]');
}
