import { Router } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse } from '../http/validate';
import type { OrgsService } from '../orgs/orgs.service';
import type { UsersService } from '../users/users.service';
import type { AccessService } from './access.service';

const key = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} is required`).max(64);
export const lookupSchema = z.object({ organization: key('organization') });
export const checkSchema = z.strictObject({
  user_id: key('user_id'),
  organization_id: key('organization_id'),
  permission: z.string({ error: 'permission must be a string' }).regex(/^[A-Za-z0-9:._*/-]{1,128}$/, 'a permission is 1-128 letters, digits or : . _ * / -'),
});

/** Permission look-up and check, as a token would carry them (docs/roles.md). */
export function accessRoutes(access: AccessService, users: UsersService, orgs: OrgsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/users/:userId/permissions', async (req, res) => {
    const { organization } = parse(lookupSchema, req.query, 'query');
    const { tenantId } = ctxOf(req);
    const user = await users.get(tenantId, req.params.userId);
    const org = await orgs.get(tenantId, organization);
    res.json(await access.lookup(tenantId, user.id, org.id));
  });
  router.post('/permissions/check', async (req, res) => {
    const body = parse(checkSchema, req.body);
    const { tenantId } = ctxOf(req);
    const user = await users.get(tenantId, body.user_id);
    const org = await orgs.get(tenantId, body.organization_id);
    res.json({ allowed: await access.check(tenantId, user.id, org.id, body.permission) });
  });
  return router;
}
