import { Router } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import { domainToApi } from './domains.dto';
import type { DomainsService } from './domains.service';
import { METHODS } from './verifiers/check';

export const addSchema = z.strictObject({
  domain: z.string({ error: 'domain must be a string' }).max(300, 'domain is too long'),
  include_subdomains: z.boolean({ error: 'include_subdomains must be a boolean' }).optional(),
});
export const verifySchema = z.strictObject({
  method: z.enum(METHODS as [(typeof METHODS)[number], ...(typeof METHODS)[number][]], {
    error: `method must be one of ${METHODS.join(', ')}`,
  }).optional(),
});

export function domainsRoutes(domains: DomainsService): Router {
  const router = Router({ mergeParams: true });
  router.post('/organizations/:orgId/domains', async (req, res) => {
    res.status(201).json(domainToApi(await domains.add(ctxOf(req), req.params.orgId, parse(addSchema, req.body))));
  });
  router.get('/organizations/:orgId/domains', async (req, res) => {
    const page = await domains.list(ctxOf(req).tenantId, req.params.orgId, parsePage(req.query));
    res.json({ data: page.data.map(domainToApi), next_cursor: page.next_cursor });
  });
  router.post('/organizations/:orgId/domains/:domainId/verify', async (req, res) => {
    const { method } = parse(verifySchema, req.body ?? {});
    res.json(await domains.verify(ctxOf(req), req.params.orgId, req.params.domainId, method));
  });
  router.delete('/organizations/:orgId/domains/:domainId', async (req, res) => {
    await domains.delete(ctxOf(req), req.params.orgId, req.params.domainId);
    res.status(204).end();
  });
  return router;
}
