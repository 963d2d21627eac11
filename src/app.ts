import { createServer, type Server } from 'node:http';
import { assetsRoutes } from './pages/assets.routes';
import express, { Router } from 'express';
import { accessRoutes } from './access/access.routes';
import { tenantRolesRoutes } from './access/tenant-roles.routes';
import { apiKeysRoutes } from './api-keys/api-keys.routes';
import type { Container } from './container';
import { domainsRoutes } from './domains/domains.routes';
import { eventsRoutes } from './events/events.routes';
import { requireRootKey, requireTenantAdmin } from './http/auth.middleware';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { healthRoutes } from './http/health.routes';
import { jsonBody } from './http/json-body';
import { acceptPageRoutes } from './invitations/accept-page.routes';
import { acceptApiRoutes, invitationsRoutes, tenantAdminInviter } from './invitations/invitations.routes';
import { outboxRoutes } from './mail/outbox.routes';
import { applicationsRoutes } from './oidc/applications.routes';
import { oidcRoutes } from './oidc/oidc.routes';
import { openApiRoutes } from './openapi/openapi.routes';
import { signingKeysRoutes } from './oidc/signing-keys.routes';
import { authenticatedBy, perCaller, perClientAddress } from './http/rate-limit';
import { exposeRequestLogger, requestLogging } from './http/request-logging';
import { retryAfterOnUnavailable } from './http/retry-after';
import { membersRoutes } from './orgs/members.routes';
import { orgsRoutes } from './orgs/orgs.routes';
import { rolesRoutes } from './orgs/roles.routes';
import { routingRoutes } from './routing/routing.routes';
import { directoriesRoutes } from './scim/directories.routes';
import { scimHandler } from './scim/scim.handler';
import { accountPageRoutes } from './sessions/account-page.routes';
import { pageHeaders } from './pages/page-headers';
import { portalRoutes } from './portal/portal.routes';
import { meRoutes } from './sessions/me.routes';
import { connectionsRoutes } from './sso/connections.routes';
import { samlRoutes } from './sso/saml.routes';
import { tenantSettingsRoutes, tenantsRoutes } from './tenants/tenants.routes';
import { usersRoutes } from './users/users.routes';
import { webhooksRoutes } from './webhooks/webhooks.routes';

/**
 * The HTTP server, not yet listening (tests and main.ts both use it): every request gets an id,
 * a completion log line and the security headers; SCIM requests go to the SCIM handler, which
 * runs on Node's http (src/scim/scim.handler.ts says why), and everything else to the Express app.
 */
export function createOrgbridgeServer(c: Container): Server {
  const logRequest = requestLogging(c.logger);
  const scim = scimHandler({
    rateLimit: perCaller(c.config.rateLimits.scim, (token) => c.directories.wouldReadUnknown(token)),
    logger: c.logger,
    publicUrl: c.config.publicUrl,
    dialect: c.db.dialect,
    tenants: c.tenants,
    directories: c.directories,
    users: c.scimUsers,
    groups: c.scimGroups,
  });
  const app = createApp(c);
  return createServer((req, res) => {
    logRequest(req, res);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    if (scim(req, res)) return;
    retryAfterOnUnavailable(res);
    app(req, res);
  });
}

/** Everything but SCIM (exported for the test that walks its routes: test/integration/openapi). */
export function createApp(c: Container): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every response body for a weak ETag; SCIM resources carry their own
  // (meta.version), and nothing else here answers conditional GETs.
  app.disable('etag');
  app.set('query parser', 'simple');
  exposeRequestLogger(app, c.logger);
  const limits = c.config.rateLimits;

  app.use(healthRoutes(c.db, c.readiness));
  app.use(assetsRoutes());
  // The API description (public), generated from the routes' zod schemas (docs/api.md).
  app.use(openApiRoutes({ publicUrl: c.config.publicUrl, webhookUrls: { httpsOnly: c.config.env === 'production', policy: c.webhookAddressPolicy } }));

  const json = jsonBody(['application/json', 'application/*+json']);
  const auth = { rootKey: c.secrets.adminApiKey, apiKeys: c.apiKeys, tenants: c.tenants };

  // One budget per key across /api/v1 and the tenant admin APIs.
  const apiLimit = perCaller(limits.api, (token) => c.apiKeys.wouldReadUnknown(token));
  app.use('/api/v1', authenticatedBy(apiLimit, requireRootKey(auth)), json, tenantsRoutes(c.tenants, tenantAdminInviter(c.invitations, c.clock)));

  const admin = Router({ mergeParams: true });
  admin.use(authenticatedBy(apiLimit, requireTenantAdmin(auth)), json);
  admin.use(apiKeysRoutes(c.apiKeys));
  admin.use(tenantSettingsRoutes(c.tenants));
  admin.use(orgsRoutes(c.orgs, c.tenants));
  admin.use(membersRoutes(c.members, c.orgs));
  admin.use(rolesRoutes(c.roles, c.orgs));
  admin.use(usersRoutes(c.users, c.members, c.orgs, c.identities));
  admin.use(tenantRolesRoutes(c.tenantRoles));
  admin.use(accessRoutes(c.access, c.users, c.orgs));
  admin.use(domainsRoutes(c.domains));
  admin.use(eventsRoutes(c.events));
  admin.use(directoriesRoutes(c.directories, c.orgs, c.config.publicUrl));
  admin.use(invitationsRoutes(c.invitations, c.orgs, c.clock));
  admin.use(outboxRoutes(c.outbox));
  admin.use(connectionsRoutes(c.connections, c.orgs, c.config.publicUrl));
  admin.use(applicationsRoutes(c.applications));
  admin.use(signingKeysRoutes(c.signingKeys));
  admin.use(webhooksRoutes(c.webhooks, { httpsOnly: c.config.env === 'production', policy: c.webhookAddressPolicy }));
  app.use('/t/:tenant/api/v1/admin', admin);

  // Public pages and endpoints (no key): limited per client address.
  app.use('/t/:tenant', perClientAddress(limits.public));
  // OpenID Connect: the tenant's provider, its hosted sign-in and interaction pages.
  const secureCookies = c.config.publicUrl.startsWith('https:');
  app.use('/t/:tenant', oidcRoutes({ ...c.oidc, routing: c.routing, sessions: c.sessions, sessionCookie: c.sessionCookie, tenants: c.tenants, secretKey: c.secrets.secretKey, secureCookies }));
  app.use('/t/:tenant', routingRoutes(c.routing));
  // Invitation acceptance: the hosted page and its API form.
  app.use('/t/:tenant', acceptPageRoutes(c.invitations, { secretKey: c.secrets.secretKey, secureCookies }));
  app.use('/t/:tenant/api/v1', acceptApiRoutes(c.invitations));

  // SAML sign-in (public) and who is signed in.
  app.use('/t/:tenant', samlRoutes(c.saml, c.sessionCookie, { secureCookies, secretKey: c.secrets.secretKey }));
  app.use('/t/:tenant/api/v1', meRoutes(c.sessions, c.oidc.accessTokens));
  app.use('/t/:tenant', accountPageRoutes({ sessions: c.sessions, tenants: c.tenants, mfa: c.oidc.mfa, account: c.oidc.account, secretKey: c.secrets.secretKey }));
  // The admin portal (server-rendered pages for tenant and organization admins).
  app.use('/t/:tenant/portal', pageHeaders, portalRoutes(c));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
