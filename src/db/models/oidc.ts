import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { date, jsonText, pk, str } from './columns';

export type ApplicationType = 'web' | 'spa' | 'native';

export class ApplicationRow extends Model<InferAttributes<ApplicationRow>, InferCreationAttributes<ApplicationRow>> {
  declare id: string;
  declare tenant_id: string;
  declare name: string;
  declare type: ApplicationType;
  declare client_id: string;
  declare client_secret_hash: string | null;
  declare redirect_uris: string[];
  declare post_logout_redirect_uris: string[];
  /** issue 22: where an invitation for this application sends the browser after acceptance */
  declare initiate_login_uri: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class SigningKeyRow extends Model<InferAttributes<SigningKeyRow>, InferCreationAttributes<SigningKeyRow>> {
  declare id: string;
  declare tenant_id: string;
  declare alg: string;
  declare private_jwk_encrypted: string;
  declare public_jwk: string;
  declare status: 'active' | 'retired';
  declare created_at: CreationOptional<Date>;
  declare retired_at: Date | null;
}

export class OidcPayloadRow extends Model<InferAttributes<OidcPayloadRow>, InferCreationAttributes<OidcPayloadRow>> {
  declare model: string;
  declare id: string;
  declare tenant_id: string;
  declare payload: string;
  declare grant_id: string | null;
  declare uid: string | null;
  declare user_code: string | null;
  declare expires_at: Date | null;
  declare consumed_at: Date | null;
}

export class OidcGrantOrganizationRow extends Model<InferAttributes<OidcGrantOrganizationRow>, InferCreationAttributes<OidcGrantOrganizationRow>> {
  declare grant_id: string;
  declare tenant_id: string;
  declare user_id: string;
  declare organization_id: string | null;
  declare expires_at: Date;
  declare updated_at: CreationOptional<Date>;
}

export class LoginLockoutRow extends Model<InferAttributes<LoginLockoutRow>, InferCreationAttributes<LoginLockoutRow>> {
  declare user_id: string;
  declare failed_count: number;
  declare locked_until: Date | null;
  declare updated_at: CreationOptional<Date>;
}

export class PasswordResetRow extends Model<InferAttributes<PasswordResetRow>, InferCreationAttributes<PasswordResetRow>> {
  declare token_hash: string;
  declare tenant_id: string;
  declare user_id: string;
  declare expires_at: Date;
  declare used_at: Date | null;
  declare created_at: CreationOptional<Date>;
}

export class MfaFactorRow extends Model<InferAttributes<MfaFactorRow>, InferCreationAttributes<MfaFactorRow>> {
  declare user_id: string;
  declare tenant_id: string;
  declare secret_encrypted: string;
  declare recovery_code_hashes: string[];
  declare last_step: number | null;
  declare confirmed_at: Date | null;
  declare created_at: CreationOptional<Date>;
}

export type MfaFactorRecord = InferAttributes<MfaFactorRow>;
export type PasswordResetRecord = InferAttributes<PasswordResetRow>;
export type ApplicationRecord = InferAttributes<ApplicationRow>;
export type SigningKeyRecord = InferAttributes<SigningKeyRow>;
export type OidcPayloadRecord = InferAttributes<OidcPayloadRow>;

export interface OidcModels {
  Application: typeof ApplicationRow;
  SigningKey: typeof SigningKeyRow;
  OidcPayload: typeof OidcPayloadRow;
  OidcGrantOrganization: typeof OidcGrantOrganizationRow;
  LoginLockout: typeof LoginLockoutRow;
  PasswordReset: typeof PasswordResetRow;
  MfaFactor: typeof MfaFactorRow;
}

/** The models of migration 0007 (OIDC applications, signing keys, provider state). */
export function defineOidcModels(sequelize: Sequelize): OidcModels {
  const Application = class extends ApplicationRow {};
  const SigningKey = class extends SigningKeyRow {};
  const OidcPayload = class extends OidcPayloadRow {};
  const OidcGrantOrganization = class extends OidcGrantOrganizationRow {};
  Application.init(
    {
      id: pk(),
      tenant_id: str(),
      name: str(),
      type: str(),
      client_id: str(),
      client_secret_hash: str(true),
      redirect_uris: jsonText('redirect_uris', false, []),
      post_logout_redirect_uris: jsonText('post_logout_redirect_uris', false, []),
      initiate_login_uri: str(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'applications', timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
  );
  SigningKey.init(
    {
      id: pk(),
      tenant_id: str(),
      alg: str(),
      private_jwk_encrypted: { type: DataTypes.TEXT, allowNull: false },
      public_jwk: { type: DataTypes.TEXT, allowNull: false },
      status: str(),
      created_at: date(),
      retired_at: date(true),
    },
    { sequelize, tableName: 'signing_keys', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  OidcPayload.init(
    {
      model: { type: DataTypes.STRING(40), primaryKey: true },
      id: { type: DataTypes.STRING(128), primaryKey: true },
      tenant_id: str(),
      payload: { type: DataTypes.TEXT, allowNull: false },
      grant_id: str(true),
      uid: str(true),
      user_code: str(true),
      expires_at: date(true),
      consumed_at: date(true),
    },
    { sequelize, tableName: 'oidc_payloads', timestamps: false },
  );
  OidcGrantOrganization.init(
    {
      grant_id: { type: DataTypes.STRING(128), primaryKey: true },
      tenant_id: str(),
      user_id: str(),
      organization_id: str(true),
      expires_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'oidc_grant_organizations', timestamps: true, createdAt: false, updatedAt: 'updated_at' },
  );
  const LoginLockout = class extends LoginLockoutRow {};
  LoginLockout.init(
    { user_id: { type: DataTypes.STRING(40), primaryKey: true }, failed_count: { type: DataTypes.INTEGER, allowNull: false }, locked_until: date(true), updated_at: date() },
    { sequelize, tableName: 'login_lockouts', timestamps: true, createdAt: false, updatedAt: 'updated_at' },
  );
  const PasswordReset = class extends PasswordResetRow {};
  PasswordReset.init(
    { token_hash: { type: DataTypes.STRING(64), primaryKey: true }, tenant_id: str(), user_id: str(), expires_at: date(), used_at: date(true), created_at: date() },
    { sequelize, tableName: 'password_resets', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  const MfaFactor = class extends MfaFactorRow {};
  MfaFactor.init(
    {
      user_id: { type: DataTypes.STRING(40), primaryKey: true },
      tenant_id: str(),
      secret_encrypted: { type: DataTypes.TEXT, allowNull: false },
      recovery_code_hashes: jsonText('recovery_code_hashes', false, []),
      last_step: { type: DataTypes.BIGINT, allowNull: true, get(this: MfaFactorRow) { const v = this.getDataValue('last_step'); return v === null || v === undefined ? null : Number(v); } },
      confirmed_at: date(true),
      created_at: date(),
    },
    { sequelize, tableName: 'mfa_factors', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  return { Application, SigningKey, OidcPayload, OidcGrantOrganization, LoginLockout, PasswordReset, MfaFactor };
}
