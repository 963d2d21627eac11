import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { RoleMappingConfig } from './scim';
import { bool, date, jsonText, pk, str } from './columns';

export type SignedMode = 'either' | 'response' | 'assertion' | 'both';
export interface AttributeMapping {
  email: string;
  first_name: string;
  last_name: string;
  groups: string;
}
export interface JitSettings {
  enabled: boolean;
  default_role: string;
}

export class ConnectionRow extends Model<InferAttributes<ConnectionRow>, InferCreationAttributes<ConnectionRow>> {
  declare id: string;
  declare tenant_id: string;
  declare name: string;
  declare type: 'saml';
  declare idp_entity_id: string;
  declare idp_sso_url: string;
  declare attribute_mapping: AttributeMapping;
  declare jit: JitSettings;
  declare signed: SignedMode;
  declare allow_idp_initiated: boolean;
  declare role_mappings: RoleMappingConfig | null;
  declare sp_private_key_encrypted: string;
  declare sp_certificate: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ConnectionCertificateRow extends Model<InferAttributes<ConnectionCertificateRow>, InferCreationAttributes<ConnectionCertificateRow>> {
  declare connection_id: string;
  declare fingerprint: string;
  declare pem: string;
  declare not_after: Date;
  declare expiry_warned_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
}

export class OrganizationConnectionRow extends Model<InferAttributes<OrganizationConnectionRow>, InferCreationAttributes<OrganizationConnectionRow>> {
  declare organization_id: string;
  declare connection_id: string;
  declare created_at: CreationOptional<Date>;
}

export class SamlRequestRow extends Model<InferAttributes<SamlRequestRow>, InferCreationAttributes<SamlRequestRow>> {
  declare id: string;
  declare connection_id: string;
  declare relay_state_hash: string;
  declare return_to: string;
  /** issue 22: the SHA-256 of the invitation token this sign-in accepts (started from its acceptance page) */
  declare invitation_token_hash: CreationOptional<string | null>;
  declare expires_at: Date;
  declare consumed_at: Date | null;
  declare created_at: CreationOptional<Date>;
}

export class SamlAssertionIdRow extends Model<InferAttributes<SamlAssertionIdRow>, InferCreationAttributes<SamlAssertionIdRow>> {
  declare connection_id: string;
  declare assertion_id: string;
  declare expires_at: Date;
}

export class SessionRow extends Model<InferAttributes<SessionRow>, InferCreationAttributes<SessionRow>> {
  declare id_hash: string;
  declare tenant_id: string;
  declare user_id: string;
  declare organization_id: string | null;
  declare connection_id: string | null;
  /** RFC 8176 methods of the sign-in, comma-separated (`pwd`, `pwd,otp`); null when unknown. */
  declare amr: CreationOptional<string | null>;
  declare expires_at: Date;
  declare created_at: CreationOptional<Date>;
}

export type ConnectionRecord = InferAttributes<ConnectionRow>;
export type ConnectionCertificateRecord = InferAttributes<ConnectionCertificateRow>;
export type SamlRequestRecord = InferAttributes<SamlRequestRow>;
export type SessionRecord = InferAttributes<SessionRow>;

export interface SsoModels {
  Connection: typeof ConnectionRow;
  ConnectionCertificate: typeof ConnectionCertificateRow;
  OrganizationConnection: typeof OrganizationConnectionRow;
  SamlRequest: typeof SamlRequestRow;
  SamlAssertionId: typeof SamlAssertionIdRow;
  Session: typeof SessionRow;
}

const created = { timestamps: true, createdAt: 'created_at', updatedAt: false } as const;

/** The models of migration 0005 (SSO connections, SAML sign-in state, sessions). */
export function defineSsoModels(sequelize: Sequelize): SsoModels {
  const Connection = class extends ConnectionRow {};
  const ConnectionCertificate = class extends ConnectionCertificateRow {};
  const OrganizationConnection = class extends OrganizationConnectionRow {};
  const SamlRequest = class extends SamlRequestRow {};
  const SamlAssertionId = class extends SamlAssertionIdRow {};
  const Session = class extends SessionRow {};
  Connection.init(
    {
      id: pk(),
      tenant_id: str(),
      name: str(),
      type: str(),
      idp_entity_id: str(),
      idp_sso_url: str(),
      attribute_mapping: jsonText('attribute_mapping', false),
      jit: jsonText('jit', false),
      signed: str(),
      allow_idp_initiated: bool(),
      role_mappings: jsonText('role_mappings'),
      sp_private_key_encrypted: { type: DataTypes.TEXT, allowNull: false },
      sp_certificate: { type: DataTypes.TEXT, allowNull: false },
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'connections', timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true },
  );
  ConnectionCertificate.init(
    {
      connection_id: { ...pk() },
      fingerprint: { type: DataTypes.STRING(64), primaryKey: true },
      pem: { type: DataTypes.TEXT, allowNull: false },
      not_after: date(),
      expiry_warned_at: date(true),
      created_at: date(),
    },
    { sequelize, tableName: 'connection_certificates', ...created },
  );
  OrganizationConnection.init(
    { organization_id: { ...pk() }, connection_id: { ...pk() }, created_at: date() },
    { sequelize, tableName: 'organization_connections', ...created },
  );
  SamlRequest.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      connection_id: str(),
      relay_state_hash: str(),
      return_to: str(),
      invitation_token_hash: str(true),
      expires_at: date(),
      consumed_at: date(true),
      created_at: date(),
    },
    { sequelize, tableName: 'saml_requests', ...created },
  );
  SamlAssertionId.init(
    { connection_id: { ...pk() }, assertion_id: { type: DataTypes.STRING(256), primaryKey: true }, expires_at: date() },
    { sequelize, tableName: 'saml_assertion_ids', timestamps: false },
  );
  Session.init(
    {
      id_hash: { type: DataTypes.STRING(64), primaryKey: true },
      tenant_id: str(),
      user_id: str(),
      organization_id: str(true),
      connection_id: str(true),
      amr: str(true),
      expires_at: date(),
      created_at: date(),
    },
    { sequelize, tableName: 'sessions', ...created },
  );
  return { Connection, ConnectionCertificate, OrganizationConnection, SamlRequest, SamlAssertionId, Session };
}
