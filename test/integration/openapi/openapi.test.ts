import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Router } from 'express';
import type { Response } from 'supertest';
import oasSchema from '../../fixtures/openapi/oas-3.1-schema.json';
import { createApp } from '../../../src/app';
import type { OpenApiDocument } from '../../../src/openapi/document';
import { withOperationsTable } from '../../../src/openapi/reference';
import { AdminClient, uniqueSlug } from '../../support/api';
import { TestDnsServer } from '../../support/dns-server';
import { GOOD_PASSWORD } from '../../support/invitations';
import { newIdpKey, IDP_ENTITY_ID, IDP_SSO_URL } from '../../support/saml-idp';
import { sessionCookieOf, signIn, StubVerifiedDomains } from '../../support/sso';
import { ownDatabaseUrl, ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * `GET /openapi.json` is a valid OpenAPI 3.1 document, every route of the JSON API is in it
 * (and nothing else), and real answers of a realistic flow match the schemas it documents.
 */
let app: TestApp;
let dns: TestDnsServer;
let receiver: WebhookReceiver;
let doc: OpenApiDocument;
const verifiedDomains = new StubVerifiedDomains(); // SAML sign-in (for a session on /me) asks it
const DOC_ID = 'https://orgbridge.test/openapi.json';
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addVocabulary(['components']); // the document is registered whole, so its `#/components/...` refs resolve
let compiled = 0;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  receiver = await WebhookReceiver.start();
  // The webhook worker runs (test deliveries): on MariaDB, a database of this file's own.
  app = await startTestApp({
    env: { DNS_SERVERS: dns.address, WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' },
    databaseUrl: await ownDatabaseUrl('openapi'),
    overrides: { verifiedDomains },
  });
  const res = await app.http.get('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  doc = res.body;
  ajv.addSchema({ $id: DOC_ID, components: doc.components } as object);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await dns?.close();
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface OperationObject {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }>;
}
const operation = (method: Method, path: string) => doc.paths[path]?.[method] as OperationObject | undefined;

const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    // `#/components/...` refs resolve against the document registered under DOC_ID
    v = ajv.compile({ $id: `${DOC_ID}/check/${compiled++}`, ...JSON.parse(key.replaceAll('"#/components/', `"${DOC_ID}#/components/`)) });
    validators.set(key, v);
  }
  return v;
}

/** The documented answer of an operation for a status, with `components.responses` refs followed. */
function documentedResponse(op: OperationObject, status: number) {
  const entry = op.responses[String(status)] ?? op.responses.default;
  if (!entry) return undefined;
  if (entry.$ref) return (doc.components.responses as Record<string, typeof entry>)[entry.$ref.split('/').pop()!];
  return entry;
}

const called = new Set<string>();

/**
 * Calls an operation by its documented path and method, and checks it against the document: an
 * accepted request body fits the documented one, the status is documented, and the answer
 * matches its schema (or is empty where none is documented, as for 204).
 */
async function call(
  method: Method,
  template: string,
  params: Record<string, string> = {},
  opts: { body?: unknown; key?: string | null; query?: Record<string, string>; cookie?: string } = {},
): Promise<Response> {
  const op = operation(method, template);
  if (!op) throw new Error(`not documented: ${method.toUpperCase()} ${template}`);
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for {${name}}`);
    return encodeURIComponent(params[name]);
  });
  let req = app.http[method](url);
  if (opts.query) req = req.query(opts.query);
  const key = opts.key === undefined ? ROOT_KEY : opts.key;
  if (key) req = req.set('Authorization', `Bearer ${key}`);
  if (opts.cookie) req = req.set('Cookie', opts.cookie);
  const res = opts.body === undefined ? await req : await req.send(opts.body as object);
  called.add(op.operationId);

  // A body the service accepted fits the documented request schema (the routes' own zod schema).
  const requestSchema = op.requestBody?.content['application/json']?.schema;
  if (opts.body !== undefined && res.status < 300) {
    if (!requestSchema) throw new Error(`${op.operationId} took a body the document does not describe`);
    const validate = validatorFor(requestSchema);
    if (!validate(opts.body)) throw new Error(`${op.operationId}: an accepted body does not match the documented request: ${ajv.errorsText(validate.errors)}`);
  }

  const documented = documentedResponse(op, res.status);
  if (!documented) throw new Error(`${op.operationId} answered ${res.status}, which the document does not list: ${JSON.stringify(res.body)}`);
  const content = documented.content?.['application/json'];
  if (!content) {
    expect(res.text ?? '').toBe('');
  } else {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const validate = validatorFor(content.schema);
    if (!validate(res.body)) {
      throw new Error(`${op.operationId} ${res.status}: the answer does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body, null, 2)}`);
    }
  }
  return res;
}

/** Like `call`, and the status must be this one. */
async function expectCall(status: number, ...args: Parameters<typeof call>): Promise<Response> {
  const res = await call(...args);
  if (res.status !== status) throw new Error(`${args[0].toUpperCase()} ${args[1]}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (the OpenAPI Initiative schema)', () => {
    const oas = new Ajv2020({ strict: false, allErrors: true });
    addFormats(oas);
    oas.addFormat('media-range', /^[\w.+-]+\/[\w.+*-]+$/);
    // `$dynamicRef: "#meta"` lets a dialect extend Schema Objects; this document uses the default
    // dialect, where it means the schema's own `$defs/schema` (Ajv's $dynamicRef resolves it wrongly).
    const validate = oas.compile(JSON.parse(JSON.stringify(oasSchema).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')));
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.version).toBe(require('../../../package.json').version);
    expect(doc.servers[0]!.url).toBe(app.container.config.publicUrl);
  });

  it('has schemas that compile in JSON Schema 2020-12, and every $ref resolves', () => {
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => validatorFor({ $ref: `#/components/schemas/${name}` })).not.toThrow();
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
      if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
  });

  it('gives every operation an id, a tag, a summary and security; ids are unique; path parameters are declared', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, raw] of Object.entries(item)) {
        const op = raw as OperationObject & { tags: string[]; summary: string; security: unknown[] };
        ids.push(op.operationId);
        expect(op.tags).toHaveLength(1);
        expect(op.summary).toBeTruthy();
        expect(Array.isArray(op.security)).toBe(true);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect([method, path, declared]).toEqual([method, path, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is what docs/api.md lists (regenerate with `npx tsx scripts/api-reference.ts`)', () => {
    const markdown = readFileSync(joinPath(__dirname, '../../../docs/api.md'), 'utf8');
    expect(withOperationsTable(markdown, doc)).toBe(markdown);
    expect(markdown).toContain('`POST` | `…/organizations/{orgId}/members`');
  });

  it('is served from one cached build', async () => {
    const again = await app.http.get('/openapi.json');
    expect(again.text).toBe(JSON.stringify(doc));
  });
});

/** `METHOD /path/{param}` of every route Express has, walking its router stack. */
function expressRoutes(router: Router, prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of (router as unknown as { stack: ExpressLayer[] }).stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) for (const m of Object.keys(layer.route.methods)) out.push(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${join(prefix, p)}`);
    } else if ((layer.handle as { stack?: unknown }).stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      out.push(...expressRoutes(layer.handle as unknown as Router, join(prefix, mount)));
    }
  }
  return out;
}
interface ExpressLayer {
  rawPath?: unknown;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: unknown;
}
const join = (a: string, b: string) => `${a.replace(/\/$/, '')}${b === '/' ? '' : b}` || '/';

/** Routes that are not the JSON API: HTML pages and their assets, SAML and OIDC (described by their own standards). */
const NOT_JSON_API = [/^\/assets\//, /^\/t\/:tenant\/(login(?!\/route)|logout|account|portal|invitations\/accept|sso\/saml|oidc)(\/|$)/];

describe('the document and the routes', () => {
  it('documents every route of the JSON API, and only routes that exist', () => {
    const routes = [...new Set(expressRoutes(createApp(app.container).router as unknown as Router))]
      .map((r) => r.replace(/:(\w+)/g, '{$1}'))
      .filter((r) => !NOT_JSON_API.some((re) => re.test(r.split(' ')[1]!.replace(/\{tenant\}/, ':tenant'))));
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.filter((r) => r.includes('/api/v1/admin')).length).toBeGreaterThan(60);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !routes.includes(d))).toEqual([]);
  });
});

const A = '/t/{tenant}/api/v1/admin';

describe('real answers match the document', () => {
  it('a tenant from creation to deletion: every operation, its answers validated', async () => {
    // Tenants (root key)
    const slug = uniqueSlug('oas');
    const tenant = (await expectCall(201, 'post', '/api/v1/tenants', {}, { body: { slug, name: 'OpenAPI Inc', admin_email: `boss@${slug}.example` } })).body;
    expect(tenant.admin_invitation.invite_url).toContain('/invitations/accept?token=');
    await expectCall(409, 'post', '/api/v1/tenants', {}, { body: { slug, name: 'Again' } });
    await expectCall(400, 'post', '/api/v1/tenants', {}, { body: { slug, name: 'X', color: 'red' } });
    await expectCall(401, 'get', '/api/v1/tenants', {}, { key: null });
    await expectCall(200, 'get', '/api/v1/tenants', {}, { query: { limit: '2' } });
    await expectCall(400, 'get', '/api/v1/tenants', {}, { query: { limit: '500' } });
    await expectCall(200, 'get', '/api/v1/tenants/{tenant}', { tenant: slug });
    const t = { tenant: slug };

    // API keys: the tenant key then drives the rest of the flow's admin calls
    const created = (await expectCall(201, 'post', `${A}/api-keys`, t, { body: { name: 'ci' } })).body;
    const key = created.key as string;
    await expectCall(200, 'get', `${A}/api-keys`, t, { key });
    const spare = (await expectCall(201, 'post', `${A}/api-keys`, t, { body: { name: 'spare' }, key })).body;
    await expectCall(204, 'delete', `${A}/api-keys/{keyId}`, { ...t, keyId: spare.id }, { key });
    const as = { key };

    // Settings and tenant roles
    await expectCall(200, 'get', `${A}/settings`, t, as);
    await expectCall(200, 'patch', `${A}/settings`, t, { ...as, body: { branding: { primary_color: '#112233' }, auth_settings: { password_min_length: 10 } } });
    await expectCall(400, 'patch', `${A}/settings`, t, { ...as, body: { auth_settings: { password_min_length: 3 } } });
    await expectCall(200, 'get', `${A}/roles`, t, as);
    await expectCall(201, 'post', `${A}/roles`, t, { ...as, body: { key: 'auditor', name: 'Auditor', permissions: ['audit:read'] } });
    await expectCall(200, 'get', `${A}/roles/{key}`, { ...t, key: 'auditor' }, as);
    await expectCall(200, 'patch', `${A}/roles/{key}`, { ...t, key: 'auditor' }, { ...as, body: { description: 'reads the audit log' } });

    // Organizations and a workspace
    const org = (await expectCall(201, 'post', `${A}/organizations`, t, { ...as, body: { name: 'Acme', slug: 'acme', metadata: { plan: 'gold' }, auth_settings: { require_mfa: false } } })).body;
    await expectCall(409, 'post', `${A}/organizations`, t, { ...as, body: { name: 'Acme again', slug: 'acme' } });
    const workspace = (await expectCall(201, 'post', `${A}/organizations`, t, { ...as, body: { name: 'Acme EU', parent_id: org.id } })).body;
    const o = { ...t, orgId: org.id as string };
    await expectCall(200, 'get', `${A}/organizations`, t, { ...as, query: { search: 'acme' } });
    await expectCall(200, 'get', `${A}/organizations`, t, { ...as, query: { parent_id: org.id } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}`, { ...t, orgId: 'acme' }, as);
    await expectCall(404, 'get', `${A}/organizations/{orgId}`, { ...t, orgId: 'org_nope' }, as);
    const got = (await expectCall(200, 'get', `${A}/organizations/{orgId}`, o, as)).body;
    await expectCall(200, 'put', `${A}/organizations/{orgId}`, o, { ...as, body: { ...got, description: 'Anvils' } });
    await expectCall(200, 'patch', `${A}/organizations/{orgId}`, o, { ...as, body: { branding: { welcome_text: 'Hi' }, domain_policy: { auto_join: 'member' } } });

    // Users, members, roles, access
    const alice = (await expectCall(201, 'post', `${A}/users`, t, { ...as, body: { email: `alice@${slug}.example`, name: 'Alice', tenant_roles: ['auditor'] } })).body;
    await expectCall(409, 'post', `${A}/users`, t, { ...as, body: { email: `ALICE@${slug}.example` } });
    const bob = (await expectCall(201, 'post', `${A}/users`, t, { ...as, body: { email: `bob@${slug}.example` } })).body;
    await expectCall(200, 'get', `${A}/users`, t, { ...as, query: { search: 'alice' } });
    await expectCall(200, 'patch', `${A}/users/{userId}`, { ...t, userId: bob.id }, { ...as, body: { name: 'Bob', user_metadata: { theme: 'dark' } } });
    await expectCall(201, 'post', `${A}/organizations/{orgId}/roles`, o, { ...as, body: { key: 'billing', name: 'Billing', permissions: ['invoices:read'] } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/roles`, o, as);
    await expectCall(200, 'patch', `${A}/organizations/{orgId}/roles/{key}`, { ...o, key: 'billing' }, { ...as, body: { rank: 160 } });
    await expectCall(201, 'post', `${A}/organizations/{orgId}/members`, o, { ...as, body: { user_id: alice.id, role: 'owner' } });
    await expectCall(201, 'post', `${A}/organizations/{orgId}/members`, o, { ...as, body: { email: bob.email, roles: ['member', 'billing'] } });
    await expectCall(409, 'post', `${A}/organizations/{orgId}/members`, o, { ...as, body: { user_id: bob.id, role: 'member' } });
    await expectCall(404, 'post', `${A}/organizations/{orgId}/members`, o, { ...as, body: { email: `nobody@${slug}.example`, role: 'member' } });
    await expectCall(201, 'post', `${A}/organizations/{orgId}/members`, { ...t, orgId: workspace.id }, { ...as, body: { user_id: bob.id, role: 'member' } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/members`, o, as);
    await expectCall(409, 'patch', `${A}/organizations/{orgId}/members/{userId}`, { ...o, userId: alice.id }, { ...as, body: { role: 'member' } });
    await expectCall(200, 'patch', `${A}/organizations/{orgId}/members/{userId}`, { ...o, userId: bob.id }, { ...as, body: { roles: ['admin', 'billing'] } });
    await expectCall(200, 'get', `${A}/users/{userId}`, { ...t, userId: bob.id }, as);
    await expectCall(200, 'get', `${A}/users/{userId}/permissions`, { ...t, userId: bob.id }, { ...as, query: { organization: org.id } });
    await expectCall(200, 'post', `${A}/permissions/check`, t, { ...as, body: { user_id: bob.id, organization_id: org.id, permission: 'invoices:read' } });
    await expectCall(409, 'delete', `${A}/organizations/{orgId}/roles/{key}`, { ...o, key: 'billing' }, as);

    // Invitations: organization level, accepted through the API; tenant level
    const invitation = (await expectCall(201, 'post', `${A}/organizations/{orgId}/invitations`, o, { ...as, body: { email: `carol@${slug}.example`, role: 'member', metadata: { source: 'test' } } })).body;
    await expectCall(409, 'post', `${A}/organizations/{orgId}/invitations`, o, { ...as, body: { email: `carol@${slug}.example`, role: 'member' } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/invitations`, o, { ...as, query: { status: 'pending' } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/invitations/{id}`, { ...o, id: invitation.id }, as);
    const resent = (await expectCall(200, 'post', `${A}/organizations/{orgId}/invitations/{id}/resend`, { ...o, id: invitation.id }, { ...as, body: { send_email: false } })).body;
    const token = new URL(resent.invite_url).searchParams.get('token')!;
    await expectCall(200, 'post', '/t/{tenant}/api/v1/invitations/accept', t, { key: null, body: { token, name: 'Carol', password: GOOD_PASSWORD } });
    await expectCall(410, 'post', '/t/{tenant}/api/v1/invitations/accept', t, { key: null, body: { token, password: GOOD_PASSWORD } });
    const dave = (await expectCall(201, 'post', `${A}/organizations/{orgId}/invitations`, o, { ...as, body: { email: `dave@${slug}.example`, roles: ['member'] } })).body;
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/invitations/{id}`, { ...o, id: dave.id }, as);
    const admins = (await expectCall(200, 'get', `${A}/invitations`, t, as)).body;
    const bootstrap = admins.data[0].id as string;
    await expectCall(201, 'post', `${A}/invitations`, t, { ...as, body: { email: `second-admin@${slug}.example`, send_email: false } });
    await expectCall(200, 'get', `${A}/invitations/{id}`, { ...t, id: bootstrap }, as);
    await expectCall(200, 'post', `${A}/invitations/{id}/resend`, { ...t, id: bootstrap }, as);
    await expectCall(204, 'delete', `${A}/invitations/{id}`, { ...t, id: bootstrap }, as);
    await expectCall(200, 'get', `${A}/outbox`, t, as);

    // Domains: the test DNS server answers NXDOMAIN, so checks fail and the domain stays pending
    const domain = (await expectCall(201, 'post', `${A}/organizations/{orgId}/domains`, o, { ...as, body: { domain: `${slug}.example` } })).body;
    await expectCall(400, 'post', `${A}/organizations/{orgId}/domains`, o, { ...as, body: { domain: 'gmail.com' } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/domains`, o, as);
    const verification = (await expectCall(200, 'post', `${A}/organizations/{orgId}/domains/{domainId}/verify`, { ...o, domainId: domain.id }, { ...as, body: { method: 'dns_txt' } })).body;
    expect(verification.status).toBe('pending');

    // SSO connections
    const idp = newIdpKey();
    const connection = (await expectCall(201, 'post', `${A}/connections`, t, { ...as, body: { type: 'saml', name: 'Okta', idp_entity_id: IDP_ENTITY_ID, idp_sso_url: IDP_SSO_URL, idp_certificates: [idp.certificatePem], jit: { enabled: true, default_role: 'member' }, role_mappings: { default_role: 'member', mappings: [{ group: 'Admins', role: 'admin' }] } } })).body;
    const c = { ...t, connectionId: connection.id as string };
    await expectCall(200, 'get', `${A}/connections`, t, as);
    await expectCall(200, 'get', `${A}/connections/{connectionId}`, c, as);
    await expectCall(200, 'patch', `${A}/connections/{connectionId}`, c, { ...as, body: { name: 'Okta (prod)', signed: 'either', attribute_mapping: { groups: 'groups' } } });
    await expectCall(201, 'post', `${A}/organizations/{orgId}/connections`, o, { ...as, body: { connection_id: connection.id } });
    await expectCall(200, 'get', `${A}/organizations/{orgId}/connections`, o, as);

    // Login routing (public): the domain is not verified, so no SSO
    await expectCall(200, 'get', '/t/{tenant}/login/route', t, { key: null, query: { email: `alice@${slug}.example` } });
    await expectCall(400, 'get', '/t/{tenant}/login/route', t, { key: null, query: { email: 'not-an-email' } });

    // SCIM directories
    const directory = (await expectCall(201, 'post', `${A}/organizations/{orgId}/directories`, o, { ...as, body: { name: 'Okta SCIM', provider: 'okta' } })).body;
    const d = { ...o, dirId: directory.id as string };
    await expectCall(200, 'get', `${A}/organizations/{orgId}/directories`, o, as);
    await expectCall(200, 'get', `${A}/organizations/{orgId}/directories/{dirId}`, d, as);
    await expectCall(200, 'post', `${A}/organizations/{orgId}/directories/{dirId}/token`, d, as);
    await expectCall(200, 'get', `${A}/organizations/{orgId}/directories/{dirId}/role-mappings`, d, as);
    const mapping = { default_role: 'member', mappings: [{ group: 'Admins', role: 'admin' }] };
    await expectCall(200, 'post', `${A}/organizations/{orgId}/directories/{dirId}/role-mappings/preview`, d, { ...as, body: mapping });
    await expectCall(200, 'put', `${A}/organizations/{orgId}/directories/{dirId}/role-mappings`, d, { ...as, body: mapping });
    await expectCall(400, 'put', `${A}/organizations/{orgId}/directories/{dirId}/role-mappings`, d, { ...as, body: { default_role: 'member', mappings: [{ group: 'A', group_id: 'g', role: 'admin' }] } });

    // OIDC applications and signing keys
    const web = (await expectCall(201, 'post', `${A}/applications`, t, { ...as, body: { name: 'Dashboard', type: 'web', redirect_uris: ['https://app.example/callback'] } })).body;
    expect(web.client_secret).toEqual(expect.any(String));
    await expectCall(201, 'post', `${A}/applications`, t, { ...as, body: { name: 'SPA', type: 'spa', redirect_uris: ['http://localhost:5173/cb'] } });
    const p = { ...t, appId: web.id as string };
    await expectCall(200, 'get', `${A}/applications`, t, as);
    await expectCall(200, 'get', `${A}/applications/{appId}`, p, as);
    await expectCall(200, 'patch', `${A}/applications/{appId}`, p, { ...as, body: { post_logout_redirect_uris: ['https://app.example/'] } });
    await expectCall(200, 'post', `${A}/applications/{appId}/secret`, p, as);
    await expectCall(200, 'get', `${A}/signing-keys`, t, as);
    await expectCall(201, 'post', `${A}/signing-keys/rotate`, t, as);

    // Webhooks: a real receiver gets the test event
    const webhook = (await expectCall(201, 'post', `${A}/webhooks`, t, { ...as, body: { url: receiver.url, events: ['*'], description: 'all of it' } })).body;
    const w = { ...t, webhookId: webhook.id as string };
    await expectCall(400, 'post', `${A}/webhooks`, t, { ...as, body: { url: 'ftp://example.com/', events: ['*'] } });
    await expectCall(200, 'get', `${A}/webhooks`, t, as);
    await expectCall(200, 'get', `${A}/webhooks/{webhookId}`, w, as);
    await expectCall(200, 'patch', `${A}/webhooks/{webhookId}`, w, { ...as, body: { events: ['membership.', 'webhook.test'] } });
    await expectCall(200, 'post', `${A}/webhooks/{webhookId}/rotate-secret`, w, as);
    const delivery = (await expectCall(202, 'post', `${A}/webhooks/{webhookId}/test`, w, as)).body;
    await receiver.waitFor(1);
    let deliveries: Response | undefined;
    for (let i = 0; i < 50; i++) {
      deliveries = await expectCall(200, 'get', `${A}/webhooks/{webhookId}/deliveries`, w, as);
      if (deliveries.body.data.some((x: { status: string; attempts: unknown[] }) => x.status === 'succeeded' && x.attempts.length)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(deliveries!.body.data.find((x: { id: string }) => x.id === delivery.id).status).toBe('succeeded');
    await expectCall(202, 'post', `${A}/webhooks/{webhookId}/deliveries/{deliveryId}/retry`, { ...w, deliveryId: delivery.id }, as);
    await expectCall(200, 'get', `${A}/webhooks/{webhookId}/deliveries`, w, { ...as, query: { status: 'pending' } });

    // Events
    const events = (await expectCall(200, 'get', `${A}/events`, t, { ...as, query: { type: 'organization.*' } })).body;
    expect(events.data.length).toBeGreaterThan(0);
    await expectCall(200, 'get', `${A}/events`, t, { ...as, query: { after: '0', limit: '200' } });
    await expectCall(400, 'get', `${A}/events`, t, { ...as, query: { type: 'Not A Type' } });

    // Who is signed in: nobody, then Alice after a SAML sign-in through the connection
    await expectCall(401, 'get', '/t/{tenant}/api/v1/me', t, { key: null });
    await expectCall(401, 'get', '/t/{tenant}/api/v1/me/organizations', t, { key: null });
    verifiedDomains.verify(org.id, `${slug}.example`);
    const signedIn = await signIn(app, { admin: new AdminClient(app, { id: tenant.id, slug }), key: idp, connection, org }, { email: alice.email });
    expect(signedIn.res.status).toBe(303);
    const cookie = sessionCookieOf(signedIn.res)!;
    const me = (await expectCall(200, 'get', '/t/{tenant}/api/v1/me', t, { key: null, cookie })).body;
    expect(me.user.id).toBe(alice.id);
    await expectCall(200, 'get', '/t/{tenant}/api/v1/me/organizations', t, { key: null, cookie });

    // Tear down, one resource of each kind
    await expectCall(204, 'delete', `${A}/webhooks/{webhookId}`, w, as);
    await expectCall(204, 'delete', `${A}/applications/{appId}`, p, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/directories/{dirId}`, d, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/connections/{connectionId}`, { ...o, connectionId: connection.id }, as);
    await expectCall(204, 'delete', `${A}/connections/{connectionId}`, c, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/domains/{domainId}`, { ...o, domainId: domain.id }, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/members/{userId}`, { ...o, userId: bob.id }, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}/roles/{key}`, { ...o, key: 'billing' }, as);
    await expectCall(204, 'delete', `${A}/users/{userId}`, { ...t, userId: bob.id }, as);
    await expectCall(409, 'delete', `${A}/roles/{key}`, { ...t, key: 'auditor' }, as);
    await expectCall(200, 'patch', `${A}/users/{userId}`, { ...t, userId: alice.id }, { ...as, body: { tenant_roles: [] } });
    await expectCall(204, 'delete', `${A}/roles/{key}`, { ...t, key: 'auditor' }, as);
    await expectCall(204, 'delete', `${A}/organizations/{orgId}`, o, as);
    await expectCall(404, 'delete', `${A}/organizations/{orgId}`, o, as);
    await expectCall(204, 'delete', `${A}/api-keys/{keyId}`, { ...t, keyId: created.id }, as);
    await expectCall(401, 'get', `${A}/settings`, t, as);
    await expectCall(204, 'delete', '/api/v1/tenants/{tenant}', t);
    await expectCall(404, 'get', '/api/v1/tenants/{tenant}', t);

    // Operations
    await expectCall(200, 'get', '/healthz', {}, { key: null });
    await expectCall(200, 'get', '/readyz', {}, { key: null });
    await expectCall(200, 'get', '/openapi.json', {}, { key: null });
  });

  it('the flow above called every documented operation', () => {
    const all = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => (op as OperationObject).operationId));
    expect(all.filter((id) => !called.has(id))).toEqual([]);
  });
});
