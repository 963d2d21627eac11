import { Router } from 'express';
import { z } from 'zod';
import { iso, nameSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse } from '../http/validate';
import type { OrgsService } from './orgs.service';
import type { RoleRecord } from './roles.repository';
import type { RolesService } from './roles.service';

export const permissionsSchema = z
  .array(z.string().regex(/^[A-Za-z0-9:._*/-]{1,128}$/, 'a permission is 1-128 letters, digits or : . _ * / -'))
  .max(200, 'at most 200 permissions')
  .transform((list) => [...new Set(list)]);
const rank = z.number().int('rank must be a whole number').min(1, 'rank must be between 1 and 1000').max(1000, 'rank must be between 1 and 1000');
export const roleDescriptionSchema = z.string().max(2000).nullable();
export const roleKeySchema = z.string().regex(/^[a-z0-9](?:[a-z0-9_:-]{0,62}[a-z0-9])?$/, 'key must be 1-64 lower-case letters, digits, _ : or -');

export const createRoleSchema = z.strictObject({
  key: roleKeySchema,
  name: nameSchema,
  description: roleDescriptionSchema.optional(),
  permissions: permissionsSchema.optional(),
  rank: rank.optional(),
});
const patchSchema = z.strictObject({
  name: nameSchema.optional(),
  description: roleDescriptionSchema.optional(),
  permissions: permissionsSchema.optional(),
  rank: rank.optional(),
});

export function roleToApi(r: RoleRecord) {
  return {
    key: r.key,
    name: r.name,
    description: r.description,
    permissions: r.permissions,
    rank: r.rank,
    built_in: r.builtin,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function rolesRoutes(roles: RolesService, orgs: OrgsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/organizations/:orgId/roles', async (req, res) => {
    const org = await orgs.get(ctxOf(req).tenantId, req.params.orgId);
    res.json({ data: (await roles.list(org.id)).map(roleToApi), next_cursor: null });
  });
  router.post('/organizations/:orgId/roles', async (req, res) => {
    const input = parse(createRoleSchema, req.body);
    const ctx = ctxOf(req);
    const org = await orgs.get(ctx.tenantId, req.params.orgId);
    res.status(201).json(roleToApi(await roles.create(ctx, org, input)));
  });
  router.patch('/organizations/:orgId/roles/:key', async (req, res) => {
    const changes = parse(patchSchema, req.body);
    const ctx = ctxOf(req);
    const org = await orgs.get(ctx.tenantId, req.params.orgId);
    res.json(roleToApi(await roles.update(ctx, org, req.params.key, changes)));
  });
  router.delete('/organizations/:orgId/roles/:key', async (req, res) => {
    const ctx = ctxOf(req);
    const org = await orgs.get(ctx.tenantId, req.params.orgId);
    await roles.delete(ctx, org, req.params.key);
    res.status(204).end();
  });
  return router;
}
