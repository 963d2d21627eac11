import { page } from '../pages/page.html';
import { escapeHtml as e } from '../shared/html';
import type { Opened } from './invitations.service';

const expiry = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The page of an invitation tied to a connection: accepted by signing in there, never with a password. */
export function ssoAcceptPage(o: Opened, form: { action: string; token: string; csrf: string }): string {
  const joining = o.org?.name ?? o.tenant.name;
  const heading = `Join ${joining}`;
  const roles = o.invitation.role_keys?.length ? o.invitation.role_keys : [o.invitation.role_key];
  const welcome = o.branding.welcome_text ? `<p>${e(o.branding.welcome_text)}</p>\n` : '';
  return page({
    title: heading,
    branding: o.branding,
    body: `<h1>${e(heading)}</h1>
${welcome}<p>You were invited as <strong>${e(roles.join(', '))}</strong> with <strong>${e(o.invitation.email)}</strong>. The invitation expires on ${e(expiry(o.invitation.expires_at))}.</p>
<p>${e(joining)} signs in with single sign-on. Continue at your identity provider and sign in as ${e(o.invitation.email)} to accept.</p>
<form method="post" action="${e(form.action)}">
<input type="hidden" name="invitation_token" value="${e(form.token)}">
<input type="hidden" name="csrf" value="${e(form.csrf)}">
<button type="submit">Continue with single sign-on</button>
</form>`,
  });
}

export function acceptFormPage(o: Opened, form: { action: string; token: string; csrf: string; name?: string; error?: string }): string {
  const joining = o.org?.name ?? o.tenant.name;
  const heading = o.org ? `Join ${joining}` : `Administer ${joining}`;
  const roles = o.invitation.role_keys?.length ? o.invitation.role_keys : [o.invitation.role_key];
  const as = o.org ? `as <strong>${e(roles.join(', '))}</strong>` : 'as a <strong>tenant administrator</strong>';
  const welcome = o.branding.welcome_text ? `<p>${e(o.branding.welcome_text)}</p>\n` : '';
  const error = form.error ? `<p class="error" role="alert">${e(form.error)}</p>\n` : '';
  const fields =
    o.account === 'register'
      ? `<p>Create your account to accept.</p>
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name" required maxlength="200" value="${e(form.name ?? '')}">
<label for="password">Choose a password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${o.passwordMinLength}" maxlength="256" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least ${o.passwordMinLength} characters; not a common password and not your email address.</p>`
      : `<p>You already have an account with this email. Enter its password to accept.</p>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">`;
  return page({
    title: heading,
    branding: o.branding,
    body: `<h1>${e(heading)}</h1>
${welcome}<p>You were invited ${as} with <strong>${e(o.invitation.email)}</strong>. The invitation expires on ${e(expiry(o.invitation.expires_at))}.</p>
${error}<form method="post" action="${e(form.action)}">
<input type="hidden" name="token" value="${e(form.token)}">
<input type="hidden" name="csrf" value="${e(form.csrf)}">
${fields}
<button type="submit">Accept invitation</button>
</form>`,
  });
}

export function acceptedPage(o: Opened, roles: string[]): string {
  const joining = o.org?.name ?? o.tenant.name;
  const what = o.org ? `You are now a member of ${joining} (${roles.join(', ')}).` : `You are now an administrator of ${joining}.`;
  const signIn = `/t/${encodeURIComponent(o.tenant.slug)}/login?login_hint=${encodeURIComponent(o.invitation.email)}`;
  return page({
    title: `Welcome to ${joining}`,
    branding: o.branding,
    body: `<h1>Welcome to ${e(joining)}</h1>\n<p>${e(what)}</p>\n<p><a href="${e(signIn)}">Sign in</a></p>`,
  });
}
