import { Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { date, str } from './columns';

/** Issue 22 (migration 0011): a person considered for an organization's auto_join once. */
export class DomainAutoJoinRow extends Model<InferAttributes<DomainAutoJoinRow>, InferCreationAttributes<DomainAutoJoinRow>> {
  declare organization_id: string;
  declare user_id: string;
  declare created_at: CreationOptional<Date>;
}

/** The NameID a user last signed in with through a SAML connection, and when. */
export class SamlIdentityRow extends Model<InferAttributes<SamlIdentityRow>, InferCreationAttributes<SamlIdentityRow>> {
  declare user_id: string;
  declare connection_id: string;
  declare subject: string;
  declare last_used_at: Date;
  declare created_at: CreationOptional<Date>;
}
export type SamlIdentityRecord = InferAttributes<SamlIdentityRow>;

export interface SeedModels {
  DomainAutoJoin: typeof DomainAutoJoinRow;
  SamlIdentity: typeof SamlIdentityRow;
}

export function defineSeedModels(sequelize: Sequelize): SeedModels {
  const DomainAutoJoin = class extends DomainAutoJoinRow {};
  DomainAutoJoin.init(
    { organization_id: { ...str(), primaryKey: true }, user_id: { ...str(), primaryKey: true }, created_at: date() },
    { sequelize, tableName: 'domain_auto_joins', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  const SamlIdentity = class extends SamlIdentityRow {};
  SamlIdentity.init(
    {
      user_id: { ...str(), primaryKey: true },
      connection_id: { ...str(), primaryKey: true },
      subject: str(),
      last_used_at: date(),
      created_at: date(),
    },
    { sequelize, tableName: 'saml_identities', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  return { DomainAutoJoin, SamlIdentity };
}
