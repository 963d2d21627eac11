import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { TenantsService } from '../tenants/tenants.service';
import { orgToApi } from './orgs.dto';
import { createOrgSchema, patchOrgSchema, replaceOrgSchema } from './orgs.schemas';
import type { OrgsService } from './orgs.service';

export const searchSchema = z.object({ search: z.string().trim().max(200).optional(), parent_id: z.string().trim().min(1).max(64).optional() });

export function orgsRoutes(orgs: OrgsService, tenants: TenantsService): Router {
  const router = Router({ mergeParams: true });
  const render = (req: Request) => {
    const settings = tenants.settingsOf(ctxOf(req).tenant);
    return (org: Parameters<typeof orgToApi>[0]) => orgToApi(org, settings);
  };

  router.get('/organizations', async (req, res) => {
    const { search, parent_id } = parse(searchSchema, req.query, 'query');
    const page = await orgs.list(ctxOf(req).tenantId, search || undefined, parsePage(req.query), parent_id);
    res.json({ data: page.data.map(render(req)), next_cursor: page.next_cursor });
  });
  router.post('/organizations', async (req, res) => {
    const org = await orgs.create(ctxOf(req), parse(createOrgSchema, req.body));
    res.status(201).json(render(req)(org));
  });
  router.get('/organizations/:orgId', async (req, res) => {
    res.json(render(req)(await orgs.get(ctxOf(req).tenantId, req.params.orgId)));
  });
  router.put('/organizations/:orgId', async (req, res) => {
    const input = parse(replaceOrgSchema, req.body);
    res.json(render(req)(await orgs.replace(ctxOf(req), req.params.orgId, input)));
  });
  router.patch('/organizations/:orgId', async (req, res) => {
    res.json(render(req)(await orgs.patch(ctxOf(req), req.params.orgId, parse(patchOrgSchema, req.body))));
  });
  router.delete('/organizations/:orgId', async (req, res) => {
    await orgs.delete(ctxOf(req), req.params.orgId);
    res.status(204).end();
  });
  return router;
}
