import express, { Router } from 'express';
import { apiKeysRoutes } from './api-keys/api-keys.routes';
import type { Container } from './container';
import { domainsRoutes } from './domains/domains.routes';
import { eventsRoutes } from './events/events.routes';
import { requireRootKey, requireTenantAdmin } from './http/auth.middleware';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { healthRoutes } from './http/health.routes';
import { requestLogging } from './http/request-logging';
import { membersRoutes } from './orgs/members.routes';
import { orgsRoutes } from './orgs/orgs.routes';
import { rolesRoutes } from './orgs/roles.routes';
import { routingRoutes } from './routing/routing.routes';
import { tenantSettingsRoutes, tenantsRoutes } from './tenants/tenants.routes';
import { usersRoutes } from './users/users.routes';

export const JSON_BODY_LIMIT = 1024 * 1024;

/** The Express app, without listening (tests and main.ts both use it). */
export function createApp(c: Container): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLogging(c.logger));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(healthRoutes(c.db));

  const json = express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  const auth = { rootKey: c.secrets.adminApiKey, apiKeys: c.apiKeys, tenants: c.tenants };

  app.use('/api/v1', requireRootKey(auth), json, tenantsRoutes(c.tenants));

  const admin = Router({ mergeParams: true });
  admin.use(requireTenantAdmin(auth), json);
  admin.use(apiKeysRoutes(c.apiKeys));
  admin.use(tenantSettingsRoutes(c.tenants));
  admin.use(orgsRoutes(c.orgs, c.tenants));
  admin.use(membersRoutes(c.members, c.orgs));
  admin.use(rolesRoutes(c.roles, c.orgs));
  admin.use(usersRoutes(c.users, c.members, c.orgs));
  admin.use(domainsRoutes(c.domains));
  admin.use(eventsRoutes(c.events));
  app.use('/t/:tenant/api/v1/admin', admin);
  app.use('/t/:tenant', routingRoutes(c.routing));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
