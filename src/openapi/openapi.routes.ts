import { Router } from 'express';
import { buildOpenApiDocument, type OpenApiOptions } from './document';

/** `GET /openapi.json` (public): the document is built on the first request and kept. */
export function openApiRoutes(opts: OpenApiOptions): Router {
  const router = Router();
  let body: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument(opts));
    res.type('application/json').send(body);
  });
  return router;
}
