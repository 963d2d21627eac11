import { z } from 'zod';
import { tenantRoleToApi } from '../../access/tenant-roles.routes';
import { memberToApi } from '../../orgs/members.routes';
import { orgToApi } from '../../orgs/orgs.dto';
import { roleToApi } from '../../orgs/roles.routes';
import { described, documents, jsonObject, response, timestamp } from '../registry';
import { AuthSettings, Branding, EffectiveSettings } from './tenants';

export const DomainPolicy = response(
  'DomainPolicy',
  "Who joins by email domain: `auto_join` is the role given at first sign-in to people of the organization's verified domains (null: nobody); `restrict_to_verified_domains` refuses other emails (403).",
  z.object({ auto_join: z.string().nullable(), restrict_to_verified_domains: z.boolean() }),
);

export const Organization = response(
  'Organization',
  'An organization (a customer of the tenant); `branding` and `auth_settings` are its own values (null: inherited), `effective` what is in force.',
  z.object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    metadata: jsonObject,
    branding: Branding,
    auth_settings: AuthSettings,
    effective: EffectiveSettings,
    domain_policy: DomainPolicy,
    parent_id: described('the parent organization of a workspace, else null', z.string().nullable()),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(Organization, orgToApi);

export const MEMBERSHIP_SOURCES = ['manual', 'invitation', 'scim', 'jit', 'domain'] as const;

export const Member = response(
  'Member',
  'A membership: `roles` are all role keys held, `role` the highest-ranked one. A `scim` membership is managed by its directory.',
  z.object({
    user_id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.string(),
    roles: z.array(z.string()),
    status: z.enum(['active', 'suspended']),
    source: z.enum(MEMBERSHIP_SOURCES),
    joined_at: timestamp,
  }),
);
documents(Member, memberToApi);

export const Role = response(
  'Role',
  'A role of an organization; built-in roles (owner 400, admin 300, member 200, guest 100) cannot be deleted.',
  z.object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    permissions: z.array(z.string()),
    rank: z.number().int(),
    built_in: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(Role, roleToApi);

export const TenantRole = response(
  'TenantRole',
  'A tenant-level role; `admin` is built in and is what `tenant_role: "admin"` means.',
  z.object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    permissions: z.array(z.string()),
    built_in: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(TenantRole, tenantRoleToApi);
