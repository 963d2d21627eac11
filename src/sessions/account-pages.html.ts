import { page } from '../pages/page.html';
import { escapeHtml as e } from '../shared/html';
import type { OrganizationRole } from './sessions.service';

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${e(value)}">`;
const errorBox = (error?: string) => (error ? `<p class="error" role="alert">${e(error)}</p>` : '');
const noticeBox = (notice?: string) => (notice ? `<p class="notice" role="status">${e(notice)}</p>` : '');

interface AccountFrame {
  base: string;
  email: string;
  csrf: string;
}

/** Links shared by the account pages, and the sign-out form. */
const nav = (f: AccountFrame, current: 'organizations' | 'security') => `<nav class="account" aria-label="Account">
<a href="${e(f.base)}/account/organizations"${current === 'organizations' ? ' aria-current="page"' : ''}>Organizations</a>
<a href="${e(f.base)}/account/security"${current === 'security' ? ' aria-current="page"' : ''}>Security</a>
</nav>`;

const signOut = (f: AccountFrame) => `<form method="post" action="${e(f.base)}/logout">
<button type="submit" class="secondary">Sign out</button>
</form>`;

/** The person's organizations, each with a form that makes it the session's current one. */
export function organizationsPage(
  f: AccountFrame & { organizations: OrganizationRole[]; currentId: string | null; portal: { home: boolean; organizationIds: string[] }; notice?: string; error?: string },
): string {
  const rows = f.organizations
    .map((o) => {
      const current = o.id === f.currentId;
      const action = current
        ? '<strong>(current)</strong>'
        : `<form method="post" action="${e(f.base)}/account/organizations/switch" class="inline">
${hidden('csrf', f.csrf)}${hidden('organization', o.id)}
<button type="submit" class="small" aria-label="Switch to ${e(o.name)}">Switch to this organization</button>
</form>`;
      const administer = f.portal.organizationIds.includes(o.id)
        ? ` <a href="${e(f.base)}/portal/organizations/${e(encodeURIComponent(o.id))}" class="hint">Administer</a>`
        : '';
      return `<li data-organization="${e(o.id)}">${e(o.name)} <span class="hint">(${e(o.slug)})</span> — ${e(o.roles.join(', ') || o.role)} ${action}${administer}</li>`;
    })
    .join('\n');
  return page({
    title: 'Your organizations',
    branding: null,
    body: `<h1>Your organizations</h1>
${nav(f, 'organizations')}
<p>Signed in as <strong>${e(f.email)}</strong>.</p>
${noticeBox(f.notice)}${errorBox(f.error)}
${rows ? `<ul class="organizations">\n${rows}\n</ul>` : '<p>You are not a member of any organization.</p>'}
${f.portal.home ? `<p><a href="${e(f.base)}/portal">Admin portal</a></p>` : ''}
${signOut(f)}`,
  });
}

export interface SecurityView {
  hasPassword: boolean;
  passwordMinLength: number;
  mfa: { enrolled: boolean; recoveryCodesLeft: number };
  requireMfa: boolean;
  mfaRequiredBy: string[];
}

/** Change password; the authenticator: set up, new recovery codes, removal (unless required). */
export function securityPage(f: AccountFrame & SecurityView & { notice?: string; error?: string }): string {
  const password = f.hasPassword
    ? `<form method="post" action="${e(f.base)}/account/security/password">
${hidden('csrf', f.csrf)}
<input type="hidden" name="email" value="${e(f.email)}" autocomplete="username">
<label for="current_password">Current password</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" required>
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${f.passwordMinLength}" aria-describedby="password-rules">
<p class="hint" id="password-rules">At least ${f.passwordMinLength} characters; not a commonly breached password, not your email.</p>
<button type="submit">Change password</button>
</form>`
    : '<p>Your account has no password here: you sign in through your organization.</p>';

  const requiredNote = f.requireMfa ? `<p class="hint">Two-step sign-in is required by ${e(f.mfaRequiredBy.join(', '))}, so the authenticator cannot be removed.</p>` : '';
  const codeField = (id: string) => `<label for="${id}">Current code from your authenticator</label>
<input id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" required>`;
  const mfa = f.mfa.enrolled
    ? `<p>An authenticator app is set up (<span data-mfa="enrolled">enrolled</span>). Recovery codes left: ${f.mfa.recoveryCodesLeft}.</p>
${requiredNote}
<form method="post" action="${e(f.base)}/account/security/mfa/recovery-codes">
${hidden('csrf', f.csrf)}
${codeField('code-regenerate')}
<button type="submit">New recovery codes</button>
</form>
${
  f.requireMfa
    ? ''
    : `<form method="post" action="${e(f.base)}/account/security/mfa/remove">
${hidden('csrf', f.csrf)}
${codeField('code-remove')}
<button type="submit" class="danger">Remove the authenticator</button>
</form>`
}`
    : `<p>No authenticator app is set up (<span data-mfa="none">not enrolled</span>).${f.requireMfa ? ` It is required by ${e(f.mfaRequiredBy.join(', '))}: you will be asked to set one up at your next sign-in.` : ''}</p>
<p><a href="${e(f.base)}/account/security/mfa">Set up an authenticator app</a></p>`;

  return page({
    title: 'Security',
    branding: null,
    body: `<h1>Security</h1>
${nav(f, 'security')}
${noticeBox(f.notice)}${errorBox(f.error)}
<section aria-labelledby="password-heading">
<h2 id="password-heading">Password</h2>
${password}
</section>
<section aria-labelledby="mfa-heading">
<h2 id="mfa-heading">Two-step sign-in</h2>
${mfa}
</section>
${signOut(f)}`,
  });
}

/** The enrolment: QR code and the key as text, confirmed by one code (field `code`). */
export function enrolPage(f: AccountFrame & { secret: string; qrSvg: string; error?: string }): string {
  return page({
    title: 'Set up two-step sign-in',
    branding: null,
    body: `<h1>Set up two-step sign-in</h1>
${nav(f, 'security')}
${errorBox(f.error)}
<p>Scan this code with an authenticator app, or enter the key by hand, then type the 6-digit code it shows.</p>
<div class="qr" aria-hidden="true">${f.qrSvg}</div>
<p>Key: <code data-secret="${e(f.secret)}">${e(f.secret)}</code></p>
<form method="post" action="${e(f.base)}/account/security/mfa">
${hidden('csrf', f.csrf)}
<label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Confirm</button>
</form>`,
  });
}

/** Ten recovery codes, shown on this answer only. */
export function accountRecoveryCodesPage(f: { base: string; codes: string[]; title: string }): string {
  return page({
    title: f.title,
    branding: null,
    body: `<h1>${e(f.title)}</h1>
<p>Each code signs you in once if you lose your authenticator. They are shown only now: save them somewhere safe.</p>
<ul>${f.codes.map((c) => `<li><code class="recovery-code">${e(c)}</code></li>`).join('')}</ul>
<p><a href="${e(f.base)}/account/security">Back to security</a></p>`,
  });
}

export function notSignedInPage(base: string): string {
  return page({
    title: 'You are not signed in',
    branding: null,
    body: `<h1>You are not signed in</h1>
<p role="alert">Sign in to see your account.</p>
<p><a href="${e(base)}/login">Sign in</a></p>`,
  });
}
