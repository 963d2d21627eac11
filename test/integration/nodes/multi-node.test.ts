import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { uniqueSlug } from '../../support/api';
import { TestDnsServer } from '../../support/dns-server';
import { NodeProcess } from '../../support/node-process';
import { SCIM } from '../../support/scim';
import { TestSmtp } from '../../support/smtp';
import { ownDatabaseUrl, ROOT_KEY } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * Two real orgbridge processes on one MariaDB/MySQL database, as behind a load balancer. Only
 * on MySQL (CI's MariaDB pass): SQLite is not the several-nodes path. The nodes get a database
 * of their own (`<test db>_nodes`), so their schedulers and leases meet no other test's.
 */
const testUrl = process.env.TEST_DATABASE_URL ?? '';
const onMysql = /^(mysql|mariadb):\/\//.test(testUrl);
const describeOnMysql = onMysql ? describe : describe.skip;

let a: NodeProcess;
let b: NodeProcess;
let dns: TestDnsServer;
let smtp: TestSmtp;
let receiver: WebhookReceiver;
let slug: string;
let webhookId: string;
let nodesDatabase: string;
const RECHECK_MS = 4_000;

async function call(node: NodeProcess, method: string, path: string, body?: unknown, token = ROOT_KEY, contentType = 'application/json') {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const admin = (node: NodeProcess, method: string, path: string, body?: unknown, token?: string) => call(node, method, `/t/${slug}/api/v1/admin${path}`, body, token);
const nodes = () => [a, b];

describeOnMysql('two orgbridge processes on one MySQL/MariaDB database', () => {
  beforeAll(async () => {
    nodesDatabase = (await ownDatabaseUrl('nodes'))!;
    dns = await TestDnsServer.start();
    smtp = await TestSmtp.start();
    receiver = await WebhookReceiver.start();
    const env = { DNS_SERVERS: dns.address, DOMAIN_RECHECK_INTERVAL: `${RECHECK_MS / 1000}s`, SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' };
    a = await NodeProcess.start(nodesDatabase, env);
    b = await NodeProcess.start(nodesDatabase, env); // after a: a fresh database is migrated once
    slug = uniqueSlug('nodes');
    expect((await call(a, 'POST', '/api/v1/tenants', { slug, name: 'Nodes' })).status).toBe(201);
    const hook = await admin(b, 'POST', '/webhooks', { url: receiver.url, events: ['*'] });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
  }, 60_000);
  afterAll(async () => {
    for (const n of [a, b]) if (n && n.child.exitCode === null) n.child.kill('SIGKILL');
    await Promise.all([dns?.close(), smtp?.close(), receiver?.close()]);
  });

  it('SCIM writes split across both nodes all land, with one contiguous seq; concurrent group updates lose none', async () => {
    const org = (await admin(a, 'POST', '/organizations', { name: 'Org', slug: uniqueSlug('org') })).body;
    const dir = (await admin(a, 'POST', `/organizations/${org.id}/directories`, { name: 'IdP', provider: 'generic' })).body;
    const scim = (node: NodeProcess, method: string, path: string, body?: unknown) =>
      call(node, method, `/t/${slug}/scim/v2/${dir.id}${path}`, body, dir.bearer_token, 'application/scim+json');
    const users = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const userName = `p${i}-${randomBytes(3).toString('hex')}@example.com`;
        return scim(nodes()[i % 2]!, 'POST', '/Users', { schemas: [SCIM.user], userName, emails: [{ value: userName, primary: true }], active: true });
      }),
    );
    expect(users.map((u) => u.status)).toEqual(Array(40).fill(201));
    expect((await scim(b, 'GET', '/Users?count=100')).body.totalResults).toBe(40);

    const group = await scim(b, 'POST', '/Groups', { schemas: [SCIM.group], displayName: 'Everyone', members: [] });
    expect(group.status).toBe(201);
    const patches = await Promise.all(
      users.slice(0, 20).map((u, i) => scim(nodes()[i % 2]!, 'PATCH', `/Groups/${group.body.id}`, { schemas: [SCIM.patch], Operations: [{ op: 'add', path: 'members', value: [{ value: u.body.id }] }] })),
    );
    expect(patches.map((p) => p.status).every((s) => s === 200 || s === 204)).toBe(true);
    const read = await scim(a, 'GET', `/Groups/${group.body.id}`);
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual(users.slice(0, 20).map((u) => u.body.id).sort());

    const seqs: number[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: { status: number; body: { data: Array<{ seq: number }>; next_cursor: string | null } } = await admin(a, 'GET', `/events?after=0&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      seqs.push(...page.body.data.map((e) => e.seq));
      if (!(cursor = page.body.next_cursor)) break;
    }
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }, 60_000);

  it('a revoked API key stops working on both nodes within 5 s', async () => {
    const key = await admin(a, 'POST', '/api-keys', { name: 'ci' });
    for (const n of nodes()) expect((await admin(n, 'GET', '/organizations', undefined, key.body.key)).status).toBe(200);
    expect((await admin(b, 'DELETE', `/api-keys/${key.body.id}`)).status).toBe(204);
    const revokedAt = Date.now();
    for (const n of nodes()) {
      while ((await admin(n, 'GET', '/organizations', undefined, key.body.key)).status !== 401) {
        expect(Date.now() - revokedAt).toBeLessThan(5_000);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
  });

  it('the mail outbox sends each mail once', async () => {
    const org = (await admin(a, 'POST', '/organizations', { name: 'Mail', slug: uniqueSlug('org') })).body;
    const emails = Array.from({ length: 8 }, (_, i) => `invitee${i}-${randomBytes(3).toString('hex')}@example.com`);
    const sent = await Promise.all(emails.map((email, i) => admin(nodes()[i % 2]!, 'POST', `/organizations/${org.id}/invitations`, { email, role: 'member' })));
    expect(sent.map((s) => s.status)).toEqual(Array(8).fill(201));
    await smtp.waitFor(8);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual([...emails].sort());
  });

  it('the domain re-check scheduler checks each due domain once, on one node or the other', async () => {
    const org = (await admin(a, 'POST', '/organizations', { name: 'Domains', slug: uniqueSlug('org') })).body;
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const domain = `d${i}-${randomBytes(3).toString('hex')}.test`;
      const added = await admin(a, 'POST', `/organizations/${org.id}/domains`, { domain });
      dns.set(`_orgbridge.${domain}`, { TXT: [[`orgbridge-verification=${added.body.verification.token}`]] });
      expect((await admin(b, 'POST', `/organizations/${org.id}/domains/${added.body.id}/verify`, { method: 'dns_txt' })).body.status).toBe('verified');
      names.push(domain);
    }
    // Verified one after another, they would fall due apart: make them all due at once.
    const base = new Map(names.map((d) => [d, dns.count(`_orgbridge.${d}`, 'TXT')]));
    const conn = await createConnection(nodesDatabase);
    await conn.execute('UPDATE domains SET next_check_at = ? WHERE organization_id = ?', [new Date(), org.id]);
    await conn.end();
    const rechecks = () => names.map((d) => dns.count(`_orgbridge.${d}`, 'TXT') - base.get(d)!);
    const deadline = Date.now() + 3 * RECHECK_MS;
    while (rechecks().some((n) => n === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // All were due together, so one sweep took them all; the next is due RECHECK_MS later.
    expect(rechecks()).toEqual(Array(6).fill(1));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(rechecks()).toEqual(Array(6).fill(1));
  }, 30_000);

  it('the webhook workers deliver every event of the tenant once, in seq order', async () => {
    const all: Array<{ id: string; seq: number; type: string }> = [];
    for (let cursor: string | null = null; ; ) {
      const page: { body: { data: Array<{ id: string; seq: number; type: string }>; next_cursor: string | null } } = await admin(b, 'GET', `/events?after=0&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.body.data);
      if (!(cursor = page.body.next_cursor)) break;
    }
    const expected = all.filter((e) => e.seq > 1); // from the webhook's own webhook.created on
    const deadline = Date.now() + 20_000;
    while (receiver.received.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const got = receiver.events();
    expect(got.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    const deliveries = await admin(a, 'GET', `/webhooks/${webhookId}/deliveries?status=pending`);
    expect(deliveries.body.data).toEqual([]);
  }, 30_000);

  it('on SIGTERM both nodes exit 0 within 10 s', async () => {
    const ends = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    for (const end of ends) {
      expect(end.code).toBe(0);
      expect(end.ms).toBeLessThan(10_000);
    }
  }, 20_000);
});

if (!onMysql) it('runs only on MySQL/MariaDB (TEST_DATABASE_URL=mysql://…)', () => undefined);
