/**
 * The admin portal (contract section 11 "Portal"): `/t/{tenant}/portal`.
 *
 * Tab-file convention. Each tab of an organization's page lives in its own file
 * `src/portal/<tab>.page.ts` exporting `<tab>Tab(c: Container): Router` (a `PortalTabFactory`),
 * mounted here at `/portal/organizations/:orgId/<tab>`. Inside, the router's paths are relative
 * to the tab (`GET /` shows it, `POST /add`, `POST /:id/remove`, … act). Before a tab's router
 * runs, this file has already:
 *   - signed the viewer in (hosted login session; 303 to `/t/{tenant}/login?return_to=` if not),
 *   - checked the viewer may administer the organization (tenant admin, or owner/admin of it; 403),
 *   - parsed urlencoded forms and refused any POST whose `csrf` field is not the session's (403),
 * and left `orgOf(res)` (portal-context.ts): the viewer, the organization, its effective
 * settings, the CSRF field value (`csrfField(csrf)` in every form) and the `Ctx` to call services
 * with (actor: the signed-in user). A tab renders with `sendOrgPage(res, {tab, title, body})`,
 * shows a service's refusal with `refusalOf(err)` (status and message on the page, never a
 * stack), and after a successful POST redirects with `redirectWithNotice` (PRG). Everything
 * interpolated into HTML goes through `escapeHtml`. Business rules stay in the services.
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Container } from '../container';
import { readCookie } from '../http/csrf';
import { errorPage } from '../pages/page.html';
import { SESSION_COOKIE } from '../sessions/session-cookie';
import { escapeHtml as escape } from '../shared/html';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import { toAppError, STATUS_OF } from '../http/error-handler';
import { directoriesTab } from './directories.page';
import { domainsTab } from './domains.page';
import { eventsTab } from './events.page';
import { invitationsTab } from './invitations.page';
import { orgPath, portalBase } from './layout.html';
import { membersTab } from './members.page';
import { organizationsPages } from './organizations.page';
import { mayAdminister, mayUsePortal, PortalAccess } from './portal-access';
import { orgOf, portalOf, sendPortalPage, type OrgLocals, type PortalLocals } from './portal-context';
import { checkSessionCsrf, sessionCsrfToken } from '../http/session-csrf';
import { rolesTab } from './roles.page';
import { settingsTab } from './settings.page';
import { ssoTab } from './sso.page';

export type PortalTabFactory = (c: Container) => Router;

/** The organization tabs, by path segment (the order of the tab bar is in layout.html.ts). */
const TABS: Record<string, PortalTabFactory> = {
  members: membersTab,
  roles: rolesTab,
  invitations: invitationsTab,
  domains: domainsTab,
  sso: ssoTab,
  directories: directoriesTab,
  settings: settingsTab,
  events: eventsTab,
};

export function portalRoutes(c: Container): Router {
  const router = Router({ mergeParams: true });
  const access = new PortalAccess(c.tenants, c.sessions);
  const form = express.urlencoded({ limit: '64kb', extended: false, parameterLimit: 200 });
  // IdP metadata (ADFS: 100-300 KiB, urlencoded larger still) travels in the SSO create form only.
  const metadataForm = express.urlencoded({ limit: '1mb', extended: false, parameterLimit: 20 });
  const METADATA_FORM_PATH = /^\/organizations\/[^/]+\/sso\/create\/?$/;
  const tenantKeyOf = (req: Request) => String((req.params as Record<string, string>).tenant);

  // Who is signed in, and may they use the portal at all.
  router.use(async (req, res, next) => {
    const answer = await access.resolve(tenantKeyOf(req), readCookie(req, SESSION_COOKIE));
    if (answer.kind === 'no-tenant') {
      res.status(404).type('html').send(errorPage('Not found', 'There is no such portal.'));
      return;
    }
    if (answer.kind === 'signed-out') {
      // A GET comes back to where it was; a POST to its page (the form has to be filled again).
      const rest = req.method === 'GET' ? req.url : req.path;
      const back = `${portalBase(answer.tenant.slug)}${rest === '/' ? '' : rest}`;
      res.redirect(303, `/t/${encodeURIComponent(answer.tenant.slug)}/login?return_to=${encodeURIComponent(back)}`);
      return;
    }
    const { viewer } = answer;
    const locals: PortalLocals = {
      viewer,
      csrf: sessionCsrfToken(c.secrets.secretKey, viewer.sessionIdHash),
      ctx: { tenantId: viewer.tenant.id, actor: { type: 'user', id: viewer.user.id } },
      tenantBranding: effectiveSettings(null, c.tenants.settingsOf(viewer.tenant)).branding,
    };
    res.locals.portal = locals;
    if (!mayUsePortal(viewer)) {
      sendPortalPage(res, { status: 403, title: 'Not allowed', body: '<p>The portal is for tenant administrators and the owners and admins of an organization.</p>' });
      return;
    }
    next();
  });

  // Every POST carries the session's CSRF field.
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const parser = METADATA_FORM_PATH.test(req.path) ? metadataForm : form;
    parser(req, res, (err?: unknown) => {
      if (err) return next(err);
      const { viewer } = portalOf(res);
      const field = (req.body as Record<string, unknown> | undefined)?.csrf;
      if (!checkSessionCsrf(c.secrets.secretKey, viewer.sessionIdHash, field)) {
        sendPortalPage(res, { status: 403, title: 'This form has expired', body: '<p>Reload the page and try again.</p>' });
        return;
      }
      next();
    });
  });

  router.get('/', (_req, res) => {
    const { viewer } = portalOf(res);
    const only = viewer.administers[0];
    if (!viewer.tenantAdmin && viewer.administers.length === 1 && only) return res.redirect(303, orgPath(viewer.tenant.slug, only.id));
    res.redirect(303, `${portalBase(viewer.tenant.slug)}/organizations`);
  });

  router.use('/organizations', organizationsPages(c));

  // One organization: it exists in this tenant and the viewer administers it.
  const org = Router({ mergeParams: true });
  org.use(async (req, res, next) => {
    const locals = portalOf(res);
    const key = String((req.params as Record<string, string>).orgId);
    const found = await c.orgs.get(locals.viewer.tenant.id, key).catch(() => null);
    if (!found || !mayAdminister(locals.viewer, found.id)) {
      // An organization's admin learns nothing of other organizations, not even whether they exist.
      const status = locals.viewer.tenantAdmin ? 404 : 403;
      sendPortalPage(res, { status, title: status === 404 ? 'Not found' : 'Not allowed', body: status === 404 ? '<p>There is no such organization.</p>' : '<p>You do not administer this organization.</p>' });
      return;
    }
    const orgSettings = { branding: fullBranding(found.branding), auth_settings: fullAuthSettings(found.auth_settings) };
    const orgLocals: OrgLocals = { ...locals, org: found, effective: effectiveSettings(orgSettings, c.tenants.settingsOf(locals.viewer.tenant)) };
    res.locals.portalOrg = orgLocals;
    next();
  });
  org.get('/', (_req, res) => {
    const { viewer, org: o } = orgOf(res);
    res.redirect(303, orgPath(viewer.tenant.slug, o.id, 'members'));
  });
  for (const [segment, factory] of Object.entries(TABS)) org.use(`/${segment}`, factory(c));
  router.use('/organizations/:orgId', org);

  router.use((_req, res) => {
    sendPortalPage(res, { status: 404, title: 'Not found', body: '<p>There is no such page in the portal.</p>' });
  });
  router.use(portalErrors);
  return router;
}

/** Anything a page did not handle: its status and a plain message, never a stack. */
const portalErrors: ErrorRequestHandler = (err, req, res: Response, _next) => {
  const error = toAppError(err);
  const status = STATUS_OF[error.code];
  if (status >= 500) req.log.error({ err: error.cause ?? err, code: error.code }, 'portal page failed');
  if (res.headersSent) return;
  const message = status >= 500 ? 'Something went wrong. Try again in a moment.' : error.message;
  if (res.locals.portal) sendPortalPage(res, { status, title: status >= 500 ? 'Something went wrong' : 'This did not work', body: `<p>${escape(message)}</p>` });
  else res.status(status).type('html').send(errorPage('Something went wrong', message));
};
