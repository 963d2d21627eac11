import { LINK_SCHEMA_DEFINITION } from './link-schema';
import { SCHEMA, scimmy, SUGGESTED_TYPES } from './scimmy';
import { DISCOVERY_SCHEMAS } from './discovery-schemas';
import { MAX_PAGE } from './scim-request';

/**
 * /ServiceProviderConfig, /ResourceTypes and /Schemas, from scimmy's definitions, with
 * locations under the directory's own base URL and values that say what we really serve.
 */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1048576 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: 'The directory token, shown once when the directory is created or its token rotated.', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: SCHEMA.user,
      schemaExtensions: [
        { schema: SCHEMA.enterprise, required: false },
        { schema: SCHEMA.link, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: SCHEMA.group,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

interface DescribedAttribute {
  name: string;
  canonicalValues?: string[];
  subAttributes?: DescribedAttribute[];
}

let described: Array<Record<string, unknown>> | undefined;

/** The schema documents, described once: scimmy's and the discovery documents' own (discovery-schemas.ts), with the User's suggested `type` values put back (scimmy.ts). */
function describedSchemas(): Array<Record<string, unknown>> {
  if (!described) {
    const S = scimmy().Schemas;
    described = [S.User, S.EnterpriseUser, S.Group].map((schema) => JSON.parse(JSON.stringify(schema.definition.describe())) as Record<string, unknown>);
    described.push(LINK_SCHEMA_DEFINITION, ...DISCOVERY_SCHEMAS);
    for (const attribute of described[0]!.attributes as DescribedAttribute[]) {
      const type = attribute.subAttributes?.find((sub) => sub.name === 'type');
      const suggested = SUGGESTED_TYPES.get(`${attribute.name}.type`);
      if (type && suggested) type.canonicalValues = suggested;
    }
    // A member's `display` and `type` are computed here (members are the directory's users, so
    // `type` is always "User"; RFC 7643 §2.4 makes `display` readOnly): readOnly, and sent only
    // when `attributes` names them (scim.handler.ts). A client's values for them are ignored.
    const members = (described[2]!.attributes as Array<DescribedAttribute & Record<string, unknown>>).find((a) => a.name === 'members');
    for (const sub of members?.subAttributes ?? []) if (sub.name === 'display' || sub.name === 'type') Object.assign(sub, { mutability: 'readOnly', returned: 'request' });
  }
  return described;
}

export function schemas(baseUrl: string) {
  return describedSchemas().map((schema) => ({ ...schema, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id as string}` } }));
}

export function listResponse(resources: unknown[]) {
  return { schemas: [SCHEMA.listResponse], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}
