import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { ROOT_KEY, type TestApp } from './test-app';

export const uniqueSlug = (prefix = 't') => `${prefix}-${randomBytes(5).toString('hex')}`;

/** Asserts the contract's error body: status, `error.code`, and a message. */
export function expectError(res: Pick<Response, 'status' | 'body'>, status: number, code: string): void {
  if (res.status !== status || res.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  expect(typeof res.body.error.message).toBe('string');
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An admin API client for one tenant, authenticated with `key` (the root key by default). */
export class AdminClient {
  constructor(
    readonly app: TestApp,
    readonly tenant: { id: string; slug: string },
    readonly key = ROOT_KEY,
  ) {}

  get base(): string {
    return `/t/${this.tenant.slug}/api/v1/admin`;
  }

  request(method: Method, path: string, body?: unknown) {
    const req = this.app.http[method](`${this.base}${path}`).set('Authorization', `Bearer ${this.key}`);
    return body === undefined ? req : req.send(body as object);
  }
  get = (path: string) => this.request('get', path);
  post = (path: string, body?: unknown) => this.request('post', path, body ?? {});
  put = (path: string, body: unknown) => this.request('put', path, body);
  patch = (path: string, body: unknown) => this.request('patch', path, body);
  del = (path: string) => this.request('delete', path);

  withKey(key: string): AdminClient {
    return new AdminClient(this.app, this.tenant, key);
  }

  async createOrg(body: Record<string, unknown> = {}): Promise<{ id: string; slug: string; [k: string]: unknown }> {
    const res = await this.post('/organizations', { name: 'Org', ...body, slug: body.slug ?? uniqueSlug('org') });
    expect(res.status).toBe(201);
    return res.body;
  }

  async createUser(email = `${uniqueSlug('u')}@example.com`, extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
    const res = await this.post('/users', { email, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  async addMember(orgId: string, userId: string, role = 'member') {
    const res = await this.post(`/organizations/${orgId}/members`, { user_id: userId, role });
    expect(res.status).toBe(201);
    return res.body;
  }

  async events(query = ''): Promise<Array<{ seq: number; type: string; [k: string]: unknown }>> {
    const res = await this.get(`/events${query}`);
    expect(res.status).toBe(200);
    return res.body.data;
  }
}

/** Creates a tenant through the root API; every test file works in its own tenant. */
export async function createTenant(app: TestApp, slug = uniqueSlug('tenant'), name = `Tenant ${slug}`): Promise<AdminClient> {
  const res = await app.http.post('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`).send({ slug, name });
  expect(res.status).toBe(201);
  return new AdminClient(app, res.body);
}
