import { nullUnlessUnavailable } from '../db/db-errors';
import express, { Router, type Request, type Response } from 'express';
import { toString as qrSvg } from 'qrcode';
import { readCookie } from '../http/csrf';
import { checkSessionCsrf, sessionCsrfToken } from '../http/session-csrf';
import { STATUS_OF, toAppError } from '../http/error-handler';
import type { AccountSecurity } from '../oidc/account-security.service';
import type { MfaStep } from '../oidc/mfa.service';
import { pageHeaders } from '../pages/page-headers';
import { pageFailures } from '../pages/page-errors';
import { errorPage } from '../pages/page.html';
import type { TenantRecord } from '../db/models';
import type { TenantsService } from '../tenants/tenants.service';
import { TENANT_ADMIN } from '../access/tenant-roles.service';
import { administeredAmong } from '../portal/portal-access';
import { accountRecoveryCodesPage, enrolPage, notSignedInPage, organizationsPage, securityPage } from './account-pages.html';
import { SESSION_COOKIE } from './session-cookie';
import type { SessionsService } from './sessions.service';

interface Deps {
  sessions: SessionsService;
  tenants: TenantsService;
  mfa: MfaStep;
  account: AccountSecurity;
  secretKey: string;
}

interface Signed {
  tenant: TenantRecord;
  base: string;
  idHash: string;
  userId: string;
  tenantRole: string | null;
  organizationId: string | null;
}

/** Fixed messages after a redirect (`?notice=`); nothing from the query is echoed. */
const NOTICES: Record<string, string> = {
  switched: 'The current organization was changed.',
  password_changed: 'Your password was changed. Your other sessions were signed out.',
  mfa_removed: 'The authenticator was removed.',
};

/**
 * The signed-in person's own pages under `/t/{tenant}/account`: their organizations (and the
 * switch of the session's current one) and security (password, TOTP authenticator). Every
 * form carries a CSRF field bound to the session.
 */
export function accountPageRoutes(d: Deps): Router {
  const router = Router({ mergeParams: true });
  const form = express.urlencoded({ limit: '16kb', extended: false, parameterLimit: 20 });
  router.use('/account', pageHeaders);

  const field = (req: Request, name: string) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  const noticeOf = (req: Request) => (typeof req.query.notice === 'string' && Object.hasOwn(NOTICES, req.query.notice) ? NOTICES[req.query.notice] : undefined);
  const csrfOf = (s: Signed) => sessionCsrfToken(d.secretKey, s.idHash);

  /** The live session, or null after answering 401 (or 404 for an unknown tenant). */
  const signedIn = async (req: Request, res: Response): Promise<Signed | null> => {
    const slug = String((req.params as Record<string, string>).tenant);
    const tenant = await nullUnlessUnavailable(d.tenants.get(slug));
    if (!tenant) {
      res.status(404).type('html').send(errorPage('Not found', 'There is no such account page.'));
      return null;
    }
    const base = `/t/${encodeURIComponent(tenant.slug)}`;
    const session = await d.sessions.signedIn(tenant.id, readCookie(req, SESSION_COOKIE));
    if (!session) {
      res.status(401).type('html').send(notSignedInPage(base));
      return null;
    }
    return { tenant, base, idHash: session.idHash, userId: session.userId, tenantRole: session.tenantRole, organizationId: session.organizationId };
  };
  /** A signed-in POST whose CSRF field matches its session; else answered 401/403. */
  const signedInPost = async (req: Request, res: Response): Promise<Signed | null> => {
    const s = await signedIn(req, res);
    if (!s) return null;
    if (!checkSessionCsrf(d.secretKey, s.idHash, field(req, 'csrf'))) {
      res.status(403).type('html').send(errorPage('This form has expired', 'Reload the page and try again.'));
      return null;
    }
    return s;
  };
  const statusOf = (err: unknown) => {
    const error = toAppError(err);
    if (STATUS_OF[error.code] >= 500) throw err;
    return { status: STATUS_OF[error.code], message: error.message };
  };

  // ---- organizations ----
  router.get('/account', (req, res) => {
    res.redirect(303, `/t/${encodeURIComponent(String((req.params as Record<string, string>).tenant))}/account/organizations`);
  });
  const showOrganizations = async (res: Response, s: Signed, status: number, extra: { notice?: string; error?: string } = {}) => {
    const me = await d.sessions.meOf(s.tenant.id, s.userId, s.organizationId);
    // links into the admin portal where its guard would let the person in
    const tenantAdmin = s.tenantRole === TENANT_ADMIN;
    const administered = (tenantAdmin ? me.organizations : administeredAmong(me.organizations)).map((o) => o.id);
    const portal = { home: tenantAdmin || administered.length > 0, organizationIds: administered };
    res.status(status).type('html').send(organizationsPage({ base: s.base, email: me.user.email, csrf: csrfOf(s), organizations: me.organizations, currentId: me.organization?.id ?? null, portal, ...extra }));
  };
  router.get('/account/organizations', async (req, res) => {
    const s = await signedIn(req, res);
    if (s) await showOrganizations(res, s, 200, { notice: noticeOf(req) });
  });
  router.post('/account/organizations/switch', form, async (req, res) => {
    const s = await signedInPost(req, res);
    if (!s) return;
    const me = await d.sessions.meOf(s.tenant.id, s.userId, s.organizationId);
    const target = me.organizations.find((o) => o.id === field(req, 'organization'));
    if (!target) return showOrganizations(res, s, 403, { error: 'You are not an active member of that organization.' });
    await d.sessions.rememberOrganization(s.idHash, target.id);
    res.redirect(303, `${s.base}/account/organizations?notice=switched`);
  });

  // ---- security ----
  const showSecurity = async (res: Response, s: Signed, status: number, extra: { notice?: string; error?: string } = {}) => {
    const [me, rules, mfa, hasPassword] = await Promise.all([
      d.sessions.meOf(s.tenant.id, s.userId, s.organizationId),
      d.account.rulesFor(s.tenant, s.userId),
      d.mfa.status(s.userId),
      d.account.hasPassword(s.tenant, s.userId),
    ]);
    res.status(status).type('html').send(securityPage({ base: s.base, email: me.user.email, csrf: csrfOf(s), hasPassword, mfa, ...rules, ...extra }));
  };
  router.get('/account/security', async (req, res) => {
    const s = await signedIn(req, res);
    if (s) await showSecurity(res, s, 200, { notice: noticeOf(req) });
  });
  router.post('/account/security/password', form, async (req, res) => {
    const s = await signedInPost(req, res);
    if (!s) return;
    try {
      await d.account.changePassword(s.tenant, s.userId, s.idHash, field(req, 'current_password'), field(req, 'password'));
    } catch (err) {
      const { status, message } = statusOf(err);
      return showSecurity(res, s, status, { error: message });
    }
    res.redirect(303, `${s.base}/account/security?notice=password_changed`);
  });

  const showEnrol = async (res: Response, s: Signed, status: number, error?: string) => {
    const prompt = await d.mfa.prompt(s.tenant, s.userId);
    if (prompt.mode !== 'enroll') return res.redirect(303, `${s.base}/account/security`);
    const svg = await qrSvg(prompt.otpauth, { type: 'svg', margin: 1 });
    const me = await d.sessions.meOf(s.tenant.id, s.userId, s.organizationId);
    res.status(status).type('html').send(enrolPage({ base: s.base, email: me.user.email, csrf: csrfOf(s), secret: prompt.secret, qrSvg: svg, error }));
  };
  router.get('/account/security/mfa', async (req, res) => {
    const s = await signedIn(req, res);
    if (s) await showEnrol(res, s, 200);
  });
  router.post('/account/security/mfa', form, async (req, res) => {
    const s = await signedInPost(req, res);
    if (!s) return;
    try {
      const codes = await d.mfa.confirmEnrolment(s.tenant, s.userId, field(req, 'code'));
      res.type('html').send(accountRecoveryCodesPage({ base: s.base, codes, title: 'Save your recovery codes' }));
    } catch (err) {
      const { status, message } = statusOf(err);
      if (status === 409) return showSecurity(res, s, status, { error: message });
      await showEnrol(res, s, status, message);
    }
  });
  router.post('/account/security/mfa/recovery-codes', form, async (req, res) => {
    const s = await signedInPost(req, res);
    if (!s) return;
    try {
      const codes = await d.mfa.regenerateRecoveryCodes(s.tenant, s.userId, field(req, 'code'));
      res.type('html').send(accountRecoveryCodesPage({ base: s.base, codes, title: 'Your new recovery codes' }));
    } catch (err) {
      const { status, message } = statusOf(err);
      await showSecurity(res, s, status, { error: message });
    }
  });
  router.post('/account/security/mfa/remove', form, async (req, res) => {
    const s = await signedInPost(req, res);
    if (!s) return;
    try {
      const { requireMfa } = await d.account.rulesFor(s.tenant, s.userId);
      await d.mfa.remove(s.tenant, s.userId, field(req, 'code'), requireMfa);
    } catch (err) {
      const { status, message } = statusOf(err);
      return showSecurity(res, s, status, { error: message });
    }
    res.redirect(303, `${s.base}/account/security?notice=mfa_removed`);
  });
  router.use(pageFailures('account page'));
  return router;
}
