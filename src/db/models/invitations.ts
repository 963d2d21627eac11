import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { date, jsonText, pk, str } from './columns';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';
export type OutboxStatus = 'queued' | 'sent' | 'failed';

export class InvitationRow extends Model<InferAttributes<InvitationRow>, InferCreationAttributes<InvitationRow>> {
  declare id: string;
  declare tenant_id: string;
  declare organization_id: string | null;
  declare email: string;
  declare email_normalized: string;
  declare role_key: string;
  declare status: InvitationStatus;
  declare token_hash: string;
  declare pending_key: string | null;
  declare expires_at: Date;
  declare failed_attempts: CreationOptional<number>;
  declare inviter_user_id: string | null;
  declare metadata: Record<string, unknown> | null;
  /** Issue 22 (seed 001), see migration 0011. */
  declare role_keys: CreationOptional<string[] | null>;
  declare connection_id: CreationOptional<string | null>;
  declare client_id: CreationOptional<string | null>;
  declare return_to: CreationOptional<string | null>;
  declare app_metadata: CreationOptional<Record<string, unknown> | null>;
  declare user_metadata: CreationOptional<Record<string, unknown> | null>;
  declare inviter_type: CreationOptional<string | null>;
  declare inviter_id: CreationOptional<string | null>;
  declare accepted_user_id: CreationOptional<string | null>;
  declare accepted_at: CreationOptional<Date | null>;
  declare revoked_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class InvitationTokenRow extends Model<InferAttributes<InvitationTokenRow>, InferCreationAttributes<InvitationTokenRow>> {
  declare token_hash: string;
  declare invitation_id: string;
  declare created_at: CreationOptional<Date>;
}

export class OutboxRow extends Model<InferAttributes<OutboxRow>, InferCreationAttributes<OutboxRow>> {
  declare id: string;
  declare tenant_id: string;
  declare recipient: string;
  declare subject: string;
  declare text: string;
  declare html: string;
  declare status: OutboxStatus;
  declare attempts: CreationOptional<number>;
  declare next_attempt_at: Date;
  declare last_error: CreationOptional<string | null>;
  declare sent_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export type InvitationRecord = InferAttributes<InvitationRow>;
export type OutboxRecord = InferAttributes<OutboxRow>;

export interface InvitationModels {
  Invitation: typeof InvitationRow;
  InvitationToken: typeof InvitationTokenRow;
  Outbox: typeof OutboxRow;
}

const timestamps = { timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true } as const;

/** The models of migration 0002 (invitations and the mail outbox). */
export function defineInvitationModels(sequelize: Sequelize): InvitationModels {
  const Invitation = class extends InvitationRow {};
  const InvitationToken = class extends InvitationTokenRow {};
  const Outbox = class extends OutboxRow {};
  Invitation.init(
    {
      id: pk(),
      tenant_id: str(),
      organization_id: str(true),
      email: str(),
      email_normalized: str(),
      role_key: str(),
      status: str(),
      token_hash: str(),
      pending_key: str(true),
      expires_at: date(),
      failed_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      inviter_user_id: str(true),
      metadata: jsonText('metadata'),
      role_keys: jsonText('role_keys'),
      connection_id: str(true),
      client_id: str(true),
      return_to: str(true),
      app_metadata: jsonText('app_metadata'),
      user_metadata: jsonText('user_metadata'),
      inviter_type: str(true),
      inviter_id: str(true),
      accepted_user_id: str(true),
      accepted_at: date(true),
      revoked_at: date(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'invitations', ...timestamps },
  );
  InvitationToken.init(
    { token_hash: { type: DataTypes.STRING(64), primaryKey: true }, invitation_id: str(), created_at: date() },
    { sequelize, tableName: 'invitation_tokens', timestamps: true, createdAt: 'created_at', updatedAt: false },
  );
  Outbox.init(
    {
      id: pk(),
      tenant_id: str(),
      recipient: str(),
      subject: str(),
      text: { type: DataTypes.TEXT, allowNull: false },
      html: { type: DataTypes.TEXT, allowNull: false },
      status: str(),
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: date(),
      last_error: str(true),
      sent_at: date(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'outbox', ...timestamps },
  );
  return { Invitation, InvitationToken, Outbox };
}
