import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { bool, date, pk, str } from './columns';

export type DomainStatus = 'pending' | 'verified';
export type VerificationMethod = 'dns_txt' | 'meta_tag' | 'file';

export class DomainRow extends Model<InferAttributes<DomainRow>, InferCreationAttributes<DomainRow>> {
  declare id: string;
  declare tenant_id: string;
  declare organization_id: string;
  declare domain: string;
  declare include_subdomains: boolean;
  declare status: DomainStatus;
  declare token: string;
  declare method: VerificationMethod | null;
  declare verified_key: string | null;
  declare verified_at: Date | null;
  declare last_checked_at: Date | null;
  declare consecutive_failures: CreationOptional<number>;
  declare next_check_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class SchedulerLeaseRow extends Model<InferAttributes<SchedulerLeaseRow>, InferCreationAttributes<SchedulerLeaseRow>> {
  declare name: string;
  declare holder: string;
  declare expires_at: Date;
}

export type DomainRecord = InferAttributes<DomainRow>;

export function defineDomainModels(sequelize: Sequelize) {
  const Domain = class extends DomainRow {};
  const SchedulerLease = class extends SchedulerLeaseRow {};
  Domain.init(
    {
      id: pk(),
      tenant_id: str(),
      organization_id: str(),
      domain: str(),
      include_subdomains: bool(),
      status: str(),
      token: str(),
      method: str(true),
      verified_key: str(true),
      verified_at: date(true),
      last_checked_at: date(true),
      consecutive_failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_check_at: date(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'domains', timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true },
  );
  SchedulerLease.init(
    { name: { type: DataTypes.STRING(64), primaryKey: true }, holder: str(), expires_at: date() },
    { sequelize, tableName: 'scheduler_leases', timestamps: false },
  );
  return { Domain, SchedulerLease };
}
