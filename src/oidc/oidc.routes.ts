import express, { Router, type Request, type Response } from 'express';
import { pageHeaders } from '../pages/page-headers';
import { pageFailures } from '../pages/page-errors';
import { meansUnavailable, nullUnlessUnavailable } from '../db/db-errors';
import { toString as qrSvg } from 'qrcode';
import { checkCsrf, issueCsrf, readCookie } from '../http/csrf';
import { SESSION_COOKIE, type SessionCookie } from '../sessions/session-cookie';
import type { RoutingService } from '../routing/routing.service';
import type { SessionsService } from '../sessions/sessions.service';
import { GoneError, UnauthorizedError, ValidationError } from '../shared/errors';
import type { TenantRecord } from '../db/models';
import type { TenantsService } from '../tenants/tenants.service';
import { bearerOf, type AccessTokens } from './access-tokens';
import type { InteractionStep, OidcInteractions } from './interactions';
import { SIGN_IN_FAILED, type PasswordSignIn, type SignedIn } from './login.service';
import type { MfaStep } from './mfa.service';
import type { PasswordResets } from './password-reset.service';
import { forgotPasswordPage, identifierPage, messagePage, mfaPage, newPasswordPage, organizationPickerPage, passwordPage, recoveryCodesPage } from './pages.html';
import { TEMPORARILY_UNAVAILABLE, type OidcProviders } from './provider';
import { isTenantReturnTo } from '../sso/return-to';
import { isEmailAddress } from '../shared/schemas';

const UID = /^[A-Za-z0-9_-]{1,64}$/;
const EMAIL_MAX = 320;
const ORG_KEY = /^[A-Za-z0-9_-]{1,100}$/;

interface Deps {
  providers: OidcProviders;
  interactions: OidcInteractions;
  signIn: PasswordSignIn;
  sessions: SessionsService;
  sessionCookie: SessionCookie;
  tenants: TenantsService;
  accessTokens: AccessTokens;
  routing: RoutingService;
  resets: PasswordResets;
  mfa: MfaStep;
  secretKey: string;
  secureCookies: boolean;
}


/**
 * The hosted sign-in (`/t/{tenant}/login`, `/logout`), the OIDC interaction pages, userinfo for
 * our JWT access tokens, and the tenant's oidc-provider under `/t/{tenant}/oidc`.
 */
export function oidcRoutes(d: Deps): Router {
  const router = Router({ mergeParams: true });
  const form = express.urlencoded({ limit: '16kb', extended: false, parameterLimit: 20 });
  const slugOf = (req: Request) => String((req.params as Record<string, string>).tenant);
  const field = (req: Request, name: string) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const csrfFor = (res: Response, slug: string, bind: string) => {
    const csrf = issueCsrf(d.secretKey, bind, { path: `/t/${slug}`, secure: d.secureCookies });
    res.append('Set-Cookie', csrf.cookie);
    return csrf.field;
  };
  const notFound = (res: Response) => res.status(404).type('html').send(messagePage('Not found', 'There is no such sign-in page.'));
  const expired = (res: Response) =>
    res.status(400).type('html').send(messagePage('This sign-in has expired', 'Go back to the application and sign in again.'));

  /** Where a sign-in goes after it succeeds: back into the OIDC interaction, or the account page. */
  const landingOf = (slug: string, interaction: string | undefined, returnTo?: string) =>
    interaction ? `/t/${slug}/oidc/interaction/${interaction}` : (returnTo ?? `/t/${slug}/account/organizations`);
  /** `return_to` (the portal's): a same-origin path under this tenant only, else ignored. */
  const returnToOf = (slug: string, value: unknown) =>
    typeof value === 'string' && isTenantReturnTo(value, slug) ? value : undefined;
  const forgotUrlOf = (slug: string, interaction: string | undefined) => `/t/${slug}/login/forgot${interaction ? `?interaction=${interaction}` : ''}`;
  const interactionOf = (value: unknown) => (typeof value === 'string' && UID.test(value) ? value : undefined);
  /**
   * The look of a sign-in page: the organization in context (the authorization request's
   * `organization`, else the login's own `organization` parameter, carried in its forms when
   * there is no interaction), else the tenant's effective branding.
   */
  const lookOf = async (tenant: TenantRecord, interaction: string | undefined, organizationParam: unknown) => {
    const organization = typeof organizationParam === 'string' && ORG_KEY.test(organizationParam) ? organizationParam : undefined;
    return { branding: await d.interactions.brandingFor(tenant, interaction, organization), organization: interaction ? undefined : organization };
  };

  /** The SAML start URL when the email's verified domain routes to its organization's connection (section 7). */
  const samlStartFor = async (slug: string, email: string, interaction: string | undefined, returnTo?: string) => {
    const route = await nullUnlessUnavailable(d.routing.route(slug, email));
    return route?.sso ? `${route.login_url}?return_to=${encodeURIComponent(landingOf(slug, interaction, returnTo))}` : null;
  };

  // ---- hosted sign-in: identifier first, then SAML or the password ----
  router.get('/login', pageHeaders, async (req, res) => {
    const tenant = await d.tenants.findCached(slugOf(req));
    if (!tenant) return notFound(res);
    const interaction = typeof req.query.interaction === 'string' && UID.test(req.query.interaction) ? req.query.interaction : undefined;
    const email = typeof req.query.login_hint === 'string' ? req.query.login_hint.trim().slice(0, EMAIL_MAX) : undefined;
    const returnTo = interaction ? undefined : returnToOf(tenant.slug, req.query.return_to);
    const csrf = csrfFor(res, tenant.slug, `login:${tenant.id}`);
    const form = { action: `/t/${tenant.slug}/login`, csrf, interaction, returnTo, ...(await lookOf(tenant, interaction, req.query.organization)) };
    // A login_hint that is not an address is only a hint: the identifier step, filled in with it.
    if (!email || !isEmailAddress(email)) return res.type('html').send(identifierPage(tenant.name, { ...form, email: email || undefined }));
    // an app's login_hint is routed at once: to SAML, or straight to the password step
    const saml = await samlStartFor(tenant.slug, email, interaction, returnTo);
    if (saml) return res.redirect(303, saml);
    res.type('html').send(passwordPage(tenant.name, { ...form, email, forgotUrl: forgotUrlOf(tenant.slug, interaction) }));
  });

  router.post('/login', pageHeaders, form, async (req, res) => {
    // uncached: the lockout and session settings apply as soon as they are changed
    const tenant = await nullUnlessUnavailable(d.tenants.get(slugOf(req)));
    if (!tenant) return notFound(res);
    if (!checkCsrf(d.secretKey, `login:${tenant.id}`, req, field(req, 'csrf'))) {
      return res.status(403).type('html').send(messagePage('This form has expired', 'Reload the sign-in page and try again.'));
    }
    const interaction = UID.test(field(req, 'interaction') ?? '') ? field(req, 'interaction') : undefined;
    const returnTo = interaction ? undefined : returnToOf(tenant.slug, field(req, 'return_to'));
    const email = (field(req, 'email') ?? '').trim().slice(0, EMAIL_MAX);
    const password = field(req, 'password');
    const action = `/t/${tenant.slug}/login`;
    const look = await lookOf(tenant, interaction, field(req, 'organization'));
    const showPassword = (status: number, error?: string) =>
      res.status(status).type('html').send(passwordPage(tenant.name, { action, csrf: csrfFor(res, tenant.slug, `login:${tenant.id}`), interaction, returnTo, email, error, forgotUrl: forgotUrlOf(tenant.slug, interaction), ...look }));
    if (!email || !isEmailAddress(email)) {
      // A malformed address (`alice@@x.example`) can be no account: asked again, as /login/route refuses it.
      const error = email ? 'Enter a valid email address.' : 'Enter your email address.';
      return res.status(400).type('html').send(identifierPage(tenant.name, { action, csrf: csrfFor(res, tenant.slug, `login:${tenant.id}`), interaction, returnTo, email: email || undefined, error, ...look }));
    }
    // Step one: SAML when the email's domain routes there, else the password form, for every
    // email alike (no user is looked up).
    if (password === undefined) {
      const saml = await samlStartFor(tenant.slug, email, interaction, returnTo);
      return saml ? res.redirect(303, saml) : showPassword(200);
    }
    try {
      const result = await d.signIn.signIn(tenant, email, password);
      if (result.kind === 'mfa') return showMfa(res, tenant, d.mfa.pendingToken(tenant.id, result.userId), result.userId, interaction, 200, undefined, false, look.organization, returnTo);
      startSession(res, result);
      res.redirect(303, landingOf(tenant.slug, interaction, returnTo));
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      showPassword(401, SIGN_IN_FAILED);
    }
  });

  // ---- the TOTP step (require_mfa) ----
  const startSession = (res: Response, signedIn: SignedIn) =>
    res.append('Set-Cookie', d.sessionCookie.header(signedIn.cookie.value, { ...signedIn.cookie, secure: d.secureCookies }));
  /** The code page; `stepUp`: for the live session (an organization's require_mfa), not a new sign-in. */
  const showMfa = async (res: Response, tenant: TenantRecord, mfaToken: string, userId: string, interaction: string | undefined, status: number, error?: string, stepUp = false, organization?: string, returnTo?: string) => {
    const prompt = await d.mfa.prompt(tenant, userId);
    const enroll = prompt.mode === 'enroll' ? { secret: prompt.secret, qrSvg: await qrSvg(prompt.otpauth, { type: 'svg', margin: 1 }) } : undefined;
    const csrf = csrfFor(res, tenant.slug, `mfa:${mfaToken}`);
    const look = await lookOf(tenant, interaction, organization);
    res.status(status).type('html').send(mfaPage(tenant.name, { action: `/t/${tenant.slug}/login/mfa`, csrf, interaction, returnTo, mfaToken, enroll, error, stepUp, ...look }));
  };
  router.post('/login/mfa', pageHeaders, form, async (req, res) => {
    const tenant = await nullUnlessUnavailable(d.tenants.get(slugOf(req)));
    if (!tenant) return notFound(res);
    const mfaToken = field(req, 'mfa_token') ?? '';
    const stepUp = field(req, 'step_up') === '1';
    // a step-up token is bound to the live session it was shown for
    const session = stepUp ? await d.sessions.signedIn(tenant.id, readCookie(req, SESSION_COOKIE)) : null;
    const userId = stepUp && !session ? null : d.mfa.pendingUser(tenant.id, mfaToken, session?.idHash);
    if (!userId || (session && session.userId !== userId) || !checkCsrf(d.secretKey, `mfa:${mfaToken}`, req, field(req, 'csrf'))) {
      return res.status(403).type('html').send(messagePage('This sign-in has expired', 'Go back and sign in again.'));
    }
    const interaction = interactionOf(field(req, 'interaction'));
    const returnTo = interaction ? undefined : returnToOf(tenant.slug, field(req, 'return_to'));
    try {
      const { signedIn, recoveryCodes } = await d.mfa.verify(tenant, userId, field(req, 'code') ?? '', session?.idHash);
      if (signedIn) startSession(res, signedIn);
      if (recoveryCodes) return res.type('html').send(recoveryCodesPage(recoveryCodes, landingOf(tenant.slug, interaction, returnTo)));
      res.redirect(303, landingOf(tenant.slug, interaction, returnTo));
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      await showMfa(res, tenant, mfaToken, userId, interaction, 401, 'That code is not right. Try the current one.', stepUp, field(req, 'organization'), returnTo);
    }
  });

  // ---- self-service password reset by an emailed link ----
  router.get('/login/forgot', pageHeaders, async (req, res) => {
    const tenant = await d.tenants.findCached(slugOf(req));
    if (!tenant) return notFound(res);
    const csrf = csrfFor(res, tenant.slug, `forgot:${tenant.id}`);
    const interaction = interactionOf(req.query.interaction);
    res.type('html').send(forgotPasswordPage(tenant.name, { action: `/t/${tenant.slug}/login/forgot`, csrf, interaction, ...(await lookOf(tenant, interaction, undefined)) }));
  });
  router.post('/login/forgot', pageHeaders, form, async (req, res) => {
    const tenant = await nullUnlessUnavailable(d.tenants.get(slugOf(req)));
    if (!tenant) return notFound(res);
    if (!checkCsrf(d.secretKey, `forgot:${tenant.id}`, req, field(req, 'csrf'))) {
      return res.status(403).type('html').send(messagePage('This form has expired', 'Reload the page and try again.'));
    }
    const email = (field(req, 'email') ?? '').trim().slice(0, EMAIL_MAX);
    if (email && !isEmailAddress(email)) {
      const interaction = interactionOf(field(req, 'interaction'));
      const look = await lookOf(tenant, interaction, undefined);
      return res.status(400).type('html').send(forgotPasswordPage(tenant.name, { action: `/t/${tenant.slug}/login/forgot`, csrf: csrfFor(res, tenant.slug, `forgot:${tenant.id}`), interaction, email, error: 'Enter a valid email address.', ...look }));
    }
    if (email) await d.resets.request(tenant, email, interactionOf(field(req, 'interaction')));
    res.type('html').send(messagePage('Check your mail', 'If this email has an account that signs in with a password, a link to choose a new one is on its way. It works once, for one hour.'));
  });
  const resetForm = async (req: Request, res: Response, status: number, error?: string) => {
    const tenant = await nullUnlessUnavailable(d.tenants.get(slugOf(req)));
    if (!tenant) return notFound(res);
    const token = (req.method === 'GET' ? (typeof req.query.token === 'string' ? req.query.token : '') : (field(req, 'token') ?? '')).slice(0, 100);
    const interaction = interactionOf(req.method === 'GET' ? req.query.interaction : field(req, 'interaction'));
    try {
      const user = await d.resets.open(tenant, token);
      const csrf = csrfFor(res, tenant.slug, `reset:${token}`);
      const look = await lookOf(tenant, interaction, undefined);
      res.status(status).type('html').send(newPasswordPage(tenant.name, { action: `/t/${tenant.slug}/login/reset`, csrf, interaction, token, email: user.email, error, ...look }));
    } catch (err) {
      if (!(err instanceof GoneError)) throw err;
      res.status(410).type('html').send(messagePage('This link can no longer be used', err.message));
    }
  };
  router.get('/login/reset', pageHeaders, (req, res) => resetForm(req, res, 200));
  router.post('/login/reset', pageHeaders, form, async (req, res) => {
    const tenant = await nullUnlessUnavailable(d.tenants.get(slugOf(req)));
    if (!tenant) return notFound(res);
    const token = (field(req, 'token') ?? '').slice(0, 100);
    if (!checkCsrf(d.secretKey, `reset:${token}`, req, field(req, 'csrf'))) {
      return res.status(403).type('html').send(messagePage('This form has expired', 'Open the link from your mail again.'));
    }
    try {
      await d.resets.complete(tenant, token, field(req, 'password') ?? '');
    } catch (err) {
      if (err instanceof ValidationError) return resetForm(req, res, 400, err.message);
      if (err instanceof GoneError) return res.status(410).type('html').send(messagePage('This link can no longer be used', err.message));
      throw err;
    }
    const interaction = interactionOf(field(req, 'interaction'));
    res.redirect(303, `/t/${tenant.slug}/login${interaction ? `?interaction=${interaction}` : ''}`);
  });

  router.post('/logout', pageHeaders, async (req, res) => {
    const tenant = await d.tenants.findCached(slugOf(req));
    if (!tenant) return notFound(res);
    await d.sessions.end(readCookie(req, SESSION_COOKIE));
    res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/t/${tenant.slug}; Max-Age=0; HttpOnly; SameSite=Lax${d.secureCookies ? '; Secure' : ''}`);
    res.redirect(303, `/t/${tenant.slug}/login`);
  });

  // ---- the OIDC interaction: session → organization → back to the authorization endpoint ----
  const answer = async (req: Request, res: Response, step: InteractionStep) => {
    if (step.kind === 'unknown') return expired(res);
    if (step.kind === 'login') return res.redirect(303, step.loginUrl);
    if (step.kind === 'mfa') {
      const tenant = await d.tenants.findCached(step.tenantId);
      if (!tenant) return expired(res);
      const mfaToken = d.mfa.pendingToken(tenant.id, step.userId, step.sessionIdHash);
      return showMfa(res, tenant, mfaToken, step.userId, String(req.params.uid), 200, undefined, true, step.organizationId ?? undefined);
    }
    if (step.kind === 'pick') {
      const uid = String(req.params.uid);
      const csrf = csrfFor(res, slugOf(req), `pick:${uid}`);
      const organizations = step.organizations.map((o) => ({ id: o.id, name: o.name, slug: o.slug }));
      const tenant = await d.tenants.findCached(slugOf(req));
      const branding = tenant ? (await lookOf(tenant, undefined, undefined)).branding : null; // several organizations: the tenant's look
      return res.type('html').send(organizationPickerPage({ action: `/t/${slugOf(req)}/oidc/interaction/${uid}`, csrf, organizations, preselected: step.preselected, branding }));
    }
  };
  router.get('/oidc/interaction/:uid', pageHeaders, async (req, res) => {
    await answer(req, res, await d.interactions.resume(slugOf(req), req, res, readCookie(req, SESSION_COOKIE)));
  });
  router.post('/oidc/interaction/:uid', pageHeaders, form, async (req, res) => {
    if (!checkCsrf(d.secretKey, `pick:${req.params.uid}`, req, field(req, 'csrf'))) {
      return res.status(403).type('html').send(messagePage('This form has expired', 'Go back to the application and sign in again.'));
    }
    await answer(req, res, await d.interactions.choose(slugOf(req), req, res, readCookie(req, SESSION_COOKIE), field(req, 'organization') ?? ''));
  });

  // ---- userinfo: oidc-provider's own accepts only opaque tokens; ours are JWTs ----
  router.all('/oidc/me', async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') return next();
    const token = bearerOf(req.headers.authorization);
    let verified: Awaited<ReturnType<AccessTokens['verify']>> = null;
    try {
      verified = token ? await d.accessTokens.verify(slugOf(req), token) : null;
    } catch (err) {
      // In OAuth's error shape, as oidc-provider's endpoints answer it (provider.ts).
      if (meansUnavailable(err)) return res.status(503).json(TEMPORARILY_UNAVAILABLE);
      throw err;
    }
    if (!verified) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return res.status(401).json({ error: 'invalid_token', error_description: 'the access token is invalid, expired, or its user may no longer sign in' });
    }
    res.json(verified.claims);
  });

  // ---- everything else under /oidc is oidc-provider's ----
  router.use('/oidc', async (req, res, next) => {
    let found: Awaited<ReturnType<OidcProviders['forTenant']>>;
    try {
      found = await d.providers.forTenant(slugOf(req));
    } catch (err) {
      // The tenant or its keys could not be read: answered as the provider answers it (provider.ts).
      if (!meansUnavailable(err)) throw err;
      res.status(503);
      if (req.accepts(['json', 'html']) === 'html') return res.type('html').send(messagePage('Sign-in is unavailable', 'Please try again in a moment.'));
      return res.json(TEMPORARILY_UNAVAILABLE);
    }
    if (!found) return next();
    const unreadable = unreadableBody(req);
    if (unreadable) return res.status(400).json({ error: 'invalid_request', error_description: unreadable });
    d.providers.handlerOf(found.provider)(req, res);
  });
  // The sign-in pages (not oidc-provider's endpoints, nor userinfo's JSON).
  router.use(pageFailures('sign-in page', (req) => !req.path.startsWith('/oidc/') || req.path.startsWith('/oidc/interaction/')));
  return router;
}

/**
 * oidc-provider reads its form bodies (token, introspection, revocation, …) itself, as UTF-8
 * and ignoring Content-Encoding: a body declared `gzip`, `x-foo` or `charset=utf-16` would be
 * read as plain UTF-8 text, and a well-formed form under a wrong label answered 200. Such a
 * body is refused as the OAuth error it is (RFC 6749 §5.2).
 */
function unreadableBody(req: Request): string | undefined {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity') return 'request body Content-Encoding is not supported on this endpoint (send it uncompressed)';
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return 'request body charset is not supported (use UTF-8)';
  return undefined;
}
