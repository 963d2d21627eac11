import { escapeHtml as e } from '../shared/html';
import { page } from '../pages/page.html';
import type { Branding } from '../tenants/settings';

interface FormBase {
  action: string;
  csrf: string;
  interaction?: string;
  /** Where a sign-in not started by an application lands (a path under the tenant). */
  returnTo?: string;
  error?: string;
  /** The effective branding of the organization in context, else the tenant's. */
  branding?: Branding | null;
  /** The hosted login's own `organization` parameter, carried through its forms (branding only). */
  organization?: string;
}

const hidden = (name: string, value: string | undefined) => (value ? `<input type="hidden" name="${name}" value="${e(value)}">` : '');
const welcome = (branding: Branding | null | undefined) => (branding?.welcome_text ? `<p class="welcome">${e(branding.welcome_text)}</p>\n` : '');
const errorBox = (error?: string) => (error ? `<p class="error" role="alert">${e(error)}</p>` : '');

/** Step one: the email only (identifier first). */
export function identifierPage(tenantName: string, form: FormBase & { email?: string }): string {
  return page({
    title: `Sign in to ${tenantName}`,
    branding: form.branding ?? null,
    body: `<h1>Sign in to ${e(tenantName)}</h1>
${welcome(form.branding)}${errorBox(form.error)}
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}${hidden('interaction', form.interaction)}${hidden('return_to', form.returnTo)}${hidden('organization', form.organization)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${e(form.email ?? '')}">
<button type="submit">Continue</button>
</form>`,
  });
}

/** Step two: the password, for any email (the page is the same whether or not it exists). */
export function passwordPage(tenantName: string, form: FormBase & { email: string; forgotUrl?: string }): string {
  return page({
    title: `Sign in to ${tenantName}`,
    branding: form.branding ?? null,
    body: `<h1>Sign in to ${e(tenantName)}</h1>
${welcome(form.branding)}${errorBox(form.error)}
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}${hidden('interaction', form.interaction)}${hidden('return_to', form.returnTo)}${hidden('organization', form.organization)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${e(form.email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint"><a href="${e(form.forgotUrl ?? '')}">Forgot your password?</a></p>`,
  });
}

/** The organization picker of a sign-in for an app (field `organization`). */
export function organizationPickerPage(form: { action: string; csrf: string; organizations: Array<{ id: string; name: string; slug: string }>; preselected: string | null; branding?: Branding | null }): string {
  const options = form.organizations
    .map((o, i) => {
      const checked = form.preselected ? o.id === form.preselected : i === 0;
      return `<p><input type="radio" id="org-${e(o.id)}" name="organization" value="${e(o.id)}"${checked ? ' checked' : ''}> <label class="inline" for="org-${e(o.id)}">${e(o.name)} <span class="hint">(${e(o.slug)})</span></label></p>`;
    })
    .join('\n');
  return page({
    title: 'Choose an organization',
    branding: form.branding ?? null,
    body: `<h1>Choose an organization</h1>
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}
<fieldset><legend>Continue as a member of</legend>
${options}
</fieldset>
<button type="submit">Continue</button>
</form>`,
  });
}

export function messagePage(title: string, message: string): string {
  return page({ title, branding: null, body: `<h1>${e(title)}</h1><p>${e(message)}</p>` });
}

/** RP-initiated logout: oidc-provider's form (`xsrf`), with our look; `logout=yes` signs out everywhere. */
export function logoutPage(providerForm: string): string {
  return page({
    title: 'Sign out',
    branding: null,
    body: `<h1>Do you want to sign out?</h1>
${providerForm}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, only this application</button>`,
  });
}

/** "Forgot your password?": the email, answered the same for every address. */
export function forgotPasswordPage(tenantName: string, form: FormBase & { email?: string }): string {
  return page({
    title: `Reset your ${tenantName} password`,
    branding: form.branding ?? null,
    body: `<h1>Reset your password</h1>
${welcome(form.branding)}${errorBox(form.error)}
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}${hidden('interaction', form.interaction)}${hidden('organization', form.organization)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${e(form.email ?? '')}">
<button type="submit">Send me a link</button>
</form>`,
  });
}

/** The emailed link's page: a new password (field `password`). */
export function newPasswordPage(tenantName: string, form: FormBase & { token: string; email: string }): string {
  return page({
    title: `Choose a new ${tenantName} password`,
    branding: form.branding ?? null,
    body: `<h1>Choose a new password</h1>
${welcome(form.branding)}<p class="hint">For ${e(form.email)}</p>
${errorBox(form.error)}
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}${hidden('interaction', form.interaction)}${hidden('organization', form.organization)}${hidden('token', form.token)}
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus>
<button type="submit">Set the password</button>
</form>`,
  });
}

/** The code step (field `code`: a TOTP code or a recovery code); on first use, the enrolment. */
export function mfaPage(tenantName: string, form: FormBase & { mfaToken: string; enroll?: { secret: string; qrSvg: string }; stepUp?: boolean }): string {
  const enroll = form.enroll
    ? `<p>Your organization requires a second step. Scan this code with an authenticator app, or enter the key by hand, then type the 6-digit code it shows.</p>
<div class="qr" aria-hidden="true">${form.enroll.qrSvg}</div>
<p>Key: <code data-secret="${e(form.enroll.secret)}">${e(form.enroll.secret)}</code></p>`
    : '<p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>';
  return page({
    title: `Sign in to ${tenantName}`,
    branding: form.branding ?? null,
    body: `<h1>${form.enroll ? 'Set up two-step sign-in' : 'Two-step sign-in'}</h1>
${welcome(form.branding)}${errorBox(form.error)}
${enroll}
<form method="post" action="${e(form.action)}">
${hidden('csrf', form.csrf)}${hidden('interaction', form.interaction)}${hidden('return_to', form.returnTo)}${hidden('organization', form.organization)}${hidden('mfa_token', form.mfaToken)}${hidden('step_up', form.stepUp ? '1' : undefined)}
<label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button>
</form>`,
  });
}

/** The ten recovery codes, shown once after enrolment. */
export function recoveryCodesPage(codes: string[], continueUrl: string): string {
  return page({
    title: 'Your recovery codes',
    branding: null,
    body: `<h1>Save your recovery codes</h1>
<p>Each code signs you in once if you lose your authenticator. They are shown only now.</p>
<ul>${codes.map((c) => `<li><code class="recovery-code">${e(c)}</code></li>`).join('')}</ul>
<p><a href="${e(continueUrl)}">Continue</a></p>`,
  });
}
