import { Router } from 'express';
import { z } from 'zod';
import { iso, nameSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse } from '../http/validate';
import { permissionsSchema, roleDescriptionSchema, roleKeySchema } from '../orgs/roles.routes';
import type { TenantRoleRecord } from './tenant-roles.repository';
import type { TenantRolesService } from './tenant-roles.service';

export const createSchema = z.strictObject({
  key: roleKeySchema,
  name: nameSchema,
  description: roleDescriptionSchema.optional(),
  permissions: permissionsSchema.optional(),
});
export const patchSchema = z.strictObject({
  name: nameSchema.optional(),
  description: roleDescriptionSchema.optional(),
  permissions: permissionsSchema.optional(),
});

export function tenantRoleToApi(r: TenantRoleRecord) {
  return {
    key: r.key,
    name: r.name,
    description: r.description,
    permissions: r.permissions,
    built_in: Boolean(r.builtin),
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** `/t/{tenant}/api/v1/admin/roles`: tenant-level roles. */
export function tenantRolesRoutes(roles: TenantRolesService): Router {
  const router = Router({ mergeParams: true });
  router.get('/roles', async (req, res) => {
    res.json({ data: (await roles.list(ctxOf(req).tenantId)).map(tenantRoleToApi), next_cursor: null });
  });
  router.get('/roles/:key', async (req, res) => {
    res.json(tenantRoleToApi(await roles.get(ctxOf(req).tenantId, req.params.key)));
  });
  router.post('/roles', async (req, res) => {
    const input = parse(createSchema, req.body);
    res.status(201).json(tenantRoleToApi(await roles.create(ctxOf(req), input)));
  });
  router.patch('/roles/:key', async (req, res) => {
    const changes = parse(patchSchema, req.body);
    res.json(tenantRoleToApi(await roles.update(ctxOf(req), req.params.key, changes)));
  });
  router.delete('/roles/:key', async (req, res) => {
    await roles.delete(ctxOf(req), req.params.key);
    res.status(204).end();
  });
  return router;
}
