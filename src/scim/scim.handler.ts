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
import { SCIM_CONTENT_TYPE, send, sendError, sendMethodNotAllowed, sendNotImplemented, sendNoContent, sendNotModified } from './scim-response';
import { etagOf, isExcluded, requestsSubAttribute, isNotModified, parseListParams, parseProjection, project, searchRequestQuery, shapeOfValues, typesSearched, type DirectoryContext, type Projection } from './scim-request';
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

/** The discovery endpoints, which only GET (and HEAD) may read: any other method is 405 (RFC 7644 §4). */
const READ_ONLY_ENDPOINTS = new Set(['serviceproviderconfig', 'resourcetypes', 'schemas']);

/**
 * Endpoints RFC 7644 defines that we do not serve, answered 501 (§3.11: /Me "SHOULD" be 501
 * when unsupported; /Bulk matches `bulk.supported: false` in /ServiceProviderConfig).
 */
const NOT_IMPLEMENTED = new Map([
  ['me', '/Me is not supported: a directory token does not stand for a user'],
  ['bulk', 'bulk operations are not supported (see /ServiceProviderConfig)'],
]);

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
    const search = id.toLowerCase() === '.search';
    const route = beyond.length ? undefined : routes.get(`${method} ${resource.toLowerCase()}${search ? '/.search' : id ? '/:id' : ''}`);
    const call = new ScimCall(req, decoded(id), q < 0 ? '' : url.slice(q + 1));

    const serve = async () => {
      call.directory = await deps.rateLimit(req, res, () => authenticate(deps, decoded(tenant), decoded(dirId), bearerToken(req)));
      if (!route) {
        if (method !== 'GET' && !beyond.length && READ_ONLY_ENDPOINTS.has(resource.toLowerCase())) return sendMethodNotAllowed(res, 'GET');
        const unsupported = NOT_IMPLEMENTED.get(resource.toLowerCase());
        if (unsupported) return sendNotImplemented(res, unsupported);
        throw new NotFoundError('SCIM endpoint', rest || '/');
      }
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

  const listUsers = async (call: ScimCall, res: ServerResponse, query: Record<string, unknown>) => {
    const result = await users.list(call.directory, parseListParams('User', query, call.directory.id, deps.dialect));
    send(res, 200, {
      schemas: [SCHEMA.listResponse],
      totalResults: result.totalResults,
      startIndex: result.startIndex,
      itemsPerPage: result.resources.length,
      Resources: result.resources,
    });
  };

  const listGroups = async (call: ScimCall, res: ServerResponse, query: Record<string, unknown>) => {
    const params = parseListParams('Group', query, call.directory.id, deps.dialect);
    const result = await groups.list(call.directory, params);
    await writeList(res, groups, call.directory, { ...result, users: [] }, params.projection);
  };

  /**
   * `POST /.search`: Users, then Groups, each in the order asked for, paged as one list whose
   * totalResults counts both. A type lacking an attribute of the filter contributes nothing.
   */
  const searchRoot = async (call: ScimCall, res: ServerResponse, query: Record<string, unknown>) => {
    const types = typesSearched(query.filter as string | undefined);
    const params = (type: 'User' | 'Group') => (types.includes(type) ? parseListParams(type, query, call.directory.id, deps.dialect) : null);
    const userParams = params('User');
    const groupParams = params('Group');
    const { startIndex, count, projection } = (userParams ?? groupParams)!;
    const userPage = userParams ? await users.list(call.directory, userParams) : { totalResults: 0, resources: [] };
    const groupPage = groupParams
      ? await groups.list(call.directory, { ...groupParams, startIndex: Math.max(1, startIndex - userPage.totalResults), count: count - userPage.resources.length })
      : { totalResults: 0, groups: [] };
    await writeList(res, groups, call.directory, { totalResults: userPage.totalResults + groupPage.totalResults, startIndex, users: userPage.resources, groups: groupPage.groups }, projection);
  };
  return new Map<string, Route>([
    ['GET users', { handle: (call, res) => listUsers(call, res, call.query) }],
    ['POST users/.search', { body: true, handle: (call, res) => listUsers(call, res, searchRequestQuery(call.body)) }],
    [
      'POST users',
      {
        body: true,
        async handle(call, res) {
          const { resource, version } = await users.create(call.directory, call.body);
          send(res, 201, project(resource, parseProjection(call.query)), version, String((resource.meta as { location: string }).location));
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
          send(res, 200, project(resource, parseProjection(call.query)), version);
        },
      },
    ],
    [
      'PATCH users/:id',
      {
        body: true,
        async handle(call, res) {
          const { resource, version } = await users.patch(call.directory, call.id, call.body, ifMatch(call));
          send(res, 200, project(resource, parseProjection(call.query)), version);
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
    ['GET groups', { handle: (call, res) => listGroups(call, res, call.query) }],
    ['POST groups/.search', { body: true, handle: (call, res) => listGroups(call, res, searchRequestQuery(call.body)) }],
    ['POST .search', { body: true, handle: (call, res) => searchRoot(call, res, searchRequestQuery(call.body)) }],
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

/** A ListResponse of users (already rendered) and then groups, whose members are streamed. */
async function writeList(
  res: ServerResponse,
  groups: ScimGroupsService,
  dir: DirectoryContext,
  page: { totalResults: number; startIndex: number; users: unknown[]; groups: GroupView[] },
  projection: Projection,
): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  const items = page.users.length + page.groups.length;
  res.write(`{"schemas":["${SCHEMA.listResponse}"],"totalResults":${page.totalResults},"startIndex":${page.startIndex},"itemsPerPage":${items},"Resources":[`);
  res.write(page.users.map((u) => JSON.stringify(u)).join(','));
  for (const [i, group] of page.groups.entries()) {
    if (i || page.users.length) res.write(',');
    await writeGroup(res, groups, dir, group, projection);
  }
  res.end(']}');
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

/** A member without its `returned: "request"` sub-attributes, except those requested. */
function onRequest(member: Record<string, string>, requested: string[]): Record<string, string> {
  const { display, type, ...rest } = member;
  return { ...rest, ...(requested.includes('display') && display !== undefined ? { display } : {}), ...(requested.includes('type') && type !== undefined ? { type } : {}) };
}

/** Writes one group; its members are streamed page by page unless excluded. */
async function writeGroup(res: ServerResponse, groups: ScimGroupsService, dir: DirectoryContext, group: GroupView, projection: Projection): Promise<void> {
  const body = JSON.stringify(project(group.resource, projection));
  if (isExcluded(projection, 'members')) {
    res.write(body);
    return;
  }
  // An empty `members` is left out (RFC 7643 §2.5: unassigned and empty are the same state), so the first page is read first.
  const pages = groups.members(dir, group.row.id)[Symbol.asyncIterator]();
  let next = await pages.next();
  if (next.done || !next.value.length) {
    res.write(body);
    return;
  }
  res.write(`${body.slice(0, -1)},"members":[`);
  let first = true;
  const shape = shapeOfValues(projection, 'members');
  // members' display and type are returned on request (discovery.ts): only `attributes=members.display` / `members.type` bring them.
  const requested = ['display', 'type'].filter((sub) => requestsSubAttribute(projection, 'members', sub));
  for (; !next.done; next = await pages.next()) {
    const page = requested.length === 2 ? next.value : next.value.map((member) => onRequest(member, requested));
    const chunk = (shape ? page.map(shape).filter((m) => m !== undefined) : page).map((m) => JSON.stringify(m)).join(',');
    res.write(first ? chunk : `,${chunk}`);
    first = false;
  }
  res.write(']}');
}
