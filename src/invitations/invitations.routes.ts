import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { Clock } from '../shared/clock';
import { ctxOf } from '../http/auth.middleware';
import { jsonBody } from '../http/json-body';
import { parse, parsePage } from '../http/validate';
import type { OrgsService } from '../orgs/orgs.service';
import type { InviteTenantAdmin } from '../tenants/tenants.routes';
import {
  acceptSchema,
  createOrgInvitationSchema,
  createTenantInvitationSchema,
  invitationToApi,
  listQuerySchema,
  resendSchema,
} from './invitations.dto';
import { DEFAULT_EXPIRES_IN, TENANT_ADMIN_ROLE, type InvitationsService, type Scope } from './invitations.service';

/** The org schema's output; the tenant-level one is a subset of it. */
type CreateBody = Omit<z.output<typeof createOrgInvitationSchema>, 'roles'> & { roles?: string[] };

/**
 * The admin API: `/organizations/{orgId}/invitations…` and, for tenant-level invitations
 * (organization_id null), `/invitations…`.
 */
export function invitationsRoutes(invitations: InvitationsService, orgs: OrgsService, clock: Clock): Router {
  const router = Router({ mergeParams: true });
  const orgScope = async (req: Request): Promise<Scope> => {
    const { tenant } = ctxOf(req);
    return { tenant, org: await orgs.get(tenant.id, String(req.params.orgId)) };
  };
  const tenantScope = async (req: Request): Promise<Scope> => ({ tenant: ctxOf(req).tenant, org: null });
  mount(router, '/organizations/:orgId/invitations', orgScope, createOrgInvitationSchema);
  mount(router, '/invitations', tenantScope, createTenantInvitationSchema);
  return router;

  function mount(r: Router, path: string, scopeOf: (req: Request) => Promise<Scope>, createSchema: typeof createOrgInvitationSchema | typeof createTenantInvitationSchema) {
    r.post(path, async (req, res) => {
      const body: CreateBody = parse(createSchema, req.body);
      const ctx = ctxOf(req);
      const { invitation, url } = await invitations.create(ctx, await scopeOf(req), {
        email: body.email,
        role: body.roles?.[0] ?? body.role ?? TENANT_ADMIN_ROLE,
        roles: body.roles,
        connectionId: body.connection_id,
        clientId: body.client_id,
        returnTo: body.return_to,
        expiresIn: body.expires_in,
        sendEmail: body.send_email,
        inviterUserId: body.inviter_user_id,
        metadata: body.metadata,
        appMetadata: body.app_metadata,
        userMetadata: body.user_metadata,
      });
      const inviters = await invitations.invitersOf(ctx.tenantId, [invitation]);
      res.status(201).json(invitationToApi(invitation, clock.now(), url, inviters.get(invitation.id)));
    });
    r.get(path, async (req, res) => {
      const { status } = parse(listQuerySchema, { status: req.query.status }, 'query');
      const scope = await scopeOf(req);
      const page = await invitations.list(scope.tenant.id, scope.org?.id ?? null, status, parsePage(req.query));
      const now = clock.now();
      const inviters = await invitations.invitersOf(scope.tenant.id, page.data);
      res.json({ data: page.data.map((i) => invitationToApi(i, now, undefined, inviters.get(i.id))), next_cursor: page.next_cursor });
    });
    r.get(`${path}/:id`, async (req, res) => {
      const scope = await scopeOf(req);
      const invitation = await invitations.get(scope.tenant.id, scope.org?.id ?? null, String(req.params.id));
      const inviters = await invitations.invitersOf(scope.tenant.id, [invitation]);
      res.json(invitationToApi(invitation, clock.now(), undefined, inviters.get(invitation.id)));
    });
    r.post(`${path}/:id/resend`, async (req, res) => {
      const body = parse(resendSchema, req.body ?? {});
      const { invitation, url } = await invitations.resend(ctxOf(req), await scopeOf(req), String(req.params.id), {
        expiresIn: body.expires_in,
        sendEmail: body.send_email,
      });
      const inviters = await invitations.invitersOf(ctxOf(req).tenantId, [invitation]);
      res.json(invitationToApi(invitation, clock.now(), url, inviters.get(invitation.id)));
    });
    r.delete(`${path}/:id`, async (req, res) => {
      await invitations.revoke(ctxOf(req), await scopeOf(req), String(req.params.id));
      res.status(204).end();
    });
  }
}

/** Public: `POST /t/{tenant}/api/v1/invitations/accept` `{token, name?, password?}` → 200 `{user_id, organization_id, role}`. */
export function acceptApiRoutes(invitations: InvitationsService): Router {
  const router = Router({ mergeParams: true });
  router.post('/invitations/accept', jsonBody(['application/json'], 64 * 1024), async (req, res) => {
    const body = parse(acceptSchema, req.body);
    res.json(await invitations.accept(String((req.params as Record<string, string>).tenant), body));
  });
  return router;
}

/** `POST /api/v1/tenants` with `admin_email`: the tenant-level invitation of its first administrator. */
export function tenantAdminInviter(invitations: InvitationsService, clock: Clock): InviteTenantAdmin {
  return async (actor, tenant, email, tx) => {
    const { invitation, url } = await invitations.create(
      { tenantId: tenant.id, actor },
      { tenant, org: null },
      { email, role: TENANT_ADMIN_ROLE, expiresIn: DEFAULT_EXPIRES_IN, sendEmail: true },
      tx,
    );
    return invitationToApi(invitation, clock.now(), url, (await invitations.invitersOf(tenant.id, [invitation])).get(invitation.id));
  };
}
