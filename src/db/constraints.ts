/**
 * Every unique index the migrations create, with the message a client sees when a write
 * collides with it. SQLite reports the table and columns, MySQL/MariaDB the index name,
 * so both are kept. A unit test checks that the migrated schema and this list agree.
 */
export interface UniqueIndex {
  name: string;
  table: string;
  columns: string[];
  message: string;
}

export const UNIQUE_INDEXES: readonly UniqueIndex[] = [
  { name: 'tenants_slug_unique', table: 'tenants', columns: ['slug'], message: 'a tenant with this slug already exists' },
  { name: 'api_keys_prefix_unique', table: 'api_keys', columns: ['prefix'], message: 'api key prefix collision, retry' },
  { name: 'applications_client_id', table: 'applications', columns: ['client_id'], message: 'client_id collision, retry' },
  {
    name: 'organizations_tenant_slug_unique',
    table: 'organizations',
    columns: ['tenant_id', 'slug'],
    message: 'an organization with this slug already exists in the tenant',
  },
  {
    name: 'users_tenant_email_unique',
    table: 'users',
    columns: ['tenant_id', 'email_normalized'],
    message: 'a user with this email already exists in the tenant',
  },
  {
    name: 'roles_org_key_unique',
    table: 'roles',
    columns: ['organization_id', 'key'],
    message: 'a role with this key already exists in the organization',
  },
  {
    name: 'tenant_roles_tenant_key_unique',
    table: 'tenant_roles',
    columns: ['tenant_id', 'key'],
    message: 'a tenant role with this key already exists',
  },
  {
    name: 'memberships_org_user_unique',
    table: 'memberships',
    columns: ['organization_id', 'user_id'],
    message: 'the user is already a member of the organization',
  },
  { name: 'directories_token_prefix_unique', table: 'directories', columns: ['token_prefix'], message: 'token prefix collision, retry' },
  {
    name: 'scim_users_dir_username_unique',
    table: 'scim_users',
    columns: ['directory_id', 'user_name_lower'],
    message: 'a user with this userName already exists in the directory',
  },
  {
    name: 'domains_org_domain_unique',
    table: 'domains',
    columns: ['organization_id', 'domain'],
    message: 'the organization already has this domain',
  },
  {
    name: 'domains_verified_key_unique',
    table: 'domains',
    columns: ['verified_key'],
    message: 'the domain is already verified by another organization of the tenant',
  },
  { name: 'events_tenant_seq_unique', table: 'events', columns: ['tenant_id', 'seq'], message: 'event sequence collision' },
  {
    name: 'invitations_pending_unique',
    table: 'invitations',
    columns: ['pending_key'],
    message: 'a pending invitation for this email already exists',
  },
  {
    name: 'saml_assertion_ids_unique',
    table: 'saml_assertion_ids',
    columns: ['connection_id', 'assertion_id'],
    message: 'this SAML assertion was already used',
  },
];

export function findUniqueIndex(nameOrTable: string, columns?: string[]): UniqueIndex | undefined {
  if (columns) {
    return UNIQUE_INDEXES.find(
      (i) => i.table === nameOrTable && i.columns.length === columns.length && i.columns.every((c, n) => c === columns[n]),
    );
  }
  // MySQL 8 qualifies the key as `table.index`; MariaDB does not.
  const name = nameOrTable.includes('.') ? nameOrTable.slice(nameOrTable.indexOf('.') + 1) : nameOrTable;
  return UNIQUE_INDEXES.find((i) => i.name === name);
}
