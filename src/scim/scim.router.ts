import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { JSON_BODY_LIMIT } from '../http/body-limit';
import { bearerToken } from '../http/auth.middleware';
import { NotFoundError, UnauthorizedError } from '../shared/errors';
import type { TenantsService } from '../tenants/tenants.service';
import type { Dialect } from './filter/filter-to-sql';
import type { DirectoriesService } from './directories.service';
import { listResponse, resourceTypes, schemas, serviceProviderConfig } from './discovery';
import type { ScimGroupsService, GroupView } from './groups.service';
import { SCIM_CONTENT_TYPE, scimErrorHandler } from './scim-errors';
import { etagOf, isExcluded, isNotModified, parseListParams, parseProjection, project, type DirectoryContext, type Projection } from './scim-request';
import { SCHEMA } from './scimmy';
import type { ScimUsersService } from './users.service';

declare module 'express-serve-static-core' {
  interface Request {
    directory?: DirectoryContext;
  }
}

export interface ScimRouterDeps {
  rateLimit: RequestHandler;
  publicUrl: string;
  dialect: Dialect;
  tenants: TenantsService;
  directories: DirectoriesService;
  users: ScimUsersService;
  groups: ScimGroupsService;
}

/**
 * `/t/:tenant/scim/v2/:dirId` — a directory's SCIM 2.0 service, authenticated by its own token:
 * rate limit, authentication, routes and SCIM's error shape, mounted together on that path.
 * A list rather than one Router with `mergeParams`: merging the mount's params into each of its
 * layers cost every request more than the rest of its routing (docs/benchmarks.md).
 */
export function scimService(deps: ScimRouterDeps): Array<RequestHandler | ErrorRequestHandler | Router> {
  // The rate limit comes first so that scimmy-free 429s come in SCIM's error shape too.
  return [deps.rateLimit, authenticate(deps), scimRoutes(deps), scimErrorHandler];
}

function authenticate(deps: ScimRouterDeps): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    const directory = token ? await deps.directories.authenticate(String(req.params.dirId), token) : null;
    const tenant = directory ? await deps.tenants.findCached(String(req.params.tenant)) : null;
    if (!directory || !tenant || tenant.id !== directory.tenant_id) throw new UnauthorizedError('a valid bearer token of this directory is required');
    req.directory = {
      id: directory.id,
      tenantId: directory.tenant_id,
      organizationId: directory.organization_id,
      baseUrl: `${deps.publicUrl}/t/${tenant.slug}/scim/v2/${directory.id}`,
    };
    next();
  };
}

function scimRoutes(deps: ScimRouterDeps): Router {
  const router = Router();
  // Only the routes that take a body parse one: every layer costs each request that passes it.
  const json = express.json({ limit: JSON_BODY_LIMIT, type: ['application/scim+json', 'application/json'] });

  const dir = (req: Request) => req.directory!;
  const ifMatch = (req: Request) => req.get('If-Match') ?? undefined;
  const id = (req: Request) => String(req.params.id);

  router.get('/Users', async (req, res) => {
    const result = await deps.users.list(dir(req), parseListParams('User', req.query, dir(req).id, deps.dialect));
    send(res, 200, {
      schemas: [SCHEMA.listResponse],
      totalResults: result.totalResults,
      startIndex: result.startIndex,
      itemsPerPage: result.resources.length,
      Resources: result.resources,
    });
  });
  router.post('/Users', json, async (req, res) => {
    const { resource, version } = await deps.users.create(dir(req), req.body);
    send(res, 201, project(resource, parseProjection(req.query), []), version, String((resource.meta as { location: string }).location));
  });
  router.get('/Users/:id', async (req, res) => {
    const { resource, version } = await deps.users.get(dir(req), id(req), parseProjection(req.query));
    if (isNotModified(req.get('If-None-Match'), version)) return sendNotModified(res, version);
    send(res, 200, resource, version);
  });
  router.put('/Users/:id', json, async (req, res) => {
    const { resource, version } = await deps.users.replace(dir(req), id(req), req.body, ifMatch(req));
    send(res, 200, project(resource, parseProjection(req.query), []), version);
  });
  router.patch('/Users/:id', json, async (req, res) => {
    const { resource, version } = await deps.users.patch(dir(req), id(req), req.body, ifMatch(req));
    send(res, 200, project(resource, parseProjection(req.query), []), version);
  });
  router.delete('/Users/:id', async (req, res) => {
    await deps.users.delete(dir(req), id(req), ifMatch(req));
    res.status(204).end();
  });

  router.get('/Groups', async (req, res) => {
    const params = parseListParams('Group', req.query, dir(req).id, deps.dialect);
    const result = await deps.groups.list(dir(req), params);
    res.status(200).type(SCIM_CONTENT_TYPE);
    res.write(`{"schemas":["${SCHEMA.listResponse}"],"totalResults":${result.totalResults},"startIndex":${result.startIndex},"itemsPerPage":${result.groups.length},"Resources":[`);
    for (const [i, group] of result.groups.entries()) {
      if (i) res.write(',');
      await writeGroup(res, deps.groups, dir(req), group, params.projection);
    }
    res.end(']}');
  });
  router.post('/Groups', json, async (req, res) => {
    const group = await deps.groups.create(dir(req), req.body);
    await sendGroup(res, 201, deps.groups, dir(req), group, parseProjection(req.query), true);
  });
  router.get('/Groups/:id', async (req, res) => {
    const group = await deps.groups.get(dir(req), id(req));
    if (isNotModified(req.get('If-None-Match'), group.row.version)) return sendNotModified(res, group.row.version);
    await sendGroup(res, 200, deps.groups, dir(req), group, parseProjection(req.query));
  });
  router.put('/Groups/:id', json, async (req, res) => {
    const group = await deps.groups.replace(dir(req), id(req), req.body, ifMatch(req));
    await sendGroup(res, 200, deps.groups, dir(req), group, parseProjection(req.query));
  });
  router.patch('/Groups/:id', json, async (req, res) => {
    const group = await deps.groups.patch(dir(req), id(req), req.body, ifMatch(req));
    await sendGroup(res, 200, deps.groups, dir(req), group, parseProjection(req.query));
  });
  router.delete('/Groups/:id', async (req, res) => {
    await deps.groups.delete(dir(req), id(req), ifMatch(req));
    res.status(204).end();
  });

  // Discovery after the resources: an IdP reads it once, and routes are matched in order.
  router.get('/ServiceProviderConfig', (req, res) => send(res, 200, serviceProviderConfig(dir(req).baseUrl)));
  router.get('/ResourceTypes', (req, res) => send(res, 200, listResponse(resourceTypes(dir(req).baseUrl))));
  router.get('/ResourceTypes/:name', (req, res) => send(res, 200, findOne(resourceTypes(dir(req).baseUrl), 'id', String(req.params.name), 'ResourceType')));
  router.get('/Schemas', (req, res) => send(res, 200, listResponse(schemas(dir(req).baseUrl))));
  router.get('/Schemas/:id', (req, res) => send(res, 200, findOne(schemas(dir(req).baseUrl), 'id', String(req.params.id), 'Schema')));
  router.use((req) => {
    throw new NotFoundError('SCIM endpoint', req.path);
  });
  return router;
}

/** Headers and body straight to Node's response: Express's `res.send` re-parses the type and checks freshness (measured: 8 % more lookups without it). */
function send(res: Response, status: number, body: unknown, version?: number, location?: string): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (version !== undefined) res.setHeader('ETag', etagOf(version));
  if (location) res.setHeader('Location', location);
  res.end(text);
}

function sendNotModified(res: Response, version: number): void {
  res.status(304).setHeader('ETag', etagOf(version));
  res.end();
}

function findOne<T extends Record<string, unknown>>(items: T[], key: string, value: string, what: string): T {
  const found = items.find((i) => String(i[key]).toLowerCase() === value.toLowerCase());
  if (!found) throw new NotFoundError(what, value);
  return found;
}

async function sendGroup(res: Response, status: number, groups: ScimGroupsService, dir: DirectoryContext, group: GroupView, projection: Projection, created = false) {
  res.status(status).type(SCIM_CONTENT_TYPE).setHeader('ETag', etagOf(group.row.version));
  if (created) res.setHeader('Location', String((group.resource.meta as { location: string }).location));
  await writeGroup(res, groups, dir, group, projection);
  res.end();
}

/** Writes one group; its members are streamed page by page unless excluded. */
async function writeGroup(res: Response, groups: ScimGroupsService, dir: DirectoryContext, group: GroupView, projection: Projection): Promise<void> {
  const body = JSON.stringify(project(group.resource, projection, [SCHEMA.group]));
  if (isExcluded(projection, 'members')) {
    res.write(body);
    return;
  }
  res.write(`${body.slice(0, -1)},"members":[`);
  let first = true;
  for await (const page of groups.members(dir, group.row.id)) {
    const chunk = page.map((m) => JSON.stringify(m)).join(',');
    res.write(first ? chunk : `,${chunk}`);
    first = false;
  }
  res.write(']}');
}
