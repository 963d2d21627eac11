import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { bool, date, jsonText, pk, str } from './columns';
import { defineScimModels, type ScimModels } from './scim';

export * from './scim';
import { defineInvitationModels, type InvitationModels } from './invitations';

export type { InvitationRecord, InvitationStatus, OutboxRecord, OutboxStatus } from './invitations';
import { defineDomainModels, type DomainRow, type SchedulerLeaseRow } from './domain';

export * from './domain';
import { defineSsoModels, type SsoModels } from './sso';
import { defineWebhookModels, type WebhookModels } from './webhooks';
import { defineAccessModels, type AccessModels } from './access';

export * from './access';

export * from './sso';
import { defineOidcModels, type OidcModels } from './oidc';

export * from './oidc';
export * from './webhooks';
import { defineSeedModels, type SeedModels } from './seeds';

export * from './seeds';

/** Branding and auth settings are stored as given (null fields inherit); see tenants/settings.ts. */
export type JsonObject = Record<string, unknown>;

export class TenantRow extends Model<InferAttributes<TenantRow>, InferCreationAttributes<TenantRow>> {
  declare id: string;
  declare slug: string;
  declare name: string;
  declare branding: JsonObject | null;
  declare auth_settings: JsonObject | null;
  declare inherit_global_permissions_in_organizations: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class EventCounterRow extends Model<InferAttributes<EventCounterRow>, InferCreationAttributes<EventCounterRow>> {
  declare tenant_id: string;
  declare last_seq: number;
}

export class ApiKeyRow extends Model<InferAttributes<ApiKeyRow>, InferCreationAttributes<ApiKeyRow>> {
  declare id: string;
  declare tenant_id: string;
  declare name: string;
  declare prefix: string;
  declare secret_hash: string;
  declare created_at: CreationOptional<Date>;
  declare revoked_at: Date | null;
}

export class OrganizationRow extends Model<InferAttributes<OrganizationRow>, InferCreationAttributes<OrganizationRow>> {
  declare id: string;
  declare tenant_id: string;
  declare name: string;
  declare slug: string;
  declare description: string | null;
  declare metadata: JsonObject | null;
  declare branding: JsonObject | null;
  declare auth_settings: JsonObject | null;
  /** Issue 22: `{auto_join, restrict_to_verified_domains}`, null = the defaults. */
  declare domain_policy: CreationOptional<JsonObject | null>;
  /** Issue 22: set on a workspace (its parent organization), null otherwise. */
  declare parent_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class UserRow extends Model<InferAttributes<UserRow>, InferCreationAttributes<UserRow>> {
  declare id: string;
  declare tenant_id: string;
  declare email: string;
  declare email_normalized: string;
  declare name: string | null;
  declare tenant_role: string | null;
  declare blocked: CreationOptional<boolean>;
  declare password_hash: string | null;
  /** Issue 22: JSON objects (admin-writable only / the user's own), null read as {}. */
  declare app_metadata: CreationOptional<JsonObject | null>;
  declare user_metadata: CreationOptional<JsonObject | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class RoleRow extends Model<InferAttributes<RoleRow>, InferCreationAttributes<RoleRow>> {
  declare id: string;
  declare organization_id: string;
  declare key: string;
  declare name: string;
  declare description: string | null;
  declare permissions: string[];
  declare rank: number;
  declare builtin: boolean;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class MembershipRow extends Model<InferAttributes<MembershipRow>, InferCreationAttributes<MembershipRow>> {
  declare id: string;
  declare organization_id: string;
  declare user_id: string;
  declare role_key: string;
  declare status: 'active' | 'suspended';
  declare source: 'manual' | 'invitation' | 'scim' | 'jit' | 'domain';
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class EventRow extends Model<InferAttributes<EventRow>, InferCreationAttributes<EventRow>> {
  declare id: string;
  declare tenant_id: string;
  declare seq: number;
  declare type: string;
  declare actor_type: string;
  declare actor_id: string | null;
  declare target_type: string;
  declare target_id: string | null;
  declare organization_id: string | null;
  declare data: JsonObject;
  declare created_at: Date;
}

/** Plain rows, as repositories hand them out. */
export type TenantRecord = InferAttributes<TenantRow>;
export type ApiKeyRecord = InferAttributes<ApiKeyRow>;
export type OrgRecord = InferAttributes<OrganizationRow>;
export type UserRecord = InferAttributes<UserRow>;
export type RoleRecord = InferAttributes<RoleRow>;
export type MembershipRecord = InferAttributes<MembershipRow>;
export type EventRecord = InferAttributes<EventRow>;

export interface Models extends ScimModels, InvitationModels, SsoModels, OidcModels, WebhookModels, AccessModels, SeedModels {
  Tenant: typeof TenantRow;
  EventCounter: typeof EventCounterRow;
  ApiKey: typeof ApiKeyRow;
  Organization: typeof OrganizationRow;
  User: typeof UserRow;
  Role: typeof RoleRow;
  Membership: typeof MembershipRow;
  Event: typeof EventRow;
  Domain: typeof DomainRow;
  SchedulerLease: typeof SchedulerLeaseRow;
}

const timestamps = { timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true } as const;

/** Registers the models on a Sequelize instance. They mirror the migrations, which are the schema. */
export function defineModels(sequelize: Sequelize): Models {
  // Fresh subclasses per call, so that two databases can be open in one process.
  const Tenant = class extends TenantRow {};
  const EventCounter = class extends EventCounterRow {};
  const ApiKey = class extends ApiKeyRow {};
  const Organization = class extends OrganizationRow {};
  const User = class extends UserRow {};
  const Role = class extends RoleRow {};
  const Membership = class extends MembershipRow {};
  const Event = class extends EventRow {};
  Tenant.init(
    {
      id: pk(),
      slug: str(),
      name: str(),
      branding: jsonText('branding'),
      auth_settings: jsonText('auth_settings'),
      inherit_global_permissions_in_organizations: bool(),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'tenants', ...timestamps },
  );
  EventCounter.init(
    { tenant_id: { ...pk() }, last_seq: { type: DataTypes.BIGINT, allowNull: false } },
    { sequelize, tableName: 'tenant_event_counters', timestamps: false },
  );
  ApiKey.init(
    {
      id: pk(),
      tenant_id: str(),
      name: str(),
      prefix: str(),
      secret_hash: str(),
      created_at: date(),
      revoked_at: date(true),
    },
    { sequelize, tableName: 'api_keys', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  Organization.init(
    {
      id: pk(),
      tenant_id: str(),
      name: str(),
      slug: str(),
      description: { type: DataTypes.TEXT, allowNull: true },
      metadata: jsonText('metadata'),
      branding: jsonText('branding'),
      auth_settings: jsonText('auth_settings'),
      domain_policy: jsonText('domain_policy'),
      parent_id: str(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'organizations', ...timestamps },
  );
  User.init(
    {
      id: pk(),
      tenant_id: str(),
      email: str(),
      email_normalized: str(),
      name: str(true),
      tenant_role: str(true),
      blocked: bool(),
      password_hash: str(true),
      app_metadata: jsonText('app_metadata'),
      user_metadata: jsonText('user_metadata'),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'users', ...timestamps },
  );
  Role.init(
    {
      id: pk(),
      organization_id: str(),
      key: str(),
      name: str(),
      description: { type: DataTypes.TEXT, allowNull: true },
      permissions: jsonText('permissions', false, []),
      rank: { type: DataTypes.INTEGER, allowNull: false },
      builtin: bool(),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'roles', ...timestamps },
  );
  Membership.init(
    {
      id: pk(),
      organization_id: str(),
      user_id: str(),
      role_key: str(),
      status: str(),
      source: str(),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'memberships', ...timestamps },
  );
  Event.init(
    {
      id: pk(),
      tenant_id: str(),
      seq: { type: DataTypes.BIGINT, allowNull: false },
      type: str(),
      actor_type: str(),
      actor_id: str(true),
      target_type: str(),
      target_id: str(true),
      organization_id: str(true),
      data: jsonText('data', false, {}),
      created_at: date(),
    },
    { sequelize, tableName: 'events', timestamps: false },
  );

  Membership.belongsTo(User, { foreignKey: 'user_id', as: 'user' });
  Membership.belongsTo(Organization, { foreignKey: 'organization_id', as: 'organization' });
  User.hasMany(Membership, { foreignKey: 'user_id', as: 'memberships' });

  return {
    Tenant, EventCounter, ApiKey, Organization, User, Role, Membership, Event,
    ...defineScimModels(sequelize),
    ...defineInvitationModels(sequelize),
    ...defineDomainModels(sequelize),
    ...defineSsoModels(sequelize),
    ...defineOidcModels(sequelize),
    ...defineWebhookModels(sequelize),
    ...defineAccessModels(sequelize),
    ...defineSeedModels(sequelize),
  };
}
