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

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** orgbridge's read-only extension (link-schema.ts). */
  link: 'urn:orgbridge:params:scim:schemas:extension:link:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;
