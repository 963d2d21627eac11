import express, { Router, type Request, type Response } from 'express';
import { pageHeaders } from '../pages/page-headers';
import { checkCsrf, issueCsrf } from '../http/csrf';
import { STATUS_OF, toAppError } from '../http/error-handler';
import type { AppError } from '../shared/errors';
import { errorPage } from '../pages/page.html';
import { acceptedPage, acceptFormPage, ssoAcceptPage } from './accept-page.html';
import { hashInviteToken } from './invite-token';
import type { InvitationsService, Opened } from './invitations.service';

const TITLES: Partial<Record<AppError['code'], string>> = {
  not_found: 'Invitation not found',
  gone: 'This invitation can no longer be used',
  forbidden: 'This invitation cannot be accepted here',
};

/** Answers the page's own form errors (wrong password, weak password) on the form itself. */
const FORM_ERRORS = new Set<AppError['code']>(['invalid_request', 'unauthorized']);

/**
 * The hosted acceptance page `/t/{tenant}/invitations/accept?token=…`: GET shows the form,
 * POST (urlencoded, CSRF-checked) accepts. Headers forbid framing and any script.
 */
export function acceptPageRoutes(invitations: InvitationsService, opts: { secretKey: string; secureCookies: boolean }): Router {
  const router = Router({ mergeParams: true });
  router.use('/invitations/accept', pageHeaders);

  const actionOf = (req: Request) => `/t/${encodeURIComponent(tenantOf(req))}/invitations/accept`;

  /** The CSRF field of a form posting the invitation's token to `action` (its cookie is set on `res`). */
  const csrfFieldFor = (res: Response, action: string, token: string) => {
    const csrf = issueCsrf(opts.secretKey, hashInviteToken(token), { path: action, secure: opts.secureCookies });
    res.setHeader('Set-Cookie', csrf.cookie);
    return csrf.field;
  };

  const showForm = (req: Request, res: Response, o: Opened, token: string, status: number, extra: { name?: string; error?: string } = {}) => {
    if (o.sso) return showSsoForm(req, res, o, o.sso, token);
    const action = actionOf(req);
    res.status(status).type('html').send(acceptFormPage(o, { action, token, csrf: csrfFieldFor(res, action, token), ...extra }));
  };

  // An invitation tied to a connection: one button, posting the token to that connection's start
  // (which redirects to the IdP: the pages' CSP sets no form-action, see pages/page-headers.ts).
  const showSsoForm = (req: Request, res: Response, o: Opened, sso: NonNullable<Opened['sso']>, token: string) => {
    const action = `/t/${encodeURIComponent(tenantOf(req))}/sso/saml/${encodeURIComponent(sso.connectionId)}/start`;
    res.status(200).type('html').send(ssoAcceptPage(o, { action, token, csrf: csrfFieldFor(res, action, token) }));
  };

  const showError = (req: Request, res: Response, err: unknown) => {
    const error = toAppError(err);
    const status = STATUS_OF[error.code];
    if (status >= 500) {
      req.log.error({ err: error.cause ?? err, code: error.code }, 'invitation page failed');
      res.status(status).type('html').send(errorPage('Something went wrong', 'Please try again in a moment.'));
      return;
    }
    req.log.info({ code: error.code }, 'invitation page refused');
    res.status(status).type('html').send(errorPage(TITLES[error.code] ?? 'The invitation could not be accepted', error.message));
  };

  router.get('/invitations/accept', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      showForm(req, res, await invitations.open(tenantOf(req), token), token, 200);
    } catch (err) {
      showError(req, res, err);
    }
  });

  router.post('/invitations/accept', express.urlencoded({ limit: '64kb', extended: false }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const token = field('token') ?? '';
    if (!checkCsrf(opts.secretKey, hashInviteToken(token), req, body.csrf)) {
      res.status(403).type('html').send(errorPage('This form has expired', 'Open the invitation link from your mail again and resubmit the form.'));
      return;
    }
    try {
      const opened = await invitations.open(tenantOf(req), token);
      try {
        const accepted = await invitations.accept(tenantOf(req), { token, name: field('name'), password: field('password') });
        // An invitation for an application (client_id) sends the browser on to its return_to.
        if (accepted.return_to) res.redirect(303, accepted.return_to);
        else res.status(200).type('html').send(acceptedPage(opened, accepted.roles));
      } catch (err) {
        const error = toAppError(err);
        if (!FORM_ERRORS.has(error.code)) throw err;
        showForm(req, res, opened, token, STATUS_OF[error.code], { name: field('name'), error: error.message });
      }
    } catch (err) {
      showError(req, res, err);
    }
  });
  return router;
}

const tenantOf = (req: Request) => String((req.params as Record<string, string>).tenant);
