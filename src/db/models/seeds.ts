import { Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { date, str } from './columns';

/** Issue 22 (migration 0011): a person considered for an organization's auto_join once. */
export class DomainAutoJoinRow extends Model<InferAttributes<DomainAutoJoinRow>, InferCreationAttributes<DomainAutoJoinRow>> {
  declare organization_id: string;
  declare user_id: string;
  declare created_at: CreationOptional<Date>;
}

export interface SeedModels {
  DomainAutoJoin: typeof DomainAutoJoinRow;
}

export function defineSeedModels(sequelize: Sequelize): SeedModels {
  const DomainAutoJoin = class extends DomainAutoJoinRow {};
  DomainAutoJoin.init(
    { organization_id: { ...str(), primaryKey: true }, user_id: { ...str(), primaryKey: true }, created_at: date() },
    { sequelize, tableName: 'domain_auto_joins', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  return { DomainAutoJoin };
}
