import { invitationMail } from '../../../src/mail/templates/invitation';
import { retryDelay } from '../../../src/mail/outbox.service';

describe('retryDelay', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_920_000],
    [8, 3_600_000],
    [30, 3_600_000],
  ])('after attempt %i waits %i ms', (attempts, ms) => {
    expect(retryDelay(attempts)).toBe(ms);
  });
});

describe('invitationMail', () => {
  const base = {
    to: 'a@example.com',
    joining: 'Acme <b>',
    tenantLevel: false,
    role: 'member',
    inviter: 'Eve "the" <admin>',
    url: 'https://id.example.com/t/acme/invitations/accept?token=abc',
    expiresAt: new Date('2026-01-15T10:00:00Z'),
    primaryColor: 'red;background:url(x)',
  };

  it('names the organization, the inviter, the role, the link and the expiry in text and HTML, escaping the HTML', () => {
    const mail = invitationMail(base);
    expect(mail.subject).toBe('You are invited to join Acme <b>');
    expect(mail.text).toContain('Eve "the" <admin> invited you to join Acme <b> as member.');
    expect(mail.text).toContain(base.url);
    expect(mail.text).toContain('expires on 2026-01-15 10:00 UTC');
    expect(mail.html).toContain('Eve &quot;the&quot; &lt;admin&gt; invited you to join Acme &lt;b&gt; as member.');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).not.toContain('url(x)');
    expect(mail.html).toContain('#1f6feb');
  });

  it('words a tenant-level invitation as administration', () => {
    const mail = invitationMail({ ...base, joining: 'Acme', tenantLevel: true });
    expect(mail.subject).toBe('You are invited to administer Acme');
    expect(mail.text).toContain('invited you to administer Acme.');
  });
});
