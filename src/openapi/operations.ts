import type { z } from 'zod';
import { checkSchema as permissionCheckSchema, lookupSchema as permissionLookupSchema } from '../access/access.routes';
import { createSchema as createTenantRoleSchema, patchSchema as patchTenantRoleSchema } from '../access/tenant-roles.routes';
import { createSchema as createApiKeySchema } from '../api-keys/api-keys.routes';
import type { AddressPolicy } from '../domains/verifiers/address-policy';
import { addSchema as addDomainSchema, verifySchema as verifyDomainSchema } from '../domains/domains.routes';
import { querySchema as eventsQuerySchema } from '../events/events.routes';
import { pageQuerySchema } from '../http/validate';
import {
  acceptSchema,
  createOrgInvitationSchema,
  createTenantInvitationSchema,
  listQuerySchema as invitationsQuerySchema,
  resendSchema,
} from '../invitations/invitations.dto';
import { querySchema as outboxQuerySchema } from '../mail/outbox.routes';
import { createSchema as createApplicationSchema, patchSchema as patchApplicationSchema } from '../oidc/applications.routes';
import { addSchema as addMemberSchema, patchSchema as patchMemberSchema } from '../orgs/members.routes';
import { searchSchema as orgSearchSchema } from '../orgs/orgs.routes';
import { createOrgSchema, patchOrgSchema, replaceOrgSchema } from '../orgs/orgs.schemas';
import { createRoleSchema, patchSchema as patchRoleSchema } from '../orgs/roles.routes';
import { querySchema as routeQuerySchema } from '../routing/routing.routes';
import { createSchema as createDirectorySchema, mappingSchema as roleMappingSchema } from '../scim/directories.routes';
import { createSchema as createConnectionSchema, linkSchema as linkConnectionSchema, patchSchema as patchConnectionSchema } from '../sso/connections.routes';
import { createSchema as createTenantSchema, settingsPatchSchema } from '../tenants/tenants.routes';
import { createSchema as createUserSchema, patchSchema as patchUserSchema, searchSchema as userSearchSchema } from '../users/users.routes';
import { statusSchema as deliveriesQuerySchema, webhookBodySchemas } from '../webhooks/webhooks.routes';
import { pageOf } from './registry';
import { Health, OpenApiDocument } from './schemas/common';
import { Directory, DirectoryWithToken, RoleMapping, RoleMappingPreview } from './schemas/directories';
import { Domain, DomainVerification, RouteAnswer } from './schemas/domains';
import { Event } from './schemas/events';
import { Invitation, InvitationAccepted, OutboxMail } from './schemas/invitations';
import { Application, ApplicationWithSecret, Me, MyOrganization, SigningKey } from './schemas/oidc';
import { Member, Organization, Role, TenantRole } from './schemas/orgs';
import { Connection } from './schemas/sso';
import { ApiKey, ApiKeyCreated, Tenant, TenantCreated, TenantSettings } from './schemas/tenants';
import { PermissionCheckResult, PermissionLookup, User, UserDetail } from './schemas/users';
import { Delivery, Webhook, WebhookWithSecret } from './schemas/webhooks';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `root` the root management key (ADMIN_API_KEY); `admin` the root key or one of
 * the tenant's API keys; `user` a signed-in user (session cookie or OIDC access token); `none` public.
 */
export type Caller = 'root' | 'admin' | 'user' | 'none';

export interface Operation {
  id: string;
  method: HttpMethod;
  /** Express-style, from the server root: `/t/:tenant/api/v1/admin/organizations/:orgId`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  caller: Caller;
  /** The zod schema the route parses its body with; `optional`: an empty body is accepted. */
  body?: { name: string; schema: z.ZodType; optional?: boolean };
  /** The zod schema the route parses its query with (one parameter per key). */
  query?: z.ZodObject;
  /** `?limit=&cursor=` */
  paged?: boolean;
  ok: { status: 200 | 201 | 202 | 204; schema?: z.ZodType; description: string };
  /** Statuses this operation answers besides the ones every operation of its kind may (400, 401, 404, 413, 429, 500, 503). */
  errors?: Array<403 | 409 | 410>;
}

export const ROOT = '/api/v1';
export const ADMIN = '/t/:tenant/api/v1/admin';
const TENANT_API = '/t/:tenant/api/v1';

const TenantPage = pageOf('TenantPage', Tenant);
const ApiKeyPage = pageOf('ApiKeyPage', ApiKey);
const OrganizationPage = pageOf('OrganizationPage', Organization);
const MemberPage = pageOf('MemberPage', Member);
const RolePage = pageOf('RolePage', Role);
const TenantRolePage = pageOf('TenantRolePage', TenantRole);
const UserPage = pageOf('UserPage', User);
const DomainPage = pageOf('DomainPage', Domain);
const EventPage = pageOf('EventPage', Event);
const DirectoryPage = pageOf('DirectoryPage', Directory);
const InvitationPage = pageOf('InvitationPage', Invitation);
const OutboxMailPage = pageOf('OutboxMailPage', OutboxMail);
const ConnectionPage = pageOf('ConnectionPage', Connection);
const ApplicationPage = pageOf('ApplicationPage', Application);
const SigningKeyPage = pageOf('SigningKeyPage', SigningKey);
const WebhookPage = pageOf('WebhookPage', Webhook);
const DeliveryPage = pageOf('DeliveryPage', Delivery);
const MyOrganizationPage = pageOf('MyOrganizationPage', MyOrganization);

const deleted = (what: string) => ({ status: 204 as const, description: `${what} deleted` });

export interface OperationsOptions {
  /** The same URL rule the webhook routes apply (https only in production; the address policy). */
  webhookUrls: { httpsOnly: boolean; policy: AddressPolicy };
}

/** Every JSON endpoint of the service, in the order of the document. */
export function operations(opts: OperationsOptions): Operation[] {
  const webhookBodies = webhookBodySchemas(opts.webhookUrls);
  const admin = (op: Omit<Operation, 'caller' | 'path'> & { path: string }): Operation => ({ ...op, caller: 'admin', path: `${ADMIN}${op.path}` });
  const root = (op: Omit<Operation, 'caller' | 'path'> & { path: string }): Operation => ({ ...op, caller: 'root', path: `${ROOT}${op.path}` });
  /** List, get, resend and revoke under `path`: the same for an organization's invitations and the tenant's own. */
  const invitationOperations = (path: string, names: Record<'list' | 'get' | 'resend' | 'revoke', { id: string; summary: string }>): Operation[] => [
    admin({
      ...names.list,
      method: 'get',
      path,
      tag: 'Invitations',
      query: invitationsQuerySchema,
      paged: true,
      ok: { status: 200, schema: InvitationPage, description: 'A page of invitations' },
    }),
    admin({
      ...names.get,
      method: 'get',
      path: `${path}/:id`,
      tag: 'Invitations',
      ok: { status: 200, schema: Invitation, description: 'The invitation' },
    }),
    admin({
      ...names.resend,
      method: 'post',
      path: `${path}/:id/resend`,
      tag: 'Invitations',
      body: { name: 'InvitationResend', schema: resendSchema, optional: true },
      ok: { status: 200, schema: Invitation, description: 'The invitation, with its new `invite_url`' },
      errors: [409, 410],
    }),
    admin({
      ...names.revoke,
      method: 'delete',
      path: `${path}/:id`,
      tag: 'Invitations',
      ok: { status: 204, description: 'Revoked' },
      errors: [409],
    }),
  ];

  return [
    // Tenants (root key)
    root({
      id: 'createTenant',
      method: 'post',
      path: '/tenants',
      tag: 'Tenants',
      summary: 'Create a tenant',
      description: 'With `admin_email`, its first administrator is invited (a tenant-level invitation).',
      body: { name: 'TenantCreate', schema: createTenantSchema },
      ok: { status: 201, schema: TenantCreated, description: 'The tenant' },
      errors: [409],
    }),
    root({
      id: 'listTenants',
      method: 'get',
      path: '/tenants',
      tag: 'Tenants',
      summary: 'List tenants',
      paged: true,
      ok: { status: 200, schema: TenantPage, description: 'A page of tenants' },
    }),
    root({
      id: 'getTenant',
      method: 'get',
      path: '/tenants/:tenant',
      tag: 'Tenants',
      summary: 'Get a tenant',
      ok: { status: 200, schema: Tenant, description: 'The tenant' },
    }),
    root({
      id: 'deleteTenant',
      method: 'delete',
      path: '/tenants/:tenant',
      tag: 'Tenants',
      summary: 'Delete a tenant and everything in it',
      ok: deleted('The tenant'),
    }),

    // Tenant management keys
    admin({
      id: 'createApiKey',
      method: 'post',
      path: '/api-keys',
      tag: 'API keys',
      summary: 'Create a tenant management key',
      body: { name: 'ApiKeyCreate', schema: createApiKeySchema },
      ok: { status: 201, schema: ApiKeyCreated, description: 'The key, shown once' },
    }),
    admin({
      id: 'listApiKeys',
      method: 'get',
      path: '/api-keys',
      tag: 'API keys',
      summary: 'List tenant management keys (without secrets)',
      paged: true,
      ok: { status: 200, schema: ApiKeyPage, description: 'A page of keys' },
    }),
    admin({
      id: 'revokeApiKey',
      method: 'delete',
      path: '/api-keys/:keyId',
      tag: 'API keys',
      summary: 'Revoke a key (it stops working within 5 seconds)',
      ok: { status: 204, description: 'Revoked' },
    }),

    // Tenant settings and roles
    admin({
      id: 'getTenantSettings',
      method: 'get',
      path: '/settings',
      tag: 'Settings',
      summary: "Get the tenant's defaults",
      ok: { status: 200, schema: TenantSettings, description: 'The settings' },
    }),
    admin({
      id: 'updateTenantSettings',
      method: 'patch',
      path: '/settings',
      tag: 'Settings',
      summary: "Change the tenant's defaults (merge; null = built-in default)",
      body: { name: 'TenantSettingsPatch', schema: settingsPatchSchema },
      ok: { status: 200, schema: TenantSettings, description: 'The settings' },
    }),
    admin({
      id: 'listTenantRoles',
      method: 'get',
      path: '/roles',
      tag: 'Tenant roles',
      summary: 'List tenant-level roles',
      ok: { status: 200, schema: TenantRolePage, description: 'All tenant roles (one page)' },
    }),
    admin({
      id: 'createTenantRole',
      method: 'post',
      path: '/roles',
      tag: 'Tenant roles',
      summary: 'Create a tenant-level role',
      body: { name: 'TenantRoleCreate', schema: createTenantRoleSchema },
      ok: { status: 201, schema: TenantRole, description: 'The role' },
      errors: [409],
    }),
    admin({
      id: 'getTenantRole',
      method: 'get',
      path: '/roles/:key',
      tag: 'Tenant roles',
      summary: 'Get a tenant-level role',
      ok: { status: 200, schema: TenantRole, description: 'The role' },
    }),
    admin({
      id: 'updateTenantRole',
      method: 'patch',
      path: '/roles/:key',
      tag: 'Tenant roles',
      summary: 'Change a tenant-level role',
      body: { name: 'TenantRolePatch', schema: patchTenantRoleSchema },
      ok: { status: 200, schema: TenantRole, description: 'The role' },
      errors: [409],
    }),
    admin({
      id: 'deleteTenantRole',
      method: 'delete',
      path: '/roles/:key',
      tag: 'Tenant roles',
      summary: 'Delete a tenant-level role (not a built-in one, nor one still held)',
      ok: deleted('The role'),
      errors: [409],
    }),

    // Organizations
    admin({
      id: 'listOrganizations',
      method: 'get',
      path: '/organizations',
      tag: 'Organizations',
      summary: 'List organizations',
      description: '`search` matches name and slug; `parent_id` lists the workspaces of an organization.',
      query: orgSearchSchema,
      paged: true,
      ok: { status: 200, schema: OrganizationPage, description: 'A page of organizations' },
    }),
    admin({
      id: 'createOrganization',
      method: 'post',
      path: '/organizations',
      tag: 'Organizations',
      summary: 'Create an organization',
      description: '`slug` is derived from `name` when absent; `parent_id` makes a workspace of that organization.',
      body: { name: 'OrganizationCreate', schema: createOrgSchema },
      ok: { status: 201, schema: Organization, description: 'The organization' },
      errors: [409],
    }),
    admin({
      id: 'getOrganization',
      method: 'get',
      path: '/organizations/:orgId',
      tag: 'Organizations',
      summary: 'Get an organization',
      ok: { status: 200, schema: Organization, description: 'The organization' },
    }),
    admin({
      id: 'replaceOrganization',
      method: 'put',
      path: '/organizations/:orgId',
      tag: 'Organizations',
      summary: 'Replace the mutable fields of an organization',
      description: 'A body shaped like the GET answer is accepted; its read-only fields are ignored.',
      body: { name: 'OrganizationReplace', schema: replaceOrgSchema },
      ok: { status: 200, schema: Organization, description: 'The organization' },
      errors: [409],
    }),
    admin({
      id: 'updateOrganization',
      method: 'patch',
      path: '/organizations/:orgId',
      tag: 'Organizations',
      summary: 'Change an organization (merge; null = inherit again)',
      body: { name: 'OrganizationPatch', schema: patchOrgSchema },
      ok: { status: 200, schema: Organization, description: 'The organization' },
      errors: [409],
    }),
    admin({
      id: 'deleteOrganization',
      method: 'delete',
      path: '/organizations/:orgId',
      tag: 'Organizations',
      summary: 'Delete an organization',
      description: 'Its memberships, invitations, domains, directories, connection links and workspaces go; users stay in the tenant.',
      ok: deleted('The organization'),
    }),

    // Members and roles
    admin({
      id: 'listMembers',
      method: 'get',
      path: '/organizations/:orgId/members',
      tag: 'Members',
      summary: 'List the members of an organization',
      paged: true,
      ok: { status: 200, schema: MemberPage, description: 'A page of members' },
    }),
    admin({
      id: 'addMember',
      method: 'post',
      path: '/organizations/:orgId/members',
      tag: 'Members',
      summary: 'Add an existing tenant user to an organization',
      description: 'Give `user_id` or `email`, and `role` or `roles`. Unknown people are invited instead.',
      body: { name: 'MemberAdd', schema: addMemberSchema },
      ok: { status: 201, schema: Member, description: 'The membership' },
      errors: [403, 409],
    }),
    admin({
      id: 'updateMember',
      method: 'patch',
      path: '/organizations/:orgId/members/:userId',
      tag: 'Members',
      summary: "Change a member's roles",
      description: 'Give `role` or `roles` (not both). 409 for a directory-managed membership or the last owner.',
      body: { name: 'MemberPatch', schema: patchMemberSchema },
      ok: { status: 200, schema: Member, description: 'The membership' },
      errors: [409],
    }),
    admin({
      id: 'removeMember',
      method: 'delete',
      path: '/organizations/:orgId/members/:userId',
      tag: 'Members',
      summary: 'Remove a member (the tenant user stays)',
      description: '409 for a directory-managed membership or the last owner.',
      ok: { status: 204, description: 'Removed' },
      errors: [409],
    }),
    admin({
      id: 'listRoles',
      method: 'get',
      path: '/organizations/:orgId/roles',
      tag: 'Roles',
      summary: "List an organization's roles",
      ok: { status: 200, schema: RolePage, description: 'All roles (one page)' },
    }),
    admin({
      id: 'createRole',
      method: 'post',
      path: '/organizations/:orgId/roles',
      tag: 'Roles',
      summary: 'Create a custom role (rank 150 unless given)',
      body: { name: 'RoleCreate', schema: createRoleSchema },
      ok: { status: 201, schema: Role, description: 'The role' },
      errors: [409],
    }),
    admin({
      id: 'updateRole',
      method: 'patch',
      path: '/organizations/:orgId/roles/:key',
      tag: 'Roles',
      summary: 'Change a role',
      body: { name: 'RolePatch', schema: patchRoleSchema },
      ok: { status: 200, schema: Role, description: 'The role' },
      errors: [409],
    }),
    admin({
      id: 'deleteRole',
      method: 'delete',
      path: '/organizations/:orgId/roles/:key',
      tag: 'Roles',
      summary: 'Delete a custom role not held by anyone',
      ok: deleted('The role'),
      errors: [409],
    }),

    // Users and access
    admin({
      id: 'listUsers',
      method: 'get',
      path: '/users',
      tag: 'Users',
      summary: 'List tenant users',
      description: '`search` matches email and name.',
      query: userSearchSchema,
      paged: true,
      ok: { status: 200, schema: UserPage, description: 'A page of users' },
    }),
    admin({
      id: 'createUser',
      method: 'post',
      path: '/users',
      tag: 'Users',
      summary: 'Create a tenant user',
      description: 'Give `tenant_role` or `tenant_roles`, not both.',
      body: { name: 'UserCreate', schema: createUserSchema },
      ok: { status: 201, schema: User, description: 'The user' },
      errors: [409],
    }),
    admin({
      id: 'getUser',
      method: 'get',
      path: '/users/:userId',
      tag: 'Users',
      summary: 'Get a user with their memberships and identities',
      ok: { status: 200, schema: UserDetail, description: 'The user' },
    }),
    admin({
      id: 'updateUser',
      method: 'patch',
      path: '/users/:userId',
      tag: 'Users',
      summary: 'Change a user (a blocked user gets no session and no token)',
      description: 'Give `tenant_role` or `tenant_roles`, not both; `null` metadata clears it.',
      body: { name: 'UserPatch', schema: patchUserSchema },
      ok: { status: 200, schema: User, description: 'The user' },
      errors: [409],
    }),
    admin({
      id: 'deleteUser',
      method: 'delete',
      path: '/users/:userId',
      tag: 'Users',
      summary: 'Delete a user and their memberships',
      ok: deleted('The user'),
      errors: [409],
    }),
    admin({
      id: 'getUserPermissions',
      method: 'get',
      path: '/users/:userId/permissions',
      tag: 'Access',
      summary: "A member's roles and permissions in an organization, as a token would carry them",
      query: permissionLookupSchema,
      ok: { status: 200, schema: PermissionLookup, description: 'Roles and permissions' },
    }),
    admin({
      id: 'checkPermission',
      method: 'post',
      path: '/permissions/check',
      tag: 'Access',
      summary: 'Does a member hold a permission in an organization?',
      body: { name: 'PermissionCheck', schema: permissionCheckSchema },
      ok: { status: 200, schema: PermissionCheckResult, description: 'The answer' },
    }),

    // Invitations (organization level, then tenant level)
    admin({
      id: 'createInvitation',
      method: 'post',
      path: '/organizations/:orgId/invitations',
      tag: 'Invitations',
      summary: 'Invite someone to an organization',
      description: 'Give `role` or `roles` (not both); `return_to` only with a `client_id`. 409 if the email is a member or has a pending invitation; 403 outside the verified domains of a restricting organization.',
      body: { name: 'InvitationCreate', schema: createOrgInvitationSchema },
      ok: { status: 201, schema: Invitation, description: 'The invitation, with its `invite_url`' },
      errors: [403, 409],
    }),
    ...invitationOperations('/organizations/:orgId/invitations', {
      list: { id: 'listInvitations', summary: "List an organization's invitations" },
      get: { id: 'getInvitation', summary: 'Get an invitation' },
      resend: { id: 'resendInvitation', summary: 'Resend an invitation: a new link and expiry (the old link stops working)' },
      revoke: { id: 'revokeInvitation', summary: 'Revoke an invitation' },
    }),
    admin({
      id: 'createTenantInvitation',
      method: 'post',
      path: '/invitations',
      tag: 'Invitations',
      summary: 'Invite a tenant administrator (organization_id null)',
      body: { name: 'TenantInvitationCreate', schema: createTenantInvitationSchema },
      ok: { status: 201, schema: Invitation, description: 'The invitation, with its `invite_url`' },
      errors: [409],
    }),
    ...invitationOperations('/invitations', {
      list: { id: 'listTenantInvitations', summary: 'List tenant-level invitations' },
      get: { id: 'getTenantInvitation', summary: 'Get a tenant-level invitation' },
      resend: { id: 'resendTenantInvitation', summary: 'Resend a tenant-level invitation' },
      revoke: { id: 'revokeTenantInvitation', summary: 'Revoke a tenant-level invitation' },
    }),
    admin({
      id: 'listOutbox',
      method: 'get',
      path: '/outbox',
      tag: 'Mail',
      summary: 'List the mail the service sent or keeps (without SMTP, invitation links are here)',
      query: outboxQuerySchema,
      paged: true,
      ok: { status: 200, schema: OutboxMailPage, description: 'A page of mails, newest first' },
    }),

    // Domains
    admin({
      id: 'addDomain',
      method: 'post',
      path: '/organizations/:orgId/domains',
      tag: 'Domains',
      summary: 'Add a domain to verify',
      description: 'Normalised (lower case, punycode); public suffixes and consumer mail domains → 400; verified by another organization → 409.',
      body: { name: 'DomainAdd', schema: addDomainSchema },
      ok: { status: 201, schema: Domain, description: 'The domain and its verification instructions' },
      errors: [409],
    }),
    admin({
      id: 'listDomains',
      method: 'get',
      path: '/organizations/:orgId/domains',
      tag: 'Domains',
      summary: "List an organization's domains",
      paged: true,
      ok: { status: 200, schema: DomainPage, description: 'A page of domains' },
    }),
    admin({
      id: 'verifyDomain',
      method: 'post',
      path: '/organizations/:orgId/domains/:domainId/verify',
      tag: 'Domains',
      summary: 'Check a domain now (one method, or all three)',
      body: { name: 'DomainVerify', schema: verifyDomainSchema, optional: true },
      ok: { status: 200, schema: DomainVerification, description: 'The checks and the resulting status' },
      errors: [409],
    }),
    admin({
      id: 'deleteDomain',
      method: 'delete',
      path: '/organizations/:orgId/domains/:domainId',
      tag: 'Domains',
      summary: 'Remove a domain',
      ok: deleted('The domain'),
    }),

    // SSO connections
    admin({
      id: 'createConnection',
      method: 'post',
      path: '/connections',
      tag: 'Connections',
      summary: 'Create a SAML connection',
      description: 'Give `idp_metadata_xml`, or `idp_entity_id`, `idp_sso_url` and `idp_certificates`.',
      body: { name: 'ConnectionCreate', schema: createConnectionSchema },
      ok: { status: 201, schema: Connection, description: 'The connection, with the SP values for the IdP' },
    }),
    admin({
      id: 'listConnections',
      method: 'get',
      path: '/connections',
      tag: 'Connections',
      summary: "List the tenant's connections (with certificate expiry)",
      paged: true,
      ok: { status: 200, schema: ConnectionPage, description: 'A page of connections' },
    }),
    admin({
      id: 'getConnection',
      method: 'get',
      path: '/connections/:connectionId',
      tag: 'Connections',
      summary: 'Get a connection',
      ok: { status: 200, schema: Connection, description: 'The connection' },
    }),
    admin({
      id: 'updateConnection',
      method: 'patch',
      path: '/connections/:connectionId',
      tag: 'Connections',
      summary: 'Change a connection',
      body: { name: 'ConnectionPatch', schema: patchConnectionSchema },
      ok: { status: 200, schema: Connection, description: 'The connection' },
    }),
    admin({
      id: 'deleteConnection',
      method: 'delete',
      path: '/connections/:connectionId',
      tag: 'Connections',
      summary: 'Delete a connection',
      ok: deleted('The connection'),
      errors: [409],
    }),
    admin({
      id: 'linkConnection',
      method: 'post',
      path: '/organizations/:orgId/connections',
      tag: 'Connections',
      summary: 'Link a connection to an organization',
      body: { name: 'ConnectionLink', schema: linkConnectionSchema },
      ok: { status: 201, schema: Connection, description: 'The linked connection' },
      errors: [409],
    }),
    admin({
      id: 'listOrganizationConnections',
      method: 'get',
      path: '/organizations/:orgId/connections',
      tag: 'Connections',
      summary: 'List the connections linked to an organization',
      ok: { status: 200, schema: ConnectionPage, description: 'All linked connections (one page)' },
    }),
    admin({
      id: 'unlinkConnection',
      method: 'delete',
      path: '/organizations/:orgId/connections/:connectionId',
      tag: 'Connections',
      summary: 'Unlink a connection from an organization',
      ok: { status: 204, description: 'Unlinked' },
      errors: [409],
    }),

    // SCIM directories (the SCIM endpoints themselves follow RFC 7644)
    admin({
      id: 'createDirectory',
      method: 'post',
      path: '/organizations/:orgId/directories',
      tag: 'Directories',
      summary: 'Create a SCIM directory',
      body: { name: 'DirectoryCreate', schema: createDirectorySchema },
      ok: { status: 201, schema: DirectoryWithToken, description: 'The directory, with its bearer token (shown once)' },
    }),
    admin({
      id: 'listDirectories',
      method: 'get',
      path: '/organizations/:orgId/directories',
      tag: 'Directories',
      summary: "List an organization's directories",
      ok: { status: 200, schema: DirectoryPage, description: 'All directories (one page)' },
    }),
    admin({
      id: 'getDirectory',
      method: 'get',
      path: '/organizations/:orgId/directories/:dirId',
      tag: 'Directories',
      summary: 'Get a directory',
      ok: { status: 200, schema: Directory, description: 'The directory' },
    }),
    admin({
      id: 'deleteDirectory',
      method: 'delete',
      path: '/organizations/:orgId/directories/:dirId',
      tag: 'Directories',
      summary: 'Delete a directory (its memberships go)',
      ok: deleted('The directory'),
    }),
    admin({
      id: 'rotateDirectoryToken',
      method: 'post',
      path: '/organizations/:orgId/directories/:dirId/token',
      tag: 'Directories',
      summary: "Rotate a directory's bearer token (the old one stops within 5 seconds)",
      ok: { status: 200, schema: DirectoryWithToken, description: 'The directory, with its new token (shown once)' },
    }),
    admin({
      id: 'getRoleMapping',
      method: 'get',
      path: '/organizations/:orgId/directories/:dirId/role-mappings',
      tag: 'Directories',
      summary: "Get a directory's group → role mapping",
      ok: { status: 200, schema: RoleMapping, description: 'The mapping' },
    }),
    admin({
      id: 'putRoleMapping',
      method: 'put',
      path: '/organizations/:orgId/directories/:dirId/role-mappings',
      tag: 'Directories',
      summary: "Replace a directory's group → role mapping (roles are recomputed)",
      description: 'Each mapping names `group` (displayName) or `group_id` (SCIM id), not both; every role must exist in the organization.',
      body: { name: 'RoleMappingPut', schema: roleMappingSchema },
      ok: { status: 200, schema: RoleMapping, description: 'The mapping' },
    }),
    admin({
      id: 'previewRoleMapping',
      method: 'post',
      path: '/organizations/:orgId/directories/:dirId/role-mappings/preview',
      tag: 'Directories',
      summary: 'What a mapping would change (nothing is written)',
      description: 'The same body as the PUT.',
      body: { name: 'RoleMappingPut', schema: roleMappingSchema },
      ok: { status: 200, schema: RoleMappingPreview, description: 'The role changes' },
    }),

    // OIDC applications and signing keys
    admin({
      id: 'createApplication',
      method: 'post',
      path: '/applications',
      tag: 'Applications',
      summary: 'Register an OIDC application',
      body: { name: 'ApplicationCreate', schema: createApplicationSchema },
      ok: { status: 201, schema: ApplicationWithSecret, description: 'The application (a `web` one with its secret, shown once)' },
    }),
    admin({
      id: 'listApplications',
      method: 'get',
      path: '/applications',
      tag: 'Applications',
      summary: 'List applications',
      paged: true,
      ok: { status: 200, schema: ApplicationPage, description: 'A page of applications' },
    }),
    admin({
      id: 'getApplication',
      method: 'get',
      path: '/applications/:appId',
      tag: 'Applications',
      summary: 'Get an application',
      ok: { status: 200, schema: Application, description: 'The application' },
    }),
    admin({
      id: 'updateApplication',
      method: 'patch',
      path: '/applications/:appId',
      tag: 'Applications',
      summary: 'Change an application',
      body: { name: 'ApplicationPatch', schema: patchApplicationSchema },
      ok: { status: 200, schema: Application, description: 'The application' },
    }),
    admin({
      id: 'deleteApplication',
      method: 'delete',
      path: '/applications/:appId',
      tag: 'Applications',
      summary: 'Delete an application',
      ok: deleted('The application'),
    }),
    admin({
      id: 'rotateApplicationSecret',
      method: 'post',
      path: '/applications/:appId/secret',
      tag: 'Applications',
      summary: "Rotate a `web` application's client secret",
      ok: { status: 200, schema: ApplicationWithSecret, description: 'The application with its new secret (shown once)' },
      errors: [409],
    }),
    admin({
      id: 'listSigningKeys',
      method: 'get',
      path: '/signing-keys',
      tag: 'Signing keys',
      summary: "List the tenant's token signing keys",
      ok: { status: 200, schema: SigningKeyPage, description: 'All keys (one page)' },
    }),
    admin({
      id: 'rotateSigningKey',
      method: 'post',
      path: '/signing-keys/rotate',
      tag: 'Signing keys',
      summary: 'Rotate the signing key (the old one stays published until its tokens expire)',
      ok: { status: 201, schema: SigningKey, description: 'The new key' },
    }),

    // Webhooks and events
    admin({
      id: 'createWebhook',
      method: 'post',
      path: '/webhooks',
      tag: 'Webhooks',
      summary: 'Create a webhook',
      body: { name: 'WebhookCreate', schema: webhookBodies.createSchema },
      ok: { status: 201, schema: WebhookWithSecret, description: 'The webhook, with its secret (shown once)' },
    }),
    admin({
      id: 'listWebhooks',
      method: 'get',
      path: '/webhooks',
      tag: 'Webhooks',
      summary: 'List webhooks',
      paged: true,
      ok: { status: 200, schema: WebhookPage, description: 'A page of webhooks' },
    }),
    admin({
      id: 'getWebhook',
      method: 'get',
      path: '/webhooks/:webhookId',
      tag: 'Webhooks',
      summary: 'Get a webhook',
      ok: { status: 200, schema: Webhook, description: 'The webhook' },
    }),
    admin({
      id: 'updateWebhook',
      method: 'patch',
      path: '/webhooks/:webhookId',
      tag: 'Webhooks',
      summary: 'Change a webhook',
      body: { name: 'WebhookPatch', schema: webhookBodies.patchSchema },
      ok: { status: 200, schema: Webhook, description: 'The webhook' },
    }),
    admin({
      id: 'deleteWebhook',
      method: 'delete',
      path: '/webhooks/:webhookId',
      tag: 'Webhooks',
      summary: 'Delete a webhook',
      ok: deleted('The webhook'),
    }),
    admin({
      id: 'rotateWebhookSecret',
      method: 'post',
      path: '/webhooks/:webhookId/rotate-secret',
      tag: 'Webhooks',
      summary: "Rotate a webhook's secret (for 24 h deliveries carry both signatures)",
      ok: { status: 200, schema: WebhookWithSecret, description: 'The webhook, with its new secret (shown once)' },
    }),
    admin({
      id: 'testWebhook',
      method: 'post',
      path: '/webhooks/:webhookId/test',
      tag: 'Webhooks',
      summary: 'Send a `webhook.test` event',
      ok: { status: 202, schema: Delivery, description: 'The delivery, under way' },
    }),
    admin({
      id: 'listDeliveries',
      method: 'get',
      path: '/webhooks/:webhookId/deliveries',
      tag: 'Webhooks',
      summary: "List a webhook's deliveries with their attempts",
      query: deliveriesQuerySchema,
      paged: true,
      ok: { status: 200, schema: DeliveryPage, description: 'A page of deliveries, newest first' },
    }),
    admin({
      id: 'retryDelivery',
      method: 'post',
      path: '/webhooks/:webhookId/deliveries/:deliveryId/retry',
      tag: 'Webhooks',
      summary: 'Send a delivery again',
      ok: { status: 202, schema: Delivery, description: 'The delivery, under way again' },
    }),
    admin({
      id: 'listEvents',
      method: 'get',
      path: '/events',
      tag: 'Events',
      summary: 'List events, newest first (or after a `seq`, oldest first)',
      description: '`type` takes a dotted type, or a prefix ending in `.*`.',
      query: eventsQuerySchema,
      paged: true,
      ok: { status: 200, schema: EventPage, description: 'A page of events' },
    }),

    // Public and signed-in endpoints of a tenant
    {
      id: 'acceptInvitation',
      method: 'post',
      path: `${TENANT_API}/invitations/accept`,
      caller: 'none',
      tag: 'Sign-in',
      summary: 'Accept an invitation (the API form of the hosted page)',
      description: 'A new person registers with `password` (checked against the effective rules); an existing account proves it with its password. Wrong password → 401; an email of another organization that signs in with SSO → 403; a used, expired or revoked token → 410.',
      body: { name: 'InvitationAccept', schema: acceptSchema },
      ok: { status: 200, schema: InvitationAccepted, description: 'The membership it made' },
      errors: [403, 410],
    },
    {
      id: 'getMe',
      method: 'get',
      path: `${TENANT_API}/me`,
      caller: 'user',
      tag: 'Sign-in',
      summary: 'Who is signed in',
      ok: { status: 200, schema: Me, description: 'The user and their organizations' },
    },
    {
      id: 'listMyOrganizations',
      method: 'get',
      path: `${TENANT_API}/me/organizations`,
      caller: 'user',
      tag: 'Sign-in',
      summary: "The signed-in user's organizations and roles",
      ok: { status: 200, schema: MyOrganizationPage, description: 'All of them (one page)' },
    },
    {
      id: 'routeLogin',
      method: 'get',
      path: '/t/:tenant/login/route',
      caller: 'none',
      tag: 'Sign-in',
      summary: 'Where an email signs in (home-realm discovery)',
      query: routeQuerySchema,
      ok: { status: 200, schema: RouteAnswer, description: 'The route' },
    },
    {
      id: 'getOpenApiDocument',
      method: 'get',
      path: '/openapi.json',
      caller: 'none',
      tag: 'Operations',
      summary: 'This document (OpenAPI 3.1)',
      ok: { status: 200, schema: OpenApiDocument, description: 'The OpenAPI document' },
    },
    {
      id: 'getHealth',
      method: 'get',
      path: '/healthz',
      caller: 'none',
      tag: 'Operations',
      summary: 'The process is up',
      ok: { status: 200, schema: Health, description: '`{"status": "ok"}`' },
    },
    {
      id: 'getReadiness',
      method: 'get',
      path: '/readyz',
      caller: 'none',
      tag: 'Operations',
      summary: 'The database takes writes now',
      description:
        'A write is taken and committed (SQLite) or rolled back (MySQL/MariaDB) on the write path. 503 `unavailable`, with `Retry-After`, within about 1.5 s when it fails — the database locked, read-only, out of space, its file gone, or unreachable — and from the moment the process begins shutting down.',
      ok: { status: 200, schema: Health, description: '`{"status": "ready"}`' },
    },
  ];
}

/** Used by the builder for every list: the same schema parsePage validates with. */
export { pageQuerySchema };
