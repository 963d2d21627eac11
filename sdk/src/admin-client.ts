import type { components, paths } from './generated/openapi';
import { createTypedClient, type HttpMethod, type OperationOf, type PathsWith, type RequestOptions, type SuccessOf, type TypedClient } from './typed-fetch';

/** Every path of the service's OpenAPI document. */
export type OrgbridgePaths = paths;
/** The document's named schemas (`Schemas['Organization']`, `Schemas['Member']`, …). */
export type Schemas = components['schemas'];

/** The JSON answer of an operation (`Answer<'/t/{tenant}/api/v1/admin/organizations', 'post'>`). */
export type Answer<P extends PathsWith<paths, M>, M extends HttpMethod> = SuccessOf<OperationOf<paths, P, M>>;
/** The JSON body an operation takes. */
export type BodyOf<P extends PathsWith<paths, M>, M extends HttpMethod> = RequestOptions<OperationOf<paths, P, M>> extends { body?: infer B } ? B : never;
/** The query parameters an operation takes. */
export type QueryOf<P extends PathsWith<paths, M>, M extends HttpMethod> = RequestOptions<OperationOf<paths, P, M>> extends { query?: infer Q } ? Q : never;

const ADMIN = '/t/{tenant}/api/v1/admin';
const ORGS = `${ADMIN}/organizations` as const;
const ORG = `${ORGS}/{orgId}` as const;
const MEMBERS = `${ORG}/members` as const;
const MEMBER = `${MEMBERS}/{userId}` as const;
const INVITATIONS = `${ORG}/invitations` as const;
const INVITATION = `${INVITATIONS}/{id}` as const;
const USERS = `${ADMIN}/users` as const;
const USER = `${USERS}/{userId}` as const;

export type Organization = Answer<typeof ORG, 'get'>;
export type OrganizationCreate = BodyOf<typeof ORGS, 'post'>;
export type OrganizationPatch = BodyOf<typeof ORG, 'patch'>;
export type OrganizationQuery = QueryOf<typeof ORGS, 'get'>;
export type Member = Answer<typeof MEMBERS, 'get'>['data'][number];
export type MemberAdd = BodyOf<typeof MEMBERS, 'post'>;
export type MemberPatch = BodyOf<typeof MEMBER, 'patch'>;
export type Invitation = Answer<typeof INVITATION, 'get'>;
export type InvitationCreate = BodyOf<typeof INVITATIONS, 'post'>;
export type InvitationQuery = QueryOf<typeof INVITATIONS, 'get'>;
export type User = Answer<typeof USERS, 'get'>['data'][number];
export type UserDetail = Answer<typeof USER, 'get'>;
export type UserCreate = BodyOf<typeof USERS, 'post'>;
export type UserPatch = BodyOf<typeof USER, 'patch'>;

export interface AdminClientOptions {
  /** Where orgbridge runs, e.g. `https://orgbridge.example.com`. */
  baseUrl: string;
  /** The tenant's slug or id. */
  tenant: string;
  /** A tenant management key (`POST /t/{tenant}/api/v1/admin/api-keys`) or the root key. */
  apiKey: string;
  fetch?: typeof fetch;
}

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Every item of a list, page after page (`?cursor=`). */
async function* everyItem<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/**
 * The tenant's admin API, typed from the service's OpenAPI document. `api` reaches every
 * operation (`admin.api.GET('/t/{tenant}/api/v1/admin/events', {query: {type: 'membership.'}})`,
 * `tenant` filled in); the rest are short forms of the main flows. Failures throw OrgbridgeError.
 */
export function createAdminClient(options: AdminClientOptions) {
  if (!options.tenant) throw new TypeError('createAdminClient needs a tenant');
  const api: TypedClient<paths> = createTypedClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    pathDefaults: { tenant: options.tenant },
    fetch: options.fetch,
  });

  const organizations = {
    list: (query?: OrganizationQuery) => api.GET(ORGS, { query }),
    listAll: (query?: Omit<NonNullable<OrganizationQuery>, 'cursor'>) => everyItem((cursor) => api.GET(ORGS, { query: { ...query, cursor } })),
    create: (body: OrganizationCreate) => api.POST(ORGS, { body }),
    get: (orgId: string) => api.GET(ORG, { path: { orgId } }),
    update: (orgId: string, body: OrganizationPatch) => api.PATCH(ORG, { path: { orgId }, body }),
    delete: (orgId: string) => api.DELETE(ORG, { path: { orgId } }),
  };

  const members = {
    list: (orgId: string, query?: QueryOf<typeof MEMBERS, 'get'>) => api.GET(MEMBERS, { path: { orgId }, query }),
    listAll: (orgId: string) => everyItem((cursor) => api.GET(MEMBERS, { path: { orgId }, query: { cursor } })),
    add: (orgId: string, body: MemberAdd) => api.POST(MEMBERS, { path: { orgId }, body }),
    update: (orgId: string, userId: string, body: MemberPatch) => api.PATCH(MEMBER, { path: { orgId, userId }, body }),
    remove: (orgId: string, userId: string) => api.DELETE(MEMBER, { path: { orgId, userId } }),
  };

  const invitations = {
    list: (orgId: string, query?: InvitationQuery) => api.GET(INVITATIONS, { path: { orgId }, query }),
    create: (orgId: string, body: InvitationCreate) => api.POST(INVITATIONS, { path: { orgId }, body }),
    get: (orgId: string, id: string) => api.GET(INVITATION, { path: { orgId, id } }),
    resend: (orgId: string, id: string) => api.POST(`${INVITATION}/resend`, { path: { orgId, id } }),
    revoke: (orgId: string, id: string) => api.DELETE(INVITATION, { path: { orgId, id } }),
  };

  const users = {
    list: (query?: QueryOf<typeof USERS, 'get'>) => api.GET(USERS, { query }),
    create: (body: UserCreate) => api.POST(USERS, { body }),
    get: (userId: string) => api.GET(USER, { path: { userId } }),
    update: (userId: string, body: UserPatch) => api.PATCH(USER, { path: { userId }, body }),
    delete: (userId: string) => api.DELETE(USER, { path: { userId } }),
  };

  return { api, organizations, members, invitations, users };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
