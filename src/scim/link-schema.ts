import { SCHEMA } from './scimmy';
import type { UnlinkedReason } from './user-link';

/**
 * orgbridge's read-only User extension: whether the SCIM user is linked to a tenant user (and so
 * holds a membership), and if not, why. IdPs ignore it; admins and the IdP's logs can see it.
 */
export function linkExtension(tenantUserId: string | null, reason: UnlinkedReason | null) {
  return { [SCHEMA.link]: { linked: tenantUserId !== null, unlinkedReason: tenantUserId === null ? reason : null } };
}

const readOnly = (name: string, type: 'boolean' | 'string', description: string, canonicalValues?: string[]) => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: true,
  mutability: 'readOnly',
  returned: 'default',
  uniqueness: 'none',
  ...(canonicalValues ? { canonicalValues } : {}),
});

/** The extension's schema as /Schemas describes it (RFC 7643 §7). */
export const LINK_SCHEMA_DEFINITION = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id: SCHEMA.link,
  name: 'orgbridge link',
  description: 'Whether this directory user is linked to an orgbridge account and holds a membership',
  attributes: [
    readOnly('linked', 'boolean', 'True when the user is linked to an orgbridge account'),
    readOnly('unlinkedReason', 'string', "Why the user is not linked: no email, or an existing account whose email domain this organization has not verified", [
      'no_email',
      'domain_not_verified',
    ]),
  ],
};
