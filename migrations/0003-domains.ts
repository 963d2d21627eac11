import { DataTypes, type QueryInterface } from 'sequelize';
import { flag, id, ref, tableOptions, text, timestamp } from './columns';

export const name = '0003-domains';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);

  await qi.createTable(
    'domains',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      organization_id: ref('organizations', 'CASCADE'),
      domain: text(253),
      include_subdomains: flag(),
      status: text(16),
      token: text(64),
      method: text(16, true),
      // `<tenant_id>:<domain>` while verified, else NULL: at most one verified owner per tenant.
      verified_key: text(300, true),
      verified_at: timestamp(true),
      last_checked_at: timestamp(true),
      consecutive_failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_check_at: timestamp(true),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('domains', ['organization_id', 'domain'], { unique: true, name: 'domains_org_domain_unique' });
  await qi.addIndex('domains', ['verified_key'], { unique: true, name: 'domains_verified_key_unique' });
  await qi.addIndex('domains', ['status', 'next_check_at'], { name: 'domains_status_next_check' });
  await qi.addIndex('domains', ['tenant_id'], { name: 'domains_tenant' });

  // One row per periodic job: whoever holds an unexpired lease runs the sweep.
  await qi.createTable(
    'scheduler_leases',
    {
      name: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      holder: text(64),
      expires_at: timestamp(),
    },
    opts,
  );
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('scheduler_leases');
  await qi.dropTable('domains');
}
