import { Router } from 'express';
import { z } from 'zod';
import { emailSchema, iso } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { MemberView } from './members.repository';
import type { MembersService } from './members.service';
import type { OrgsService } from './orgs.service';

const roleKey = z.string({ error: 'role must be a string' }).min(1).max(64);
const addSchema = z
  .strictObject({ user_id: z.string().min(1).max(40).optional(), email: emailSchema.optional(), role: roleKey.default('member') })
  .refine((b) => (b.user_id === undefined) !== (b.email === undefined), { message: 'give exactly one of user_id or email' });
const patchSchema = z.strictObject({ role: roleKey });

export function memberToApi(m: MemberView) {
  return { user_id: m.user_id, email: m.email, name: m.name, role: m.role_key, status: m.status, source: m.source, joined_at: iso(m.created_at) };
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
    const member = await members.add(ctx, org, { userId: body.user_id, email: body.email }, body.role);
    res.status(201).json(memberToApi(member));
  });
  router.patch('/organizations/:orgId/members/:userId', async (req, res) => {
    const { role } = parse(patchSchema, req.body);
    res.json(memberToApi(await members.changeRole(ctxOf(req), req.params.orgId, req.params.userId, role)));
  });
  router.delete('/organizations/:orgId/members/:userId', async (req, res) => {
    await members.remove(ctxOf(req), req.params.orgId, req.params.userId);
    res.status(204).end();
  });
  return router;
}
