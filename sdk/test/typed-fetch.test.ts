import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OrgbridgeError } from '../src';
import { createTypedClient } from '../src/typed-fetch';
// openapi-typescript's output for fixtures/mini-openapi.json (two paths shaped like the service's)
import type { paths } from './fixtures/mini-openapi';

/** A stand-in service that records what it was asked and answers what each test sets. */
let server: Server;
let baseUrl: string;
let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
let answer: { status: number; body?: unknown; raw?: string } = { status: 200, body: {} };

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.statusCode = answer.status;
      if (answer.raw !== undefined) res.end(answer.raw);
      else if (answer.body === undefined) res.end();
      else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer.body));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () => createTypedClient<paths>({ baseUrl, headers: { authorization: 'Bearer k' }, pathDefaults: { tenant: 'acme co' } });

describe('typed fetch', () => {
  it('fills the tenant and path parameters, sends the query and answers the typed body', async () => {
    answer = { status: 200, body: { data: [{ id: 'org_1', name: 'A' }], next_cursor: null } };
    const page = await client().GET('/t/{tenant}/api/v1/admin/organizations', { query: { search: 'a b' } });
    const first: { id: string; name: string } | undefined = page.data[0];
    assert.equal(first?.id, 'org_1');
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/t/acme%20co/api/v1/admin/organizations?search=a+b');
    assert.equal(seen.headers?.authorization, 'Bearer k');
  });

  it('sends a JSON body and answers undefined for 204', async () => {
    answer = { status: 201, body: { id: 'org_2', name: 'B' } };
    const org = await client().POST('/t/{tenant}/api/v1/admin/organizations', { body: { name: 'B' } });
    assert.equal(org.name, 'B');
    assert.equal(seen.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen.body!), { name: 'B' });

    answer = { status: 204 };
    const gone: undefined = await client().DELETE('/t/{tenant}/api/v1/admin/organizations/{orgId}', { path: { orgId: 'org/2' } });
    assert.equal(gone, undefined);
    assert.equal(seen.url, '/t/acme%20co/api/v1/admin/organizations/org%2F2');
  });

  it('throws OrgbridgeError with the status, code, message and details of the error body', async () => {
    answer = { status: 400, body: { error: { code: 'invalid_request', message: 'bad slug', details: [{ path: 'slug', message: 'too long' }] } } };
    const err = await client()
      .POST('/t/{tenant}/api/v1/admin/organizations', { body: { name: 'x' } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof OrgbridgeError);
    assert.deepEqual({ status: err.status, code: err.code, message: err.message, details: err.details }, { status: 400, code: 'invalid_request', message: 'bad slug', details: [{ path: 'slug', message: 'too long' }] });

    answer = { status: 502, raw: '<html>bad gateway</html>' };
    const proxy = await client().GET('/t/{tenant}/api/v1/admin/organizations').catch((e: unknown) => e);
    assert.ok(proxy instanceof OrgbridgeError);
    assert.equal(proxy.status, 502);
    assert.equal(proxy.code, 'internal');
  });

  it('reports an unreachable service as network_error', async () => {
    const dead = createTypedClient<paths>({ baseUrl: 'http://127.0.0.1:9', pathDefaults: { tenant: 't' } });
    const err = await dead.GET('/t/{tenant}/api/v1/admin/organizations').catch((e: unknown) => e);
    assert.ok(err instanceof OrgbridgeError);
    assert.equal(err.code, 'network_error');
    assert.equal(err.status, 0);
  });

  it('is typed by the document (compile-time checks)', () => {
    const typed = client();
    const checks = () => {
      // @ts-expect-error the path has no GET
      void typed.GET('/t/{tenant}/api/v1/admin/organizations/{orgId}', { path: { orgId: 'x' } });
      // @ts-expect-error orgId is required
      void typed.DELETE('/t/{tenant}/api/v1/admin/organizations/{orgId}');
      // @ts-expect-error the body is required
      void typed.POST('/t/{tenant}/api/v1/admin/organizations');
      // @ts-expect-error name must be a string
      void typed.POST('/t/{tenant}/api/v1/admin/organizations', { body: { name: 1 } });
      // @ts-expect-error unknown query parameter
      void typed.GET('/t/{tenant}/api/v1/admin/organizations', { query: { serch: 'x' } });
    };
    assert.equal(typeof checks, 'function');
  });
});
