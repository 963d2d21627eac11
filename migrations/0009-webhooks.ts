import { DataTypes, type QueryInterface } from 'sequelize';
import { flag, id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0009-webhooks';

/**
 * Webhooks (issue 20). The outbox is the events table itself: each webhook keeps the last
 * tenant `seq` it has fanned out (`cursor_seq`), so a change's transaction writes nothing more
 * for webhooks. The worker turns events after the cursor into `webhook_deliveries`, and every
 * try of a delivery is a row of `webhook_attempts`.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  await qi.createTable(
    'webhooks',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      url: text(2048),
      description: text(500, true),
      events: json(false),
      enabled: flag(),
      // Sealed with SECRET_KEY (shared/secret-box.ts): HMAC needs the secret itself, so no hash.
      secret_sealed: text(255),
      previous_secret_sealed: text(255, true),
      previous_secret_expires_at: timestamp(true),
      cursor_seq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      disabled_reason: text(64, true),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('webhooks', ['tenant_id', 'id'], { name: 'webhooks_tenant' });
  await qi.addIndex('webhooks', ['enabled'], { name: 'webhooks_enabled' });

  await qi.createTable(
    'webhook_deliveries',
    {
      id: id(),
      webhook_id: ref('webhooks', 'CASCADE'),
      tenant_id: text(40),
      event_id: text(40),
      event_type: text(200),
      // The event's seq (NULL for a test event): deliveries go out in this order.
      seq: { type: DataTypes.BIGINT, allowNull: true },
      payload: { type: DataTypes.TEXT, allowNull: false },
      status: text(16),
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      // Position in the automatic retry schedule; a manual retry starts it again.
      schedule_step: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: timestamp(true),
      last_status_code: { type: DataTypes.INTEGER, allowNull: true },
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('webhook_deliveries', ['webhook_id', 'status', 'seq', 'id'], { name: 'webhook_deliveries_queue' });
  await qi.addIndex('webhook_deliveries', ['webhook_id', 'id'], { name: 'webhook_deliveries_list' });

  await qi.createTable(
    'webhook_attempts',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      delivery_id: ref('webhook_deliveries', 'CASCADE'),
      attempted_at: timestamp(),
      status_code: { type: DataTypes.INTEGER, allowNull: true },
      duration_ms: { type: DataTypes.INTEGER, allowNull: false },
      error: text(500, true),
    },
    opts,
  );
  await qi.addIndex('webhook_attempts', ['delivery_id', 'id'], { name: 'webhook_attempts_delivery' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('webhook_attempts');
  await qi.dropTable('webhook_deliveries');
  await qi.dropTable('webhooks');
}
