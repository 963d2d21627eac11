import { z } from 'zod';
import packageJson from '../../package.json';
import { SESSION_COOKIE } from '../sessions/session-cookie';
import { operations, pageQuerySchema, type Caller, type Operation, type OperationsOptions } from './operations';
import { responseSchemas, type SchemaMeta } from './registry';
import { ErrorBody } from './schemas/common';

export interface OpenApiOptions extends OperationsOptions {
  /** PUBLIC_URL: the document's server. */
  publicUrl: string;
}

type JsonSchema = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

const COMPONENT_REF = (id: string) => `#/components/schemas/${id}`;

const DESCRIPTION = `The admin API of orgbridge: tenants, organizations, members and roles, invitations, domains, SAML connections, SCIM directories, OIDC applications, webhooks and events.

Conventions: JSON in and out with \`snake_case\` fields; ids are prefixed ULIDs (\`org_…\`, \`usr_…\`); where a path takes \`{tenant}\` or \`{orgId}\` the slug is accepted as well as the id; timestamps are RFC 3339 UTC. Lists take \`?limit=\` (1–200, default 50) and \`?cursor=\` and answer \`{"data": [...], "next_cursor": ... | null}\`. Every error has the body \`Error\`; unknown fields in a body are a 400.

Not described here, because their own standards describe them:
- SCIM 2.0 (RFC 7643/7644) at each directory's \`scim_base_url\` (\`/t/{tenant}/scim/v2/{dirId}\`): Users, Groups, ServiceProviderConfig, ResourceTypes, Schemas; the directory's bearer token.
- OpenID Connect at the tenant's issuer \`/t/{tenant}/oidc\` (discovery at \`/t/{tenant}/oidc/.well-known/openid-configuration\`).
- SAML 2.0 sign-in: \`/t/{tenant}/sso/saml/{connectionId}/metadata\`, \`/start\` and \`/acs\`.
- The hosted pages (sign-in, invitation acceptance, account, portal) under \`/t/{tenant}/\`.`;

const TAGS: Array<{ name: string; description?: string }> = [
  { name: 'Tenants', description: 'Root key only: the tenants of this installation.' },
  { name: 'API keys', description: "Tenant management keys, valid for that tenant's admin API only." },
  { name: 'Settings', description: 'Tenant defaults that organizations inherit.' },
  { name: 'Tenant roles' },
  { name: 'Organizations' },
  { name: 'Members' },
  { name: 'Roles', description: 'Organization roles; built-in: owner, admin, member, guest.' },
  { name: 'Users' },
  { name: 'Access', description: 'Permission look-ups, as tokens carry them.' },
  { name: 'Invitations' },
  { name: 'Mail' },
  { name: 'Domains' },
  { name: 'Connections', description: 'SAML connections (tenant-level) and their links to organizations.' },
  { name: 'Directories', description: 'SCIM directories; the SCIM protocol itself is RFC 7644.' },
  { name: 'Applications', description: "OIDC clients of the tenant's provider." },
  { name: 'Signing keys' },
  { name: 'Webhooks', description: 'Standard Webhooks deliveries of events.' },
  { name: 'Events' },
  { name: 'Sign-in', description: 'Public and signed-in endpoints of a tenant.' },
  { name: 'Operations' },
];

const PATH_PARAMETERS: Record<string, string> = {
  tenant: 'the tenant id (`ten_…`) or slug',
  orgId: 'the organization id (`org_…`) or slug',
  userId: 'the user id (`usr_…`)',
  keyId: 'the API key id',
  key: 'the role key',
  id: 'the invitation id (`inv_…`)',
  domainId: 'the domain id (`dom_…`)',
  dirId: 'the directory id (`dir_…`)',
  connectionId: 'the connection id (`con_…`)',
  appId: 'the application id (`app_…`)',
  webhookId: 'the webhook id',
  deliveryId: 'the delivery id',
};

const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'The request is invalid (`invalid_request`); `details` name the fields.' },
  401: { name: 'Unauthorized', description: 'Missing or invalid credentials (`unauthorized`).' },
  403: { name: 'Forbidden', description: 'Not allowed (`forbidden`), with the reason.' },
  404: { name: 'NotFound', description: 'No such resource, or a tenant the key does not belong to (`not_found`).' },
  409: { name: 'Conflict', description: 'The change conflicts with the current state (`conflict`), with the reason.' },
  410: { name: 'Gone', description: 'The token or link is used, expired or revoked (`gone`).' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than 1 MiB (`payload_too_large`).' },
  429: { name: 'RateLimited', description: 'Too many requests (`rate_limited`); see `Retry-After`.' },
  500: { name: 'Internal', description: 'An unexpected error (`internal`); never a stack trace.' },
  503: { name: 'Unavailable', description: 'Temporarily unavailable (`unavailable`); see `Retry-After`.' },
};

const SECURITY: Record<Caller, Array<Record<string, string[]>>> = {
  root: [{ rootKey: [] }],
  admin: [{ rootKey: [] }, { tenantApiKey: [] }],
  user: [{ accessToken: [] }, { sessionCookie: [] }],
  none: [],
};

/**
 * The JSON Schemas of a registry's named schemas, referring to each other under components.
 * `metadata`: where descriptions come from (answers: their registry; request bodies: zod's global
 * one, so a `.describe()` in a route's schema shows).
 */
function componentSchemas(registry: z.core.$ZodRegistry<SchemaMeta>, io: 'input' | 'output', metadata: z.core.$ZodRegistry<SchemaMeta>): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, metadata, uri: COMPONENT_REF, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as JsonSchema]));
}

function inlineSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _s, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

function refOf(schema: z.ZodType): { $ref: string } {
  const id = responseSchemas.get(schema)?.id;
  if (!id) throw new Error('an answer schema of the OpenAPI document has no component name (register it with response())');
  return { $ref: COMPONENT_REF(id) };
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponse = (status: number) => ({ $ref: `#/components/responses/${ERROR_RESPONSES[status]!.name}` });

function queryParameters(query: z.ZodObject) {
  return Object.entries(query.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: inlineSchema(field as z.ZodType),
  }));
}

function operationObject(op: Operation, requests: z.core.$ZodRegistry<SchemaMeta>) {
  const pathParams = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const parameters = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, description: PATH_PARAMETERS[name] ?? name, schema: { type: 'string' } })),
    ...(op.query ? queryParameters(op.query) : []),
    ...(op.paged ? queryParameters(pageQuerySchema) : []),
  ];
  const statuses = new Set<number>(op.errors ?? []);
  if (op.body || op.query || op.paged) statuses.add(400);
  if (op.caller !== 'none') statuses.add(401);
  if (pathParams.length) statuses.add(404);
  if (op.body) statuses.add(413);
  statuses.add(429);
  statuses.add(500);
  statuses.add(503); // the database is unavailable

  if (op.body) {
    const known = requests.get(op.body.schema)?.id;
    if (known === undefined) requests.add(op.body.schema, { id: op.body.name });
    else if (known !== op.body.name) throw new Error(`request schema registered as both ${known} and ${op.body.name}`);
  }
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.caller],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: !op.body.optional, content: json({ $ref: COMPONENT_REF(op.body.name) }) } }
      : {}),
    responses: {
      [op.ok.status]: { description: op.ok.description, ...(op.ok.schema ? { content: json(refOf(op.ok.schema)) } : {}) },
      ...Object.fromEntries([...statuses].sort((a, b) => a - b).map((s) => [s, errorResponse(s)])),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API: operations from ./operations.ts, request bodies from the
 * zod schemas the routes parse with, answers from ./schemas/ (checked against the DTOs at compile time).
 */
export function buildOpenApiDocument(opts: OpenApiOptions): OpenApiDocument {
  // Request bodies get names per document: the webhook URL rule is built for this deployment.
  const requests = z.registry<SchemaMeta>();
  const paths: OpenApiDocument['paths'] = {};
  for (const op of operations(opts)) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [op.method]: operationObject(op, requests) };
  }
  const answers = componentSchemas(responseSchemas, 'output', responseSchemas);
  const bodies = componentSchemas(requests, 'input', z.globalRegistry);
  const clash = Object.keys(bodies).find((name) => name in answers);
  if (clash) throw new Error(`component name ${clash} is both an answer and a request body`);
  return {
    openapi: '3.1.1',
    info: {
      title: 'orgbridge API',
      version: packageJson.version,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: opts.publicUrl, description: 'this installation (PUBLIC_URL)' }],
    tags: TAGS,
    paths,
    components: {
      schemas: { ...answers, ...bodies },
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description }) => [name, { description, content: json(refOf(ErrorBody)) }]),
      ),
      securitySchemes: {
        rootKey: { type: 'http', scheme: 'bearer', description: 'The root management key (`ADMIN_API_KEY`, `obr_…`): every tenant and `/api/v1`.' },
        tenantApiKey: { type: 'http', scheme: 'bearer', description: "A tenant management key (`obk_…`, `POST /t/{tenant}/api/v1/admin/api-keys`): that tenant's admin API only." },
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "An access token from the tenant's OpenID Connect provider." },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The hosted sign-in session.' },
      },
    },
  };
}
