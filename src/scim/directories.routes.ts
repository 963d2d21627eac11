import { Router, type Request } from 'express';
import { z } from 'zod';
import { iso, nameSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse } from '../http/validate';
import type { OrgsService } from '../orgs/orgs.service';
import type { DirectoriesService, DirectoryRecord } from './directories.service';

export const createSchema = z.strictObject({ name: nameSchema, provider: z.enum(['okta', 'entra', 'generic']).default('generic') });
const roleKey = z.string().min(1).max(64);
export const mappingSchema = z.strictObject({
  default_role: roleKey.default('member'),
  mappings: z
    .array(
      z
        .strictObject({ group: z.string().min(1).max(400).optional(), group_id: z.string().min(1).max(64).optional(), role: roleKey })
        .refine((m) => (m.group === undefined) !== (m.group_id === undefined), { message: 'give exactly one of group or group_id' }),
    )
    .max(1000)
    .default([]),
});

export function directoriesRoutes(directories: DirectoriesService, orgs: OrgsService, publicUrl: string): Router {
  const router = Router({ mergeParams: true });
  const org = async (req: Request) => orgs.get(ctxOf(req).tenantId, String(req.params.orgId));
  const toApi = (req: Request, d: DirectoryRecord) => ({
    id: d.id,
    organization_id: d.organization_id,
    name: d.name,
    provider: d.provider,
    scim_base_url: `${publicUrl}/t/${ctxOf(req).tenant.slug}/scim/v2/${d.id}`,
    created_at: iso(d.created_at),
  });
  const base = '/organizations/:orgId/directories';

  router.post(base, async (req, res) => {
    const input = parse(createSchema, req.body);
    const { directory, token } = await directories.create(ctxOf(req), (await org(req)).id, input);
    res.status(201).json({ ...toApi(req, directory), bearer_token: token });
  });
  router.get(base, async (req, res) => {
    res.json({ data: (await directories.list((await org(req)).id)).map((d) => toApi(req, d)), next_cursor: null });
  });
  router.get(`${base}/:dirId`, async (req, res) => {
    res.json(toApi(req, await directories.get((await org(req)).id, req.params.dirId)));
  });
  router.delete(`${base}/:dirId`, async (req, res) => {
    await directories.delete(ctxOf(req), (await org(req)).id, req.params.dirId);
    res.status(204).end();
  });
  router.post(`${base}/:dirId/token`, async (req, res) => {
    const { directory, token } = await directories.rotateToken(ctxOf(req), (await org(req)).id, req.params.dirId);
    res.json({ ...toApi(req, directory), bearer_token: token });
  });
  router.get(`${base}/:dirId/role-mappings`, async (req, res) => {
    res.json((await directories.get((await org(req)).id, req.params.dirId)).role_mapping);
  });
  router.put(`${base}/:dirId/role-mappings`, async (req, res) => {
    const mapping = parse(mappingSchema, req.body);
    res.json(await directories.putRoleMapping(ctxOf(req), (await org(req)).id, req.params.dirId, mapping));
  });
  router.post(`${base}/:dirId/role-mappings/preview`, async (req, res) => {
    const mapping = parse(mappingSchema, req.body);
    res.json({ changes: await directories.previewRoleMapping(ctxOf(req), (await org(req)).id, req.params.dirId, mapping) });
  });
  return router;
}
