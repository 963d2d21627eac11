import { Writable } from 'node:stream';
import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';
import { GOOD_PASSWORD, invitationsPath } from '../../support/invitations';
import { freePort, linkIn, TestSmtp, tokenOf } from '../../support/smtp';
import { ManualClock, startTestApp, type TestApp } from '../../support/test-app';

const email = () => `${uniqueSlug('m')}@mail.example.org`;

/** Collects the JSON log lines an app writes. */
function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
const cookieOf = (res: { headers: Record<string, unknown> }) => String((res.headers['set-cookie'] as string[])[0]).split(';')[0]!;

describe('with an SMTP server', () => {
  let smtp: TestSmtp;
  let app: TestApp;
  let admin: AdminClient;
  let org: { id: string; slug: string };
  const logs = logSink();

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    app = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Acme Access <access@example.net>' }, logDestination: logs.stream });
    admin = await createTenant(app);
    org = await admin.createOrg({
      name: 'Acme & Sons',
      branding: { primary_color: '#AA3300', logo_url: 'https://cdn.example.com/logo.png', welcome_text: 'Hi <script>alert(1)</script>' },
    });
  });
  afterAll(async () => {
    await app.close();
    await smtp.close();
  });

  /** Invites with mail and returns the link read from the mail that arrived. */
  async function inviteByMail(to: string, extra: Record<string, unknown> = {}, orgId = org.id) {
    const before = smtp.mails.length;
    const res = await admin.post(invitationsPath(orgId), { email: to, role: 'member', ...extra });
    expect(res.status).toBe(201);
    const mail = (await smtp.waitFor(before + 1))[before]!;
    await app.container.outbox.idle();
    return { invitation: res.body, mail, link: linkIn(mail.body) };
  }

  it('the mail arrives with the link, the organization, the inviter and the expiry, in text and HTML; the outbox row is sent; logs hold no link', async () => {
    const inviter = await admin.createUser(email(), { name: 'Iris Inviter' });
    const to = email();
    const { invitation, mail, link } = await inviteByMail(to, { inviter_user_id: inviter.id });
    expect(link).toBe(invitation.invite_url);
    expect(mail.to).toEqual([to]);
    expect(mail.from).toBe('access@example.net');
    expect(mail.body).toMatch(/Subject: You are invited to join Acme & Sons/);
    expect(mail.body).toContain('Iris Inviter invited you to join Acme & Sons as member.');
    expect(mail.body).toContain(`expires on ${invitation.expires_at.slice(0, 16).replace('T', ' ')} UTC`);
    expect(mail.body).toMatch(/Content-Type: text\/plain/);
    expect(mail.body).toMatch(/Content-Type: text\/html/);
    expect(mail.body).toContain('Acme &amp; Sons as member');
    expect(mail.body).toContain('background: #aa3300');

    const [row] = (await admin.get('/outbox?status=sent')).body.data;
    expect(row).toMatchObject({ to, status: 'sent', attempts: 1, last_error: null, sent_at: expect.any(String), next_attempt_at: null });
    const logged = logs.lines.join('\n');
    expect(logged).toContain('"msg":"mail queued"');
    expect(logged).toContain('"msg":"mail sent"');
    expect(logged).toContain('"toDomain":"mail.example.org"');
    expect(logged).not.toContain(tokenOf(link));
    expect(logged).not.toContain(to);
  });

  it('send_email false queues nothing', async () => {
    const before = (await admin.get('/outbox?limit=200')).body.data.length;
    expect((await admin.post(invitationsPath(org.id), { email: email(), role: 'member', send_email: false })).status).toBe(201);
    expect((await admin.get('/outbox?limit=200')).body.data).toHaveLength(before);
  });

  it('a new person accepts through the page: branded, framing forbidden, CSRF-checked form posts, weak password shown on the form', async () => {
    const to = email();
    const { invitation, link } = await inviteByMail(to);
    const path = new URL(link).pathname + new URL(link).search;

    const page = await app.http.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('Join Acme &amp; Sons');
    expect(page.text).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>');
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<style|style=/);
    expect(page.text).toContain('href="/assets/brand.css?c=aa3300"');
    const brand = await app.http.get('/assets/brand.css?c=aa3300');
    expect(brand.headers['content-type']).toMatch(/text\/css/);
    expect(brand.text).toContain('--brand: #aa3300');
    expect((await app.http.get('/assets/brand.css?c=aa3300;}body{x')).text).toContain('--brand: #1f6feb');
    expect(page.text).toContain('src="https://cdn.example.com/logo.png"');
    expect(page.text).toContain('<label for="name">');
    expect(page.text).toContain('<label for="password">');
    const cookie = cookieOf(page);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const csrf = csrfOf(page.text);
    const form = { token: tokenOf(link), csrf, name: 'Paula Page' };

    // without the cookie, or with a forged field: 403, nothing accepted
    expect((await app.http.post(`/t/${admin.tenant.slug}/invitations/accept`).type('form').send({ ...form, password: GOOD_PASSWORD })).status).toBe(403);
    const forged = await app.http.post(`/t/${admin.tenant.slug}/invitations/accept`).set('Cookie', cookie).type('form').send({ ...form, csrf: (csrf.startsWith('x') ? 'y' : 'x') + csrf.slice(1), password: GOOD_PASSWORD });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('This form has expired');

    const weak = await app.http.post(`/t/${admin.tenant.slug}/invitations/accept`).set('Cookie', cookie).type('form').send({ ...form, password: 'password1' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('role="alert"');
    expect(weak.text).toContain('too common');
    expect(weak.text).toContain('value="Paula Page"');
    expect((await admin.get(`${invitationsPath(org.id)}/${invitation.id}`)).body.status).toBe('pending');

    const ok = await app.http.post(`/t/${admin.tenant.slug}/invitations/accept`).set('Cookie', cookieOf(weak)).type('form').send({ ...form, csrf: csrfOf(weak.text), password: GOOD_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('You are now a member of Acme &amp; Sons (member).');
    const members = (await admin.get(`/organizations/${org.id}/members`)).body.data;
    expect(members).toEqual(expect.arrayContaining([expect.objectContaining({ email: to, name: 'Paula Page', source: 'invitation', role: 'member' })]));

    const reused = await app.http.get(path);
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('This invitation can no longer be used');
    expect(reused.headers['set-cookie']).toBeUndefined();
    expect(logs.lines.join('\n')).not.toContain(tokenOf(link));
  });

  it('someone with an account signs in on the page: a wrong password is 401 on the form, the right one 200', async () => {
    const to = email();
    const first = await inviteByMail(to);
    const accepted = await app.http.post(`/t/${admin.tenant.slug}/api/v1/invitations/accept`).send({ token: tokenOf(first.link), name: 'Sam', password: GOOD_PASSWORD });
    expect(accepted.status).toBe(200);

    const other = await admin.createOrg({ name: 'Other Co' });
    const { link } = await inviteByMail(to, { role: 'admin' }, other.id);
    const page = await app.http.get(new URL(link).pathname + new URL(link).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You already have an account');
    expect(page.text).not.toContain('name="name"');
    const post = (cookie: string, csrf: string, password: string) =>
      app.http.post(`/t/${admin.tenant.slug}/invitations/accept`).set('Cookie', cookie).type('form').send({ token: tokenOf(link), csrf, password });
    const wrong = await post(cookieOf(page), csrfOf(page.text), 'wrong password here');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('wrong password');
    const right = await post(cookieOf(wrong), csrfOf(wrong.text), GOOD_PASSWORD);
    expect(right.status).toBe(200);
    expect(right.text).toContain('You are now a member of Other Co (admin).');
  });

  it('a bad token or another tenant shows a 404 page without internals', async () => {
    const other = await createTenant(app);
    const { link } = await inviteByMail(email());
    for (const path of [
      `/t/${admin.tenant.slug}/invitations/accept?token=nope`,
      `/t/${admin.tenant.slug}/invitations/accept`,
      `/t/${other.tenant.slug}/invitations/accept?token=${tokenOf(link)}`,
    ]) {
      const res = await app.http.get(path);
      expect(res.status).toBe(404);
      expect(res.text).toContain('Invitation not found');
      expect(res.text).not.toMatch(/at .*\.ts|SELECT|Error:/);
    }
  });
});

describe('when the mail server is down, then up', () => {
  it('the invitation is created, the mail stays queued with its error and backoff, and is sent once the server is back (by one process only)', async () => {
    const clock = new ManualClock();
    const port = await freePort();
    const app = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, clock });
    let second: TestApp | undefined;
    let smtp: TestSmtp | undefined;
    try {
      const admin = await createTenant(app);
      const org = await admin.createOrg();
      const to = email();
      const res = await admin.post(invitationsPath(org.id), { email: to, role: 'member' });
      expect(res.status).toBe(201);
      await app.container.outbox.idle();

      const queued = async () => (await admin.get('/outbox')).body.data[0];
      let row = await queued();
      expect(row).toMatchObject({ to, status: 'queued', attempts: 1, last_error: expect.stringContaining('ECONNREFUSED'), sent_at: null });
      expect(Date.parse(row.next_attempt_at)).toBe(clock.now().getTime() + 30_000);
      expect(await app.container.outbox.sendDue()).toBe(0);

      clock.advance(30_000);
      expect(await app.container.outbox.sendDue()).toBe(0);
      row = await queued();
      expect(row.attempts).toBe(2);
      expect(Date.parse(row.next_attempt_at)).toBe(clock.now().getTime() + 60_000);
      expectError(await admin.get('/outbox?status=bogus'), 400, 'invalid_request');
      expect((await admin.get(`${invitationsPath(org.id)}/${res.body.id}`)).body.status).toBe('pending');

      smtp = await TestSmtp.start(port);
      second = await startTestApp({ env: { SMTP_URL: smtp.url }, clock, databaseUrl: app.databaseUrl });
      clock.advance(60_000);
      // Both processes run their sender loops at once; the claim lets only one send it.
      // (On a shared MariaDB the loop also sends other test files' queued mail, hence the filter.)
      app.container.outbox.start(20);
      second.container.outbox.start(20);
      for (let waited = 0; (await queued()).status !== 'sent' && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([app.container.outbox.stop(), second.container.outbox.stop()]);
      const ours = smtp.mails.filter((m) => m.to.includes(to));
      expect(ours).toHaveLength(1);
      expect(linkIn(ours[0]!.body)).toBe(res.body.invite_url);
      expect(await queued()).toMatchObject({ status: 'sent', attempts: 3 });
    } finally {
      await second?.close();
      await app.close();
      await smtp?.close();
    }
  });

  it('after 24 hours of failures the mail is marked failed and no longer retried; the invitation stays pending', async () => {
    const clock = new ManualClock();
    const app = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` }, clock });
    try {
      const admin = await createTenant(app);
      const org = await admin.createOrg();
      const res = await admin.post(invitationsPath(org.id), { email: email(), role: 'member' });
      await app.container.outbox.idle();
      clock.advance(24 * 3_600_000 + 60_000);
      await app.container.outbox.sendDue();
      const [row] = (await admin.get('/outbox')).body.data;
      expect(row).toMatchObject({ status: 'failed', attempts: 2, next_attempt_at: null, last_error: expect.stringContaining('ECONNREFUSED') });
      clock.advance(48 * 3_600_000);
      await app.container.outbox.sendDue();
      expect((await admin.get('/outbox')).body.data[0].attempts).toBe(2);
      expect((await admin.get(`${invitationsPath(org.id)}/${res.body.id}`)).body.status).toBe('pending');
    } finally {
      await app.close();
    }
  });
});
