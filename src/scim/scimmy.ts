import SCIMMYModule from 'scimmy';

/**
 * The one place scimmy is loaded (a second copy would be a second singleton). We use it for
 * schema definitions, resource coercion, PatchOp on users and the discovery documents.
 */
const SCIMMY = ((SCIMMYModule as unknown as { default?: typeof SCIMMYModule }).default ?? SCIMMYModule) as typeof SCIMMYModule;

let declared = false;
export function scimmy(): typeof SCIMMYModule {
  if (!declared) {
    declared = true;
    SCIMMY.Resources.declare(SCIMMY.Resources.User);
    SCIMMY.Resources.declare(SCIMMY.Resources.Group);
    SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
    relaxCanonicalValues(SCIMMY.Schemas.User.definition as unknown as { attributes: SchemaAttribute[] });
    SCIMMY.Config.set({
      documentationUri: undefined,
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'The directory bearer token shown once when the directory is created or its token is rotated.',
        },
      ],
    } as never);
  }
  return SCIMMY;
}

interface SchemaAttribute {
  name: string;
  config: { canonicalValues?: unknown; direction?: string };
  subAttributes?: SchemaAttribute[];
}

/**
 * The User's `type` values (`emails.type` "work", "home", …) as RFC 7643 suggests them, by
 * `attribute.type`; /Schemas still lists them (discovery.ts).
 */
export const SUGGESTED_TYPES = new Map<string, string[]>();

/**
 * RFC 7643 §4.1.2 and §7 make the `type` of emails, phoneNumbers, ims, photos, addresses, roles,
 * entitlements and x509Certificates a suggestion ("MAY"), and IdPs send others ("corporate",
 * "custom"; scimmy's roles and x509Certificates allow none at all), so scimmy's check of them
 * as a closed list is turned off once, here, rather than worked around per request.
 */
function relaxCanonicalValues(definition: { attributes: SchemaAttribute[] }): void {
  for (const attribute of definition.attributes) {
    const type = attribute.subAttributes?.find((s) => s.name === 'type');
    if (!type || !Array.isArray(type.config.canonicalValues) || type.config.direction === 'out') continue; // groups.type is read-only
    if (type.config.canonicalValues.length) SUGGESTED_TYPES.set(`${attribute.name}.type`, type.config.canonicalValues as string[]);
    type.config.canonicalValues = false;
  }
}

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** orgbridge's read-only extension (link-schema.ts). */
  link: 'urn:orgbridge:params:scim:schemas:extension:link:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;
