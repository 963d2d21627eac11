import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import { bearerToken } from '../http/auth.middleware';
import { jsonBody } from '../http/json-body';
import { requestLogger } from '../http/request-logging';
import type { AuthenticatedLimit, NodeMiddleware } from '../http/rate-limit';
import { NotFoundError, UnauthorizedError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { TenantsService } from '../tenants/tenants.service';
import type { Dialect } from './filter/filter-to-sql';
import type { DirectoriesService } from './directories.service';
import { listResponse, resourceTypes, schemas, serviceProviderConfig } from './discovery';
import type { ScimGroupsService, GroupView } from './groups.service';
import { SCIM_CONTENT_TYPE, send, sendError, sendNoContent, sendNotModified } from './scim-response';
import { etagOf, isExcluded, isNotModified, parseListParams, parseProjection, project, type DirectoryContext, type Projection } from './scim-request';
import { SCHEMA } from './scimmy';
import type { ScimUsersService } from './users.service';

export interface ScimHandlerDeps {
  rateLimit: AuthenticatedLimit;
  logger: Logger;
  publicUrl: string;
  dialect: Dialect;
  tenants: TenantsService;
  directories: DirectoriesService;
  users: ScimUsersService;
  groups: ScimGroupsService;
}

/** One SCIM request: what the handlers read of it, parsed once. */
class ScimCall {
  directory!: DirectoryContext;
  body: unknown;
  private parsedQuery?: ParsedUrlQuery;

  constructor(
    readonly req: IncomingMessage,
    /** the resource's id (or a discovery document's name) from the path, decoded */
    readonly id: string,
    private readonly search: string,
  ) {}

  get query(): ParsedUrlQuery {
    return (this.parsedQuery ??= parseQuery(this.search));
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

interface Route {
  /** parse a JSON body first */
  body?: boolean;
  handle(call: ScimCall, res: ServerResponse): void | Promise<void>;
}

/** `/t/{tenant}/scim/v2/{dirId}` and what follows it; as in Express's routing, letter case and a trailing slash do not matter. */
const SCIM_PATH = /^\/t\/([^/]+)\/scim\/v2\/([^/]+)(\/.*?)?\/?$/i;

/**
 * A directory's SCIM 2.0 service, on Node's http rather than Express: IdPs call it at the highest
 * rates, and Express's own work was ~45 % of a lookup's CPU (docs/architecture.md gives the
 * figures). Returns false for any other path, which the caller hands to the Express app.
 *
 * Order per request: the directory's token under the rate limit (a caller is counted by its token
 * once that authenticates, else by its address), the route (its body parsed if it takes
 * one), every failure rendered in SCIM's error shape.
 */
export function scimHandler(deps: ScimHandlerDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const routes = scimRoutes(deps);
  const json = jsonBody(['application/scim+json', 'application/json']);

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const match = SCIM_PATH.exec(q < 0 ? url : url.slice(0, q));
    if (!match) return false;
    const [, tenant = '', dirId = '', rest = ''] = match;
    const [, resource = '', id = '', ...beyond] = rest.split('/');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = beyond.length ? undefined : routes.get(`${method} ${resource.toLowerCase()}${id ? '/:id' : ''}`);
    const call = new ScimCall(req, decoded(id), q < 0 ? '' : url.slice(q + 1));

    const serve = async () => {
      call.directory = await deps.rateLimit(req, res, () => authenticate(deps, decoded(tenant), decoded(dirId), bearerToken(req)));
      if (!route) throw new NotFoundError('SCIM endpoint', rest || '/');
      if (route.body) {
        await run(json, req, res);
        call.body = (req as { body?: unknown }).body;
      }
      await route.handle(call, res);
    };
    serve().catch((err: unknown) => sendError(res, err, () => requestLogger(deps.logger, req)));
    return true;
  };
}

/** A path segment, decoded; one with a malformed escape names nothing that exists. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function run(middleware: NodeMiddleware, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}

async function authenticate(deps: ScimHandlerDeps, tenantSlug: string, dirId: string, token: string | undefined): Promise<DirectoryContext> {
  const directory = token ? await deps.directories.authenticate(dirId, token) : null;
  const tenant = directory ? await deps.tenants.findCached(tenantSlug) : null;
  if (!directory || !tenant || tenant.id !== directory.tenant_id) throw new UnauthorizedError('a valid bearer token of this directory is required');
  return {
    id: directory.id,
    tenantId: directory.tenant_id,
    organizationId: directory.organization_id,
    baseUrl: `${deps.publicUrl}/t/${tenant.slug}/scim/v2/${directory.id}`,
  };
}

/** Routes by `METHOD resource[/:id]`, the resource in lower case. */
function scimRoutes(deps: ScimHandlerDeps): Map<string, Route> {
  const { users, groups } = deps;
  const ifMatch = (call: ScimCall) => call.header('if-match');
  return new Map<string, Route>([
    [
      'GET users',
      {
        async handle(call, res) {
          const result = await users.list(call.directory, parseListParams('User', call.query, call.directory.id, deps.dialect));
          send(res, 200, {
            schemas: [SCHEMA.listResponse],
            totalResults: result.totalResults,
            startIndex: result.startIndex,
            itemsPerPage: result.resources.length,
            Resources: result.resources,
          });
        },
      },
    ],
    [
      'POST users',
      {
        body: true,
        async handle(call, res) {
          const { resource, version } = await users.create(call.directory, call.body);
          send(res, 201, project(resource, parseProjection(call.query), []), version, String((resource.meta as { location: string }).location));
        },
      },
    ],
    [
      'GET users/:id',
      {
        async handle(call, res) {
          const { resource, version } = await users.get(call.directory, call.id, parseProjection(call.query));
          if (isNotModified(call.header('if-none-match'), version)) return sendNotModified(res, version);
          send(res, 200, resource, version);
        },
      },
    ],
    [
      'PUT users/:id',
      {
        body: true,
        async handle(call, res) {
          const { resource, version } = await users.replace(call.directory, call.id, call.body, ifMatch(call));
          send(res, 200, project(resource, parseProjection(call.query), []), version);
        },
      },
    ],
    [
      'PATCH users/:id',
      {
        body: true,
        async handle(call, res) {
          const { resource, version } = await users.patch(call.directory, call.id, call.body, ifMatch(call));
          send(res, 200, project(resource, parseProjection(call.query), []), version);
        },
      },
    ],
    [
      'DELETE users/:id',
      {
        async handle(call, res) {
          await users.delete(call.directory, call.id, ifMatch(call));
          sendNoContent(res);
        },
      },
    ],
    [
      'GET groups',
      {
        async handle(call, res) {
          const params = parseListParams('Group', call.query, call.directory.id, deps.dialect);
          const result = await groups.list(call.directory, params);
          res.statusCode = 200;
          res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
          res.write(`{"schemas":["${SCHEMA.listResponse}"],"totalResults":${result.totalResults},"startIndex":${result.startIndex},"itemsPerPage":${result.groups.length},"Resources":[`);
          for (const [i, group] of result.groups.entries()) {
            if (i) res.write(',');
            await writeGroup(res, groups, call.directory, group, params.projection);
          }
          res.end(']}');
        },
      },
    ],
    [
      'POST groups',
      {
        body: true,
        async handle(call, res) {
          const group = await groups.create(call.directory, call.body);
          await sendGroup(res, 201, groups, call.directory, group, parseProjection(call.query), true);
        },
      },
    ],
    [
      'GET groups/:id',
      {
        async handle(call, res) {
          const group = await groups.get(call.directory, call.id);
          if (isNotModified(call.header('if-none-match'), group.row.version)) return sendNotModified(res, group.row.version);
          await sendGroup(res, 200, groups, call.directory, group, parseProjection(call.query));
        },
      },
    ],
    [
      'PUT groups/:id',
      {
        body: true,
        async handle(call, res) {
          const group = await groups.replace(call.directory, call.id, call.body, ifMatch(call));
          await sendGroup(res, 200, groups, call.directory, group, parseProjection(call.query));
        },
      },
    ],
    [
      'PATCH groups/:id',
      {
        body: true,
        async handle(call, res) {
          const group = await groups.patch(call.directory, call.id, call.body, ifMatch(call));
          await sendGroup(res, 200, groups, call.directory, group, parseProjection(call.query));
        },
      },
    ],
    [
      'DELETE groups/:id',
      {
        async handle(call, res) {
          await groups.delete(call.directory, call.id, ifMatch(call));
          sendNoContent(res);
        },
      },
    ],
    ['GET serviceproviderconfig', { handle: (call, res) => send(res, 200, serviceProviderConfig(call.directory.baseUrl)) }],
    ['GET resourcetypes', { handle: (call, res) => send(res, 200, listResponse(resourceTypes(call.directory.baseUrl))) }],
    ['GET resourcetypes/:id', { handle: (call, res) => send(res, 200, findOne(resourceTypes(call.directory.baseUrl), call.id, 'ResourceType')) }],
    ['GET schemas', { handle: (call, res) => send(res, 200, listResponse(schemas(call.directory.baseUrl))) }],
    ['GET schemas/:id', { handle: (call, res) => send(res, 200, findOne(schemas(call.directory.baseUrl), call.id, 'Schema')) }],
  ]);
}

function findOne<T extends object>(items: T[], id: string, what: string): T {
  const found = items.find((i) => String((i as { id?: unknown }).id).toLowerCase() === id.toLowerCase());
  if (!found) throw new NotFoundError(what, id);
  return found;
}

async function sendGroup(res: ServerResponse, status: number, groups: ScimGroupsService, dir: DirectoryContext, group: GroupView, projection: Projection, created = false) {
  res.statusCode = status;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.setHeader('ETag', etagOf(group.row.version));
  if (created) res.setHeader('Location', String((group.resource.meta as { location: string }).location));
  await writeGroup(res, groups, dir, group, projection);
  res.end();
}

/** Writes one group; its members are streamed page by page unless excluded. */
async function writeGroup(res: ServerResponse, groups: ScimGroupsService, dir: DirectoryContext, group: GroupView, projection: Projection): Promise<void> {
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
