import { Router } from 'express';
import { z } from 'zod';
import { emailSchema, iso } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { MemberView } from './members.repository';
import type { MembersService } from './members.service';
import type { OrgsService } from './orgs.service';

const roleKey = z.string({ error: 'role must be a string' }).min(1).max(64);
/** `role` (one key) or `roles` (one or more keys), never both. */
const roleFields = {
  role: roleKey.optional(),
  roles: z.array(roleKey, { error: 'roles must be a list of role keys' }).min(1, 'roles must name at least one role').max(50, 'at most 50 roles').optional(),
};
const notBoth = (b: { role?: string; roles?: string[] }) => b.role === undefined || b.roles === undefined;
const bothMessage = { message: 'give role or roles, not both', path: ['roles'] };
export const addSchema = z
  .strictObject({ user_id: z.string().min(1).max(40).optional(), email: emailSchema.optional(), ...roleFields })
  .refine((b) => (b.user_id === undefined) !== (b.email === undefined), { message: 'give exactly one of user_id or email' })
  .refine(notBoth, bothMessage);
export const patchSchema = z
  .strictObject(roleFields)
  .refine(notBoth, bothMessage)
  .refine((b) => b.role !== undefined || b.roles !== undefined, { message: 'give role or roles', path: ['role'] });

export function memberToApi(m: MemberView) {
  return {
    user_id: m.user_id,
    email: m.email,
    name: m.name,
    role: m.role_key,
    roles: m.roles,
    status: m.status,
    source: m.source,
    joined_at: iso(m.created_at),
  };
}

export function membersRoutes(members: MembersService, orgs: OrgsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/organizations/:orgId/members', async (req, res) => {
    const org = await orgs.get(ctxOf(req).tenantId, req.params.orgId);
    const page = await members.list(org, parsePage(req.query));
    res.json({ data: page.data.map(memberToApi), next_cursor: page.next_cursor });
  });
  router.post('/organizations/:orgId/members', async (req, res) => {
    const body = parse(addSchema, req.body);
    const ctx = ctxOf(req);
    const org = await orgs.get(ctx.tenantId, req.params.orgId);
    const member = await members.add(ctx, org, { userId: body.user_id, email: body.email }, body.roles ?? body.role ?? 'member');
    res.status(201).json(memberToApi(member));
  });
  router.patch('/organizations/:orgId/members/:userId', async (req, res) => {
    const body = parse(patchSchema, req.body);
    res.json(memberToApi(await members.changeRole(ctxOf(req), req.params.orgId, req.params.userId, (body.roles ?? body.role)!)));
  });
  router.delete('/organizations/:orgId/members/:userId', async (req, res) => {
    await members.remove(ctxOf(req), req.params.orgId, req.params.userId);
    res.status(204).end();
  });
  return router;
}
