import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { bool, date, jsonText, pk, str } from './columns';

export interface RoleMappingConfig {
  default_role: string;
  mappings: Array<{ group?: string; group_id?: string; role: string }>;
}

export class DirectoryRow extends Model<InferAttributes<DirectoryRow>, InferCreationAttributes<DirectoryRow>> {
  declare id: string;
  declare tenant_id: string;
  declare organization_id: string;
  declare name: string;
  declare provider: 'okta' | 'entra' | 'generic';
  declare token_prefix: string;
  declare token_hash: string;
  declare role_mapping: RoleMappingConfig;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ScimUserRow extends Model<InferAttributes<ScimUserRow>, InferCreationAttributes<ScimUserRow>> {
  declare id: string;
  declare directory_id: string;
  /** The tenant user this SCIM user is linked to; null while unlinked (docs/scim.md, "Linking"). */
  declare user_id: string | null;
  declare user_name: string;
  declare user_name_lower: string;
  declare external_id: string | null;
  declare display_name_lower: string | null;
  declare active: boolean;
  declare resource: Record<string, unknown>;
  declare version: number;
  declare created_at: Date;
  declare updated_at: Date;
}

export class ScimUserEmailRow extends Model<InferAttributes<ScimUserEmailRow>, InferCreationAttributes<ScimUserEmailRow>> {
  declare scim_user_id: string;
  declare position: number;
  declare directory_id: string;
  declare value_lower: string;
  declare type: string | null;
  declare primary: boolean;
}

export class ScimGroupRow extends Model<InferAttributes<ScimGroupRow>, InferCreationAttributes<ScimGroupRow>> {
  declare id: string;
  declare directory_id: string;
  declare display_name: string;
  declare display_name_lower: string;
  declare external_id: string | null;
  declare resource: Record<string, unknown>;
  declare version: number;
  declare created_at: Date;
  declare updated_at: Date;
}

export class ScimGroupMemberRow extends Model<InferAttributes<ScimGroupMemberRow>, InferCreationAttributes<ScimGroupMemberRow>> {
  declare group_id: string;
  declare scim_user_id: string;
  declare directory_id: string;
}

export type DirectoryRecord = InferAttributes<DirectoryRow>;
export type ScimUserRecord = InferAttributes<ScimUserRow>;
export type ScimGroupRecord = InferAttributes<ScimGroupRow>;

export interface ScimModels {
  Directory: typeof DirectoryRow;
  ScimUser: typeof ScimUserRow;
  ScimUserEmail: typeof ScimUserEmailRow;
  ScimGroup: typeof ScimGroupRow;
  ScimGroupMember: typeof ScimGroupMemberRow;
}

const version = { type: DataTypes.INTEGER, allowNull: false };

export function defineScimModels(sequelize: Sequelize): ScimModels {
  const Directory = class extends DirectoryRow {};
  const ScimUser = class extends ScimUserRow {};
  const ScimUserEmail = class extends ScimUserEmailRow {};
  const ScimGroup = class extends ScimGroupRow {};
  const ScimGroupMember = class extends ScimGroupMemberRow {};
  const stamps = { timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' } as const;

  Directory.init(
    {
      id: pk(),
      tenant_id: str(),
      organization_id: str(),
      name: str(),
      provider: str(),
      token_prefix: str(),
      token_hash: str(),
      role_mapping: jsonText('role_mapping', false),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'directories', ...stamps },
  );
  // SCIM rows carry their own timestamps (meta.created / meta.lastModified) and version.
  ScimUser.init(
    {
      id: pk(),
      directory_id: str(),
      user_id: str(true),
      user_name: str(),
      user_name_lower: str(),
      external_id: str(true),
      display_name_lower: str(true),
      active: bool(),
      resource: jsonText('resource', false),
      version,
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'scim_users', timestamps: false },
  );
  ScimUserEmail.init(
    {
      scim_user_id: { ...pk() },
      position: { type: DataTypes.INTEGER, primaryKey: true },
      directory_id: str(),
      value_lower: str(),
      type: str(true),
      primary: bool(),
    },
    { sequelize, tableName: 'scim_user_emails', timestamps: false },
  );
  ScimGroup.init(
    {
      id: pk(),
      directory_id: str(),
      display_name: str(),
      display_name_lower: str(),
      external_id: str(true),
      resource: jsonText('resource', false),
      version,
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'scim_groups', timestamps: false },
  );
  ScimGroupMember.init(
    { group_id: { ...pk() }, scim_user_id: { ...pk() }, directory_id: str() },
    { sequelize, tableName: 'scim_group_members', timestamps: false },
  );
  return { Directory, ScimUser, ScimUserEmail, ScimGroup, ScimGroupMember };
}
