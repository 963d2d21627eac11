import { z } from 'zod';
import { toApi as apiKeyToApi } from '../../api-keys/api-keys.routes';
import { tenantToApi } from '../../tenants/tenants.dto';
import type { TenantSettings as TenantSettingsView } from '../../tenants/tenants.service';
import type { effectiveSettings } from '../../tenants/settings';
import { documents, response, timestamp } from '../registry';
import { Invitation } from './invitations';

export const Tenant = response(
  'Tenant',
  'A tenant: one customer of the service, with its own users, organizations, connections and OIDC issuer.',
  z.object({ id: z.string(), slug: z.string(), name: z.string(), created_at: timestamp }),
);
documents(Tenant, tenantToApi);

export const TenantCreated = response(
  'TenantCreated',
  'A new tenant; with `admin_email`, the invitation of its first administrator (its `invite_url` appears only here, in the mail and in the outbox).',
  Tenant.extend({ admin_invitation: Invitation.optional() }),
);

export const Branding = response(
  'Branding',
  'Branding fields; `null` inherits (organization → tenant → built-in default).',
  z.object({ logo_url: z.string().nullable(), primary_color: z.string().nullable(), welcome_text: z.string().nullable(), custom_domain: z.string().nullable() }),
);

export const AuthSettings = response(
  'AuthSettings',
  'Authentication settings; `null` inherits (organization → tenant → built-in default).',
  z.object({
    password_min_length: z.number().int().nullable(),
    require_mfa: z.boolean().nullable(),
    session_ttl_hours: z.number().int().nullable(),
    max_login_attempts: z.number().int().nullable(),
    lockout_duration_minutes: z.number().int().nullable(),
    default_connection_id: z.string().nullable(),
  }),
);

export const EffectiveSettings = response(
  'EffectiveSettings',
  'The settings in force after inheritance: only `default_connection_id` and branding fields may still be null.',
  z.object({
    branding: Branding,
    auth_settings: z.object({
      password_min_length: z.number().int(),
      require_mfa: z.boolean(),
      session_ttl_hours: z.number().int(),
      max_login_attempts: z.number().int(),
      lockout_duration_minutes: z.number().int(),
      default_connection_id: z.string().nullable(),
    }),
  }),
);

export const TenantSettings = response(
  'TenantSettings',
  "The tenant's defaults, which its organizations inherit.",
  z.object({
    branding: Branding,
    auth_settings: AuthSettings,
    inherit_global_permissions_in_organizations: z.boolean(),
    effective: EffectiveSettings,
  }),
);
documents(TenantSettings, (s: TenantSettingsView & { effective: ReturnType<typeof effectiveSettings> }) => s);

export const ApiKey = response(
  'ApiKey',
  'A tenant management key, without its secret.',
  z.object({ id: z.string(), name: z.string(), created_at: timestamp, revoked_at: timestamp.nullable() }),
);
documents(ApiKey, apiKeyToApi);
export const ApiKeyCreated = response(
  'ApiKeyCreated',
  'A new tenant management key: `key` is shown in this answer only.',
  z.object({ id: z.string(), name: z.string(), key: z.string(), created_at: timestamp }),
);
