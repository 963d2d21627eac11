import { z } from 'zod';

/**
 * Branding and auth settings exist at tenant and organization level with the same fields.
 * A `null` field inherits: organization → tenant → the built-in default below.
 */
export const BRANDING_FIELDS = ['logo_url', 'primary_color', 'welcome_text', 'custom_domain'] as const;
export const AUTH_FIELDS = [
  'password_min_length',
  'require_mfa',
  'session_ttl_hours',
  'max_login_attempts',
  'lockout_duration_minutes',
  'default_connection_id',
] as const;

export type Branding = { [K in (typeof BRANDING_FIELDS)[number]]: string | null };
export type AuthSettings = {
  password_min_length: number | null;
  require_mfa: boolean | null;
  session_ttl_hours: number | null;
  max_login_attempts: number | null;
  lockout_duration_minutes: number | null;
  default_connection_id: string | null;
};
export interface Settings {
  branding: Branding;
  auth_settings: AuthSettings;
}
export type EffectiveAuthSettings = { [K in keyof AuthSettings]: Exclude<AuthSettings[K], null> | (K extends 'default_connection_id' ? null : never) };

export const BUILT_IN_BRANDING: Branding = { logo_url: null, primary_color: null, welcome_text: null, custom_domain: null };
export const BUILT_IN_AUTH: EffectiveAuthSettings = {
  password_min_length: 8,
  require_mfa: false,
  session_ttl_hours: 24,
  max_login_attempts: 10,
  lockout_duration_minutes: 15,
  default_connection_id: null,
};

const int = (min: number, max: number, name: string) =>
  z.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).min(min, `${name} must be between ${min} and ${max}`).max(max, `${name} must be between ${min} and ${max}`);

/** Each field is optional in a request; `null` means inherit. */
export const brandingPatchSchema = z.strictObject({
  logo_url: z
    .url({ protocol: /^https$/, error: 'logo_url must be an https URL' })
    .max(2048)
    .nullable()
    .optional(),
  primary_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'primary_color must look like #rrggbb')
    .transform((s) => s.toLowerCase())
    .nullable()
    .optional(),
  welcome_text: z.string().max(2000, 'welcome_text is at most 2000 characters').nullable().optional(),
  custom_domain: z
    .string()
    .max(253)
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i, 'custom_domain must be a host name')
    .transform((s) => s.toLowerCase())
    .nullable()
    .optional(),
});

export const authSettingsPatchSchema = z.strictObject({
  password_min_length: int(8, 128, 'password_min_length').nullable().optional(),
  require_mfa: z.boolean({ error: 'require_mfa must be true or false' }).nullable().optional(),
  session_ttl_hours: int(1, 720, 'session_ttl_hours').nullable().optional(),
  max_login_attempts: int(1, 100, 'max_login_attempts').nullable().optional(),
  lockout_duration_minutes: int(1, 1440, 'lockout_duration_minutes').nullable().optional(),
  default_connection_id: z.string().max(40).nullable().optional(),
});

export type BrandingPatch = z.output<typeof brandingPatchSchema>;
export type AuthSettingsPatch = z.output<typeof authSettingsPatchSchema>;

/** Fills every field, so stored values always have the full shape. */
export function fullBranding(stored: Record<string, unknown> | null | undefined): Branding {
  const out = { ...BUILT_IN_BRANDING };
  for (const f of BRANDING_FIELDS) out[f] = (stored?.[f] as string | null | undefined) ?? null;
  return out;
}

export function fullAuthSettings(stored: Record<string, unknown> | null | undefined): AuthSettings {
  const out = {} as Record<string, unknown>;
  for (const f of AUTH_FIELDS) out[f] = stored?.[f] ?? null;
  return out as unknown as AuthSettings;
}

/** Merge a patch: present fields replace (null = inherit again), absent fields stay. */
export function mergePatch<T extends object>(current: T, patch: Partial<T> | null | undefined): T {
  if (patch === null) return Object.fromEntries(Object.keys(current).map((k) => [k, null])) as T;
  return { ...current, ...Object.fromEntries(Object.entries(patch ?? {}).filter(([, v]) => v !== undefined)) };
}

/** organization ?? tenant ?? built-in, field by field. */
export function effectiveSettings(org: Settings | null, tenant: Settings): { branding: Branding; auth_settings: EffectiveAuthSettings } {
  const branding = {} as Record<string, unknown>;
  for (const f of BRANDING_FIELDS) branding[f] = org?.branding[f] ?? tenant.branding[f] ?? BUILT_IN_BRANDING[f];
  const auth = {} as Record<string, unknown>;
  for (const f of AUTH_FIELDS) auth[f] = org?.auth_settings[f] ?? tenant.auth_settings[f] ?? BUILT_IN_AUTH[f];
  return { branding: branding as Branding, auth_settings: auth as unknown as EffectiveAuthSettings };
}
