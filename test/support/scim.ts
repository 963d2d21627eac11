import type { AdminClient } from './api';

export const SCIM = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
};

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A SCIM client for one directory, as an IdP would call it. */
export class ScimClient {
  constructor(
    private readonly admin: AdminClient,
    readonly directoryId: string,
    readonly token: string,
  ) {}

  get path(): string {
    return `/t/${this.admin.tenant.slug}/scim/v2/${this.directoryId}`;
  }

  request(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) {
    let req = this.admin.app.http[method](`${this.path}${path}`).set('Authorization', `Bearer ${this.token}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return body === undefined ? req : req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  }
  get = (path: string, headers?: Record<string, string>) => this.request('get', path, undefined, headers);
  post = (path: string, body: unknown) => this.request('post', path, body);
  put = (path: string, body: unknown, headers?: Record<string, string>) => this.request('put', path, body, headers);
  patch = (path: string, body: unknown, headers?: Record<string, string>) => this.request('patch', path, body, headers);
  del = (path: string, headers?: Record<string, string>) => this.request('delete', path, undefined, headers);

  withToken(token: string): ScimClient {
    return new ScimClient(this.admin, this.directoryId, token);
  }

  async createUser(userName: string, extra: Record<string, unknown> = {}): Promise<{ id: string; [k: string]: unknown }> {
    const res = await this.post('/Users', { schemas: [SCIM.user], userName, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...extra });
    if (res.status !== 201) throw new Error(`create user: ${res.status} ${res.text}`);
    return res.body;
  }

  async createGroup(displayName: string, members: string[] = []): Promise<{ id: string; [k: string]: unknown }> {
    const res = await this.post('/Groups', { schemas: [SCIM.group], displayName, members: members.map((value) => ({ value })) });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${res.text}`);
    return res.body;
  }

  patchOps(path: string, Operations: unknown[], headers?: Record<string, string>) {
    return this.patch(path, { schemas: [SCIM.patch], Operations }, headers);
  }
}

export async function createDirectory(admin: AdminClient, orgId: string, provider = 'generic'): Promise<ScimClient> {
  const res = await admin.post(`/organizations/${orgId}/directories`, { name: `Dir ${provider}`, provider });
  if (res.status !== 201) throw new Error(`create directory: ${res.status} ${res.text}`);
  return new ScimClient(admin, res.body.id, res.body.bearer_token);
}

/** Asserts an RFC 7644 error body. */
export function expectScimError(res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, scimType?: string): void {
  if (res.status !== status || res.body?.status !== String(status) || (scimType && res.body.scimType !== scimType)) {
    throw new Error(`expected SCIM ${status} ${scimType ?? ''}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body.schemas).toEqual([SCIM.error]);
}
