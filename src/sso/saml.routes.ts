import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { pageHeaders } from '../pages/page-headers';
import { z } from 'zod';
import { checkCsrf, readCookie } from '../http/csrf';
import { hashInviteToken } from '../invitations/invite-token';
import { STATUS_OF, toAppError } from '../http/error-handler';
import { parse } from '../http/validate';
import { errorPage } from '../pages/page.html';
import type { SessionCookie } from '../sessions/session-cookie';
import type { AppError } from '../shared/errors';
import { bindingCookieHeader, bindingCookieName, clearBindingCookieHeader } from './browser-binding';
import { SamlFailure } from './saml-failure';
import type { SamlService } from './saml.service';

/** The ACS body limit; responses over the service's own 256 KiB base64 cap are refused before parsing. */
const ACS_BODY_LIMIT = '512kb';

const TITLES: Partial<Record<AppError['code'], string>> = {
  not_found: 'Sign-in is not available',
  forbidden: 'Sign-in refused',
  payload_too_large: 'Sign-in failed',
  gone: 'This invitation can no longer be used',
};

const startQuery = z.object({ return_to: z.string().max(2048).optional() });
/** The acceptance page's "Continue with single sign-on" form (docs/invitations.md). */
const invitationStartBody = z.object({ invitation_token: z.string().min(1).max(256), csrf: z.string().max(256).optional() });
const acsBody = z.object({ SAMLResponse: z.string().optional(), RelayState: z.string().max(1024).optional() });

/**
 * The public SAML endpoints of one connection. This adapter only translates HTTP; every
 * decision is in saml.service. Failures answer a branded HTML page with the status and a
 * short message, never the validator's details.
 */
export function samlRoutes(saml: SamlService, cookies: SessionCookie, opts: { secureCookies: boolean; secretKey: string }): Router {
  const router = Router({ mergeParams: true });
  router.use('/sso/saml', pageHeaders);
  const tenantOf = (req: Request) => String(req.params.tenant);
  const connectionOf = (req: Request) => String(req.params.connectionId);

  const showError = async (req: Request, res: Response, err: unknown) => {
    const error = err instanceof SamlFailure ? err : toAppError(err);
    const status = STATUS_OF[error.code];
    const branding = await saml.branding(tenantOf(req)).catch(() => null);
    if (status >= 500) {
      req.log.error({ err: error.cause ?? err, code: error.code }, 'SAML sign-in failed');
      res.status(status).type('html').send(errorPage('Something went wrong', 'Please try again in a moment.', branding));
      return;
    }
    req.log.info({ code: error.code, reason: err instanceof SamlFailure ? err.reason : undefined }, 'SAML sign-in refused');
    res.status(status).type('html').send(errorPage(TITLES[error.code] ?? 'Sign-in failed', error.message, branding));
  };

  router.get('/sso/saml/:connectionId/metadata', async (req, res) => {
    try {
      res.type('application/samlmetadata+xml').send(await saml.metadata(tenantOf(req), connectionOf(req)));
    } catch (err) {
      await showError(req, res, err);
    }
  });

  router.get('/sso/saml/:connectionId/start', async (req, res) => {
    try {
      const { return_to } = parse(startQuery, req.query, 'query');
      const { redirectTo, binding } = await saml.start(tenantOf(req), connectionOf(req), return_to);
      res.setHeader('Set-Cookie', bindingCookieHeader(binding, opts.secureCookies));
      res.redirect(302, redirectTo);
    } catch (err) {
      await showError(req, res, err);
    }
  });

  // From an invitation's acceptance page: the token comes in the form body (CSRF-checked, bound to
  // the token) and stays server-side from here on: the IdP and the ACS never see it.
  router.post('/sso/saml/:connectionId/start', express.urlencoded({ limit: '8kb', extended: false, parameterLimit: 5 }), async (req, res) => {
    try {
      const body = parse(invitationStartBody, req.body ?? {});
      if (!checkCsrf(opts.secretKey, hashInviteToken(body.invitation_token), req, body.csrf)) {
        res.status(403).type('html').send(errorPage('This form has expired', 'Open the invitation link from your mail again and continue from there.'));
        return;
      }
      const { redirectTo, binding } = await saml.start(tenantOf(req), connectionOf(req), undefined, body.invitation_token);
      res.setHeader('Set-Cookie', bindingCookieHeader(binding, opts.secureCookies));
      res.redirect(303, redirectTo);
    } catch (err) {
      await showError(req, res, err);
    }
  });

  const urlencoded = express.urlencoded({ limit: ACS_BODY_LIMIT, extended: false, parameterLimit: 10 });
  router.post(
    '/sso/saml/:connectionId/acs',
    (req: Request, res: Response, next: NextFunction) => urlencoded(req, res, (err?: unknown) => (err ? void showError(req, res, err) : next())),
    async (req, res) => {
      // The binding serves one ACS answer, whatever its outcome: a new sign-in starts a new one.
      const clearBinding = clearBindingCookieHeader(connectionOf(req), saml.acsPath(tenantOf(req), connectionOf(req)), opts.secureCookies);
      try {
        const body = parse(acsBody, req.body ?? {});
        const result = await saml.acs(tenantOf(req), connectionOf(req), { ...body, bindingCookie: readCookie(req, bindingCookieName(connectionOf(req), opts.secureCookies)) || undefined });
        res.setHeader('Set-Cookie', [cookies.header(result.cookie.value, { ...result.cookie, secure: opts.secureCookies }), clearBinding]);
        res.redirect(303, result.redirectTo);
      } catch (err) {
        res.setHeader('Set-Cookie', clearBinding);
        await showError(req, res, err);
      }
    },
  );
  return router;
}
