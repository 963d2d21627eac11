import { z } from 'zod';
import { jsonObjectSchema } from '../shared/metadata';
import { domainPolicyPatchSchema } from './domain-policy';
import { nameSchema, slugSchema } from '../shared/schemas';
import { authSettingsPatchSchema, brandingPatchSchema } from '../tenants/settings';

export { METADATA_MAX_BYTES } from '../shared/metadata';

export const metadataSchema = jsonObjectSchema('metadata');

const descriptionSchema = z.string().max(2000, 'description is at most 2000 characters').nullable();

export const createOrgSchema = z.strictObject({
  name: nameSchema,
  slug: slugSchema.optional(),
  description: descriptionSchema.optional(),
  metadata: metadataSchema.optional(),
  branding: brandingPatchSchema.optional(),
  auth_settings: authSettingsPatchSchema.optional(),
  domain_policy: domainPolicyPatchSchema.optional(),
  // a workspace: its parent organization (id or slug); fixed at creation
  parent_id: z.string({ error: 'parent_id must be an organization id or slug' }).min(1).max(64).nullable().optional(),
});

/** PUT replaces every mutable field; read-only fields of a GET answer are accepted and ignored. */
export const replaceOrgSchema = createOrgSchema.extend({
  id: z.string().optional(),
  tenant_id: z.string().optional(),
  effective: z.unknown().optional(),
  created_at: z.unknown().optional(),
  updated_at: z.unknown().optional(),
});

/** PATCH merges; `null` resets a field (inside branding/auth_settings: inherit again). */
export const patchOrgSchema = z.strictObject({
  name: nameSchema.optional(),
  slug: slugSchema.optional(),
  description: descriptionSchema.optional(),
  metadata: metadataSchema.nullable().optional(),
  branding: brandingPatchSchema.nullable().optional(),
  auth_settings: authSettingsPatchSchema.nullable().optional(),
  domain_policy: domainPolicyPatchSchema.nullable().optional(),
});

export type CreateOrgInput = z.output<typeof createOrgSchema>;
export type PatchOrgInput = z.output<typeof patchOrgSchema>;
