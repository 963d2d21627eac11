import { Router } from 'express';
import { z } from 'zod';
import { jsonObjectSchema } from '../shared/metadata';
import { emailSchema, iso, nameSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { MembersService } from '../orgs/members.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { IdentitiesService } from './identities.service';
import type { UsersService, UserWithTenantRoles } from './users.service';

const name = nameSchema.nullable();
const tenantRole = z.enum(['admin'], { error: 'tenant_role must be "admin" or null' }).nullable();
const tenantRoles = z.array(z.string({ error: 'tenant_roles must be a list of role keys' }).min(1).max(64), { error: 'tenant_roles must be a list of role keys' }).max(50, 'at most 50 tenant roles');
const notBoth = (b: { tenant_role?: unknown; tenant_roles?: unknown }) => b.tenant_role === undefined || b.tenant_roles === undefined;
const bothMessage = { message: 'give tenant_role or tenant_roles, not both', path: ['tenant_roles'] };
const appMetadata = jsonObjectSchema('app_metadata');
const userMetadata = jsonObjectSchema('user_metadata');
export const createSchema = z
  .strictObject({
    email: emailSchema,
    name: name.optional(),
    tenant_role: tenantRole.optional(),
    tenant_roles: tenantRoles.optional(),
    app_metadata: appMetadata.optional(),
    user_metadata: userMetadata.optional(),
  })
  .refine(notBoth, bothMessage);
export const patchSchema = z
  .strictObject({
    name: name.optional(),
    tenant_role: tenantRole.optional(),
    tenant_roles: tenantRoles.optional(),
    app_metadata: appMetadata.nullable().optional(),
    user_metadata: userMetadata.nullable().optional(),
    blocked: z.boolean({ error: 'blocked must be true or false' }).optional(),
  })
  .refine(notBoth, bothMessage);
export const searchSchema = z.object({ search: z.string().trim().max(200).optional() });

export function userToApi(u: UserWithTenantRoles) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    tenant_role: u.tenant_role,
    tenant_roles: u.tenant_roles,
    blocked: Boolean(u.blocked),
    app_metadata: u.app_metadata ?? {},
    user_metadata: u.user_metadata ?? {},
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}

export function usersRoutes(users: UsersService, members: MembersService, orgs: OrgsService, identities: IdentitiesService): Router {
  const router = Router({ mergeParams: true });
  router.get('/users', async (req, res) => {
    const { search } = parse(searchSchema, req.query, 'query');
    const page = await users.list(ctxOf(req).tenantId, search || undefined, parsePage(req.query));
    res.json({ data: (await users.withTenantRoles(page.data)).map(userToApi), next_cursor: page.next_cursor });
  });
  router.post('/users', async (req, res) => {
    const input = parse(createSchema, req.body);
    const [created] = await users.withTenantRoles([await users.create(ctxOf(req), input)]);
    res.status(201).json(userToApi(created!));
  });
  router.get('/users/:userId', async (req, res) => {
    const [user] = await users.withTenantRoles([await users.get(ctxOf(req).tenantId, req.params.userId)]);
    const memberships = await members.listForUser(user.id);
    const byId = new Map((await orgs.findByIds(memberships.map((m) => m.organization_id))).map((o) => [o.id, o]));
    res.json({
      ...userToApi(user!),
      memberships: memberships.map((m) => ({
        organization_id: m.organization_id,
        organization_slug: byId.get(m.organization_id)?.slug ?? null,
        organization_name: byId.get(m.organization_id)?.name ?? null,
        role: m.role_key,
        roles: m.roles,
        status: m.status,
        source: m.source,
        joined_at: iso(m.created_at),
      })),
      identities: (await identities.list(user)).map((i) => ({ ...i, last_used_at: iso(i.last_used_at) })),
    });
  });
  router.patch('/users/:userId', async (req, res) => {
    const changes = parse(patchSchema, req.body);
    const [updated] = await users.withTenantRoles([await users.update(ctxOf(req), req.params.userId, changes)]);
    res.json(userToApi(updated!));
  });
  router.delete('/users/:userId', async (req, res) => {
    await users.delete(ctxOf(req), req.params.userId);
    res.status(204).end();
  });
  return router;
}
