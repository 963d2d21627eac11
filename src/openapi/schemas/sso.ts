import { z } from 'zod';
import { nullableTimestamp, response, timestamp } from '../registry';

export const Connection = response(
  'Connection',
  'A tenant-level SAML connection; `sp` holds what to give the IdP. Several certificates may be active at once (rotation).',
  z.object({
    id: z.string(),
    type: z.literal('saml'),
    name: z.string(),
    idp_entity_id: z.string(),
    idp_sso_url: z.string(),
    idp_certificates: z.array(z.object({ fingerprint_sha256: z.string(), not_after: nullableTimestamp, pem: z.string() })),
    attribute_mapping: z.object({ email: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional(), groups: z.string().optional() }),
    jit: z.object({ enabled: z.boolean(), default_role: z.string() }),
    signed: z.enum(['either', 'response', 'assertion', 'both']),
    allow_idp_initiated: z.boolean(),
    role_mappings: z.object({ default_role: z.string(), mappings: z.array(z.object({ group: z.string(), role: z.string() })) }).nullable(),
    sp: z.object({ entity_id: z.string(), acs_url: z.string(), metadata_url: z.string(), certificate: z.string() }),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
