/**
 * The schemas of the discovery documents themselves, which /Schemas lists beside User,
 * EnterpriseUser and Group: ServiceProviderConfig (RFC 7643 §5), ResourceType (§6) and Schema
 * (§7). scimmy has no definitions of them, so they are written here from the RFC's attribute
 * lists. Every attribute is read-only, returned by default and not unique, as §5–7 say.
 */

interface Spec {
  name: string;
  type: 'string' | 'boolean' | 'integer' | 'reference' | 'complex';
  description: string;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Spec[];
}

/** In the order and shape scimmy describes its own schemas' attributes. */
function attribute(spec: Spec): Record<string, unknown> {
  const { name, type, description, multiValued = false, required = false, caseExact = false, canonicalValues, referenceTypes, subAttributes } = spec;
  return {
    name,
    type,
    ...(type === 'reference' ? { referenceTypes: referenceTypes ?? ['external'] } : {}),
    multiValued,
    description,
    required,
    ...(subAttributes ? { subAttributes: subAttributes.map(attribute) } : {}),
    ...(type === 'string' || type === 'reference' ? { caseExact } : {}),
    ...(canonicalValues ? { canonicalValues } : {}),
    mutability: 'readOnly',
    returned: 'default',
    ...(type !== 'boolean' ? { uniqueness: 'none' } : {}),
  };
}

const supported = (what: string): Spec => ({ name: 'supported', type: 'boolean', required: true, description: `A Boolean value specifying whether or not ${what} is supported.` });
const feature = (name: string, description: string, more: Spec[] = []): Spec => ({ name, type: 'complex', required: true, description, subAttributes: [supported(`the ${name} operation`), ...more] });
const uri = (name: string, description: string, required = false): Spec => ({ name, type: 'reference', referenceTypes: ['uri'], caseExact: true, required, description });

const SERVICE_PROVIDER_CONFIG: Spec[] = [
  { name: 'documentationUri', type: 'reference', description: "An HTTP-addressable URL pointing to the service provider's human-consumable help documentation." },
  feature('patch', 'A complex type that specifies PATCH configuration options.'),
  feature('bulk', 'A complex type that specifies bulk configuration options.', [
    { name: 'maxOperations', type: 'integer', required: true, description: 'An integer value specifying the maximum number of operations.' },
    { name: 'maxPayloadSize', type: 'integer', required: true, description: 'An integer value specifying the maximum payload size in bytes.' },
  ]),
  feature('filter', 'A complex type that specifies FILTER options.', [
    { name: 'maxResults', type: 'integer', required: true, description: 'An integer value specifying the maximum number of resources returned in a response.' },
  ]),
  feature('changePassword', 'A complex type that specifies configuration options related to changing a password.'),
  feature('sort', 'A complex type that specifies sort result options.'),
  feature('etag', 'A complex type that specifies ETag configuration options.'),
  {
    name: 'authenticationSchemes',
    type: 'complex',
    multiValued: true,
    required: true,
    description: 'A complex type that specifies supported authentication scheme properties.',
    subAttributes: [
      { name: 'type', type: 'string', required: true, canonicalValues: ['oauth', 'oauth2', 'oauthbearertoken', 'httpbasic', 'httpdigest'], description: 'The authentication scheme.' },
      { name: 'name', type: 'string', required: true, description: 'The common authentication scheme name, e.g., HTTP Basic.' },
      { name: 'description', type: 'string', required: true, description: 'A description of the authentication scheme.' },
      { name: 'specUri', type: 'reference', description: "An HTTP-addressable URL pointing to the authentication scheme's specification." },
      { name: 'documentationUri', type: 'reference', description: "An HTTP-addressable URL pointing to the authentication scheme's usage documentation." },
      { name: 'primary', type: 'boolean', description: 'Whether this is the preferred authentication scheme.' },
    ],
  },
];

const RESOURCE_TYPE: Spec[] = [
  { name: 'id', type: 'string', description: "The resource type's server unique id. May be the same as the 'name' attribute." },
  { name: 'name', type: 'string', required: true, description: 'The resource type name, used in the meta.resourceType attribute.' },
  { name: 'description', type: 'string', description: "The resource type's human-readable description." },
  uri('endpoint', "The resource type's HTTP-addressable endpoint relative to the Base URL, e.g., '/Users'.", true),
  uri('schema', "The resource type's primary/base schema URI.", true),
  {
    name: 'schemaExtensions',
    type: 'complex',
    multiValued: true,
    description: "A list of URIs of the resource type's schema extensions.",
    subAttributes: [
      uri('schema', 'The URI of a schema extension.', true),
      { name: 'required', type: 'boolean', required: true, description: 'Whether resources of this type must include this schema extension.' },
    ],
  },
];

const ATTRIBUTE_PROPERTIES: Spec[] = [
  { name: 'name', type: 'string', required: true, caseExact: true, description: "The attribute's name." },
  {
    name: 'type',
    type: 'string',
    required: true,
    canonicalValues: ['string', 'complex', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary'],
    description: "The attribute's data type.",
  },
  { name: 'multiValued', type: 'boolean', required: true, description: "A Boolean value indicating an attribute's plurality." },
  { name: 'description', type: 'string', description: 'A human-readable description of the attribute.' },
  { name: 'required', type: 'boolean', description: 'A Boolean value indicating whether or not the attribute is required.' },
  { name: 'canonicalValues', type: 'string', multiValued: true, caseExact: true, description: 'A collection of suggested canonical values.' },
  { name: 'caseExact', type: 'boolean', description: 'A Boolean value indicating whether or not a string attribute is case sensitive.' },
  { name: 'mutability', type: 'string', canonicalValues: ['readOnly', 'readWrite', 'immutable', 'writeOnly'], description: 'Indicates whether or not an attribute is modifiable.' },
  { name: 'returned', type: 'string', canonicalValues: ['always', 'never', 'default', 'request'], description: 'Indicates when an attribute is returned in a response.' },
  { name: 'uniqueness', type: 'string', canonicalValues: ['none', 'server', 'global'], description: 'Indicates how unique a value must be.' },
  { name: 'referenceTypes', type: 'string', multiValued: true, caseExact: true, description: 'The names of the resource types that may be referenced, or "external" or "uri".' },
];

const SCHEMA_ATTRIBUTES: Spec[] = [
  { name: 'id', type: 'string', required: true, description: 'The unique URI of the schema.' },
  { name: 'name', type: 'string', description: 'The schema name.' },
  { name: 'description', type: 'string', description: 'The schema description.' },
  {
    name: 'attributes',
    type: 'complex',
    multiValued: true,
    required: true,
    description: 'A complex attribute that includes the attributes of a schema.',
    subAttributes: [
      ...ATTRIBUTE_PROPERTIES,
      { name: 'subAttributes', type: 'complex', multiValued: true, description: 'Used to define the sub-attributes of a complex attribute.', subAttributes: ATTRIBUTE_PROPERTIES },
    ],
  },
];

const schema = (id: string, name: string, description: string, attributes: Spec[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id,
  name,
  description,
  attributes: attributes.map(attribute),
});

export const DISCOVERY_SCHEMAS = [
  schema('urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig', 'Service Provider Configuration', "Schema for representing the service provider's configuration", SERVICE_PROVIDER_CONFIG),
  schema('urn:ietf:params:scim:schemas:core:2.0:ResourceType', 'ResourceType', 'Specifies the schema that describes a SCIM resource type', RESOURCE_TYPE),
  schema('urn:ietf:params:scim:schemas:core:2.0:Schema', 'Schema', 'Specifies the schema attributes of a SCIM resource', SCHEMA_ATTRIBUTES),
];
