import { escapeHtml, safeColor } from '../../shared/html';
import type { Mail } from '../mailer';

export interface InvitationMailInput {
  to: string;
  /** The organization's name, or the tenant's for a tenant-level invitation. */
  joining: string;
  tenantLevel: boolean;
  role: string;
  inviter: string;
  url: string;
  expiresAt: Date;
  primaryColor: string | null;
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The invitation mail: plain text and HTML with the same content. */
export function invitationMail(m: InvitationMailInput): Mail {
  const what = m.tenantLevel ? `administer ${m.joining}` : `join ${m.joining} as ${m.role}`;
  const subject = m.tenantLevel ? `You are invited to administer ${m.joining}` : `You are invited to join ${m.joining}`;
  const text = [
    `Hello,`,
    ``,
    `${m.inviter} invited you to ${what}.`,
    ``,
    `Accept the invitation: ${m.url}`,
    ``,
    `The link works once and expires on ${when(m.expiresAt)}.`,
    `If you did not expect this invitation, ignore this mail.`,
  ].join('\n');
  const color = safeColor(m.primaryColor, '#1f6feb');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1f2328">
<p>Hello,</p>
<p>${escapeHtml(m.inviter)} invited you to ${escapeHtml(what)}.</p>
<p><a href="${escapeHtml(m.url)}" style="display: inline-block; padding: 10px 16px; background: ${color}; color: #ffffff; text-decoration: none; border-radius: 6px">Accept the invitation</a></p>
<p>Or open this link: <a href="${escapeHtml(m.url)}">${escapeHtml(m.url)}</a></p>
<p>The link works once and expires on ${escapeHtml(when(m.expiresAt))}.<br>If you did not expect this invitation, ignore this mail.</p>
</body></html>
`;
  return { to: m.to, subject: subject.replace(/[\r\n]+/g, ' '), text, html };
}
