import { escapeHtml } from '../../shared/html';
import type { Mail } from '../mailer';

/** The password reset mail: plain text and HTML with the same content. */
export function passwordResetMail(to: string, tenantName: string, url: string): Mail {
  const subject = `Reset your ${tenantName} password`;
  const text = [`Hello,`, ``, `Someone asked to reset the password of your ${tenantName} account.`, ``, `Choose a new password: ${url}`, ``, `The link works once, for one hour.`, `If you did not ask for this, ignore this mail: your password stays as it is.`].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1f2328">
<p>Hello,</p>
<p>Someone asked to reset the password of your ${escapeHtml(tenantName)} account.</p>
<p><a href="${escapeHtml(url)}">Choose a new password</a></p>
<p>The link works once, for one hour. If you did not ask for this, ignore this mail: your password stays as it is.</p>
</body></html>`;
  return { to, subject, text, html };
}
