import { Router } from 'express';
import { z } from 'zod';
import type { Actor } from '../shared/context';
import { emailSchema, nameSchema, slugSchema } from '../shared/schemas';
import type { Tx } from '../db/transaction';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import { authSettingsPatchSchema, brandingPatchSchema, effectiveSettings } from './settings';
import type { TenantRecord } from './tenants.repository';
import { tenantToApi } from './tenants.dto';
import type { TenantSettings, TenantsService } from './tenants.service';

export const createSchema = z.strictObject({ slug: slugSchema, name: nameSchema, admin_email: emailSchema.optional() });
export const settingsPatchSchema = z.strictObject({
  branding: brandingPatchSchema.nullable().optional(),
  auth_settings: authSettingsPatchSchema.nullable().optional(),
  inherit_global_permissions_in_organizations: z.boolean({ error: 'inherit_global_permissions_in_organizations must be true or false' }).optional(),
});

/** Invites a new tenant's first administrator inside the tenant's creation; answers the invitation as the API shows it. */
export type InviteTenantAdmin = (actor: Actor, tenant: TenantRecord, email: string, tx: Tx) => Promise<object>;

/** `/api/v1/tenants` (root key). */
export function tenantsRoutes(tenants: TenantsService, inviteAdmin: InviteTenantAdmin): Router {
  const router = Router();
  router.post('/tenants', async (req, res) => {
    const { admin_email, ...input } = parse(createSchema, req.body);
    const actor = req.auth!.actor;
    let invitation: object | undefined;
    const bootstrap = async (tenant: TenantRecord, tx: Tx) => {
      invitation = await inviteAdmin(actor, tenant, admin_email!, tx);
    };
    const tenant = await tenants.create(actor, input, admin_email ? bootstrap : undefined);
    res.status(201).json({ ...tenantToApi(tenant), ...(invitation ? { admin_invitation: invitation } : {}) });
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
  const view = (settings: TenantSettings) => ({
    ...settings,
    effective: effectiveSettings(null, settings),
  });
  router.get('/settings', (req, res) => {
    res.json(view(tenants.tenantSettingsOf(ctxOf(req).tenant)));
  });
  router.patch('/settings', async (req, res) => {
    const patch = parse(settingsPatchSchema, req.body);
    res.json(view(await tenants.updateSettings(ctxOf(req), patch)));
  });
  return router;
}
