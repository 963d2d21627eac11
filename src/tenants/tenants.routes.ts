import { Router } from 'express';
import { z } from 'zod';
import { nameSchema, slugSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import { authSettingsPatchSchema, brandingPatchSchema, effectiveSettings } from './settings';
import { tenantToApi } from './tenants.dto';
import type { TenantsService } from './tenants.service';

const createSchema = z.strictObject({ slug: slugSchema, name: nameSchema });
const settingsPatchSchema = z.strictObject({
  branding: brandingPatchSchema.nullable().optional(),
  auth_settings: authSettingsPatchSchema.nullable().optional(),
});

/** `/api/v1/tenants` (root key). */
export function tenantsRoutes(tenants: TenantsService): Router {
  const router = Router();
  router.post('/tenants', async (req, res) => {
    const input = parse(createSchema, req.body);
    const tenant = await tenants.create(req.auth!.actor, input);
    res.status(201).json(tenantToApi(tenant));
  });
  router.get('/tenants', async (req, res) => {
    const page = await tenants.list(parsePage(req.query));
    res.json({ data: page.data.map(tenantToApi), next_cursor: page.next_cursor });
  });
  router.get('/tenants/:tenant', async (req, res) => {
    res.json(tenantToApi(await tenants.get(req.params.tenant)));
  });
  router.delete('/tenants/:tenant', async (req, res) => {
    await tenants.delete(req.params.tenant);
    res.status(204).end();
  });
  return router;
}

/** `/t/{tenant}/api/v1/admin/settings`: the tenant's defaults, which organizations inherit. */
export function tenantSettingsRoutes(tenants: TenantsService): Router {
  const router = Router({ mergeParams: true });
  const view = (settings: ReturnType<TenantsService['settingsOf']>) => ({
    ...settings,
    effective: effectiveSettings(null, settings),
  });
  router.get('/settings', (req, res) => {
    res.json(view(tenants.settingsOf(ctxOf(req).tenant)));
  });
  router.patch('/settings', async (req, res) => {
    const patch = parse(settingsPatchSchema, req.body);
    res.json(view(await tenants.updateSettings(ctxOf(req), patch)));
  });
  return router;
}
