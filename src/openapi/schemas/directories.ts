import { z } from 'zod';
import type { RoleMappingConfig } from '../../scim/role-mapping';
import type { DirectoriesService } from '../../scim/directories.service';
import { documents, response, timestamp } from '../registry';

export const Directory = response(
  'Directory',
  "A SCIM 2.0 directory of an organization; the IdP calls `scim_base_url` with the directory's bearer token.",
  z.object({
    id: z.string(),
    organization_id: z.string(),
    name: z.string(),
    provider: z.enum(['okta', 'entra', 'generic']),
    scim_base_url: z.string(),
    created_at: timestamp,
  }),
);

export const DirectoryWithToken = response(
  'DirectoryWithToken',
  'A directory with its SCIM bearer token, shown only in this answer (creation, rotation).',
  Directory.extend({ bearer_token: z.string() }),
);

export const RoleMapping = response(
  'RoleMapping',
  'Group → role mapping: a user gets the highest-ranked role mapped from their groups, else `default_role`.',
  z.object({
    default_role: z.string(),
    mappings: z.array(z.object({ group: z.string().optional(), group_id: z.string().optional(), role: z.string() })),
  }),
);

export const RoleMappingPreview = response(
  'RoleMappingPreview',
  'What applying a mapping would change; nothing is written.',
  z.object({ changes: z.array(z.object({ user_id: z.string(), email: z.string(), from: z.string().nullable(), to: z.string().nullable() })) }),
);
documents(RoleMapping, (m: RoleMappingConfig) => m);
documents(RoleMappingPreview, (changes: Awaited<ReturnType<DirectoriesService['previewRoleMapping']>>) => ({ changes }));
