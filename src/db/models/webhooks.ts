import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { bool, date, jsonText, pk, str } from './columns';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export class WebhookRow extends Model<InferAttributes<WebhookRow>, InferCreationAttributes<WebhookRow>> {
  declare id: string;
  declare tenant_id: string;
  declare url: string;
  declare description: string | null;
  declare events: string[];
  declare enabled: boolean;
  declare secret_sealed: string;
  declare previous_secret_sealed: string | null;
  declare previous_secret_expires_at: Date | null;
  declare cursor_seq: number;
  declare disabled_reason: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class WebhookDeliveryRow extends Model<InferAttributes<WebhookDeliveryRow>, InferCreationAttributes<WebhookDeliveryRow>> {
  declare id: string;
  declare webhook_id: string;
  declare tenant_id: string;
  declare event_id: string;
  declare event_type: string;
  declare seq: number | null;
  declare payload: string;
  declare status: DeliveryStatus;
  declare attempts: CreationOptional<number>;
  declare schedule_step: CreationOptional<number>;
  declare next_attempt_at: Date | null;
  declare last_status_code: number | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class WebhookAttemptRow extends Model<InferAttributes<WebhookAttemptRow>, InferCreationAttributes<WebhookAttemptRow>> {
  declare id: CreationOptional<number>;
  declare delivery_id: string;
  declare attempted_at: Date;
  declare status_code: number | null;
  declare duration_ms: number;
  declare error: string | null;
}

export type WebhookRecord = InferAttributes<WebhookRow>;
export type WebhookDeliveryRecord = InferAttributes<WebhookDeliveryRow>;
export type WebhookAttemptRecord = InferAttributes<WebhookAttemptRow>;

export interface WebhookModels {
  Webhook: typeof WebhookRow;
  WebhookDelivery: typeof WebhookDeliveryRow;
  WebhookAttempt: typeof WebhookAttemptRow;
}

const timestamps = { timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true } as const;

export function defineWebhookModels(sequelize: Sequelize): WebhookModels {
  const Webhook = class extends WebhookRow {};
  const WebhookDelivery = class extends WebhookDeliveryRow {};
  const WebhookAttempt = class extends WebhookAttemptRow {};
  Webhook.init(
    {
      id: pk(),
      tenant_id: str(),
      url: str(),
      description: str(true),
      events: jsonText('events', false, []),
      enabled: bool(),
      secret_sealed: str(),
      previous_secret_sealed: str(true),
      previous_secret_expires_at: date(true),
      cursor_seq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      disabled_reason: str(true),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'webhooks', ...timestamps },
  );
  WebhookDelivery.init(
    {
      id: pk(),
      webhook_id: str(),
      tenant_id: str(),
      event_id: str(),
      event_type: str(),
      seq: { type: DataTypes.BIGINT, allowNull: true },
      payload: { type: DataTypes.TEXT, allowNull: false },
      status: str(),
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      schedule_step: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: date(true),
      last_status_code: { type: DataTypes.INTEGER, allowNull: true },
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'webhook_deliveries', ...timestamps },
  );
  WebhookAttempt.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      delivery_id: str(),
      attempted_at: date(),
      status_code: { type: DataTypes.INTEGER, allowNull: true },
      duration_ms: { type: DataTypes.INTEGER, allowNull: false },
      error: str(true),
    },
    { sequelize, tableName: 'webhook_attempts', timestamps: false },
  );
  return { Webhook, WebhookDelivery, WebhookAttempt };
}
