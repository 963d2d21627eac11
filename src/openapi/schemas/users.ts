import { z } from 'zod';
import type { AccessService } from '../../access/access.service';
import type { Identity as IdentityView } from '../../users/identities.service';
import { userToApi } from '../../users/users.routes';
import { described, documents, jsonObject, nullableTimestamp, response, timestamp } from '../registry';
import { MEMBERSHIP_SOURCES } from './orgs';

export const User = response(
  'User',
  'A user of the tenant; emails are unique per tenant, compared case-insensitively.',
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    tenant_role: described('"admin" for a tenant administrator, else null', z.string().nullable()),
    tenant_roles: z.array(z.string()),
    blocked: z.boolean(),
    app_metadata: jsonObject,
    user_metadata: jsonObject,
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(User, userToApi);

export const Identity = response(
  'Identity',
  'One way the user signs in or is provisioned.',
  z.object({
    type: z.enum(['password', 'saml', 'scim']),
    connection_id: z.string().optional(),
    directory_id: z.string().optional(),
    subject: z.string(),
    last_used_at: nullableTimestamp,
  }),
);

export const UserDetail = response(
  'UserDetail',
  'A user with their memberships and identities.',
  User.extend({
    memberships: z.array(
      z.object({
        organization_id: z.string(),
        organization_slug: z.string().nullable(),
        organization_name: z.string().nullable(),
        role: z.string(),
        roles: z.array(z.string()),
        status: z.enum(['active', 'suspended']),
        source: z.enum(MEMBERSHIP_SOURCES),
        joined_at: timestamp,
      }),
    ),
    identities: z.array(Identity),
  }),
);

export const PermissionLookup = response(
  'PermissionLookup',
  "A member's roles and permissions in an organization, as a token would carry them.",
  z.object({ roles: z.array(z.string()), permissions: z.array(z.string()) }),
);
export const PermissionCheckResult = response('PermissionCheckResult', 'Whether the member holds the permission.', z.object({ allowed: z.boolean() }));
documents(Identity, (i: IdentityView) => ({ ...i, last_used_at: i.last_used_at?.toISOString() ?? null }));
documents(PermissionLookup, (l: Awaited<ReturnType<AccessService['lookup']>>) => l);
