import { Op } from 'sequelize';
import type { ConnectionCertificateRecord, ConnectionRecord, JsonObject, Models } from '../db/models';
import type { Tx } from '../db/transaction';

export type { ConnectionCertificateRecord, ConnectionRecord };
export type ConnectionChanges = Partial<Omit<ConnectionRecord, 'id' | 'tenant_id' | 'type' | 'created_at' | 'updated_at'>>;
export type NewCertificate = Omit<ConnectionCertificateRecord, 'connection_id' | 'created_at' | 'expiry_warned_at'>;

export class ConnectionsRepository {
  constructor(private readonly models: Models) {}

  async insert(row: Omit<ConnectionRecord, 'created_at' | 'updated_at'>, tx: Tx): Promise<ConnectionRecord> {
    return (await this.models.Connection.create(row, { transaction: tx.transaction })).get({ plain: true });
  }

  async find(tenantId: string, id: string, tx?: Tx): Promise<ConnectionRecord | null> {
    const row = await this.models.Connection.findOne({ where: { id, tenant_id: tenantId }, transaction: tx?.transaction });
    return row ? row.get({ plain: true }) : null;
  }

  async list(tenantId: string, limit: number, afterId?: string): Promise<ConnectionRecord[]> {
    const rows = await this.models.Connection.findAll({
      where: { tenant_id: tenantId, ...(afterId ? { id: { [Op.gt]: afterId } } : {}) },
      order: [['id', 'ASC']],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  async update(id: string, changes: ConnectionChanges, tx: Tx): Promise<void> {
    await this.models.Connection.update(changes, { where: { id }, transaction: tx.transaction });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await this.models.Connection.destroy({ where: { id }, transaction: tx.transaction });
  }

  /**
   * Sets `auth_settings.default_connection_id` back to null (inherit) wherever it names
   * `connectionId`: on the tenant (when given), and on those of `organizationIds`. Answers what it changed.
   */
  async clearDefault(connectionId: string, tenantId: string | null, organizationIds: string[], tx: Tx): Promise<{ tenant: boolean; organizationIds: string[] }> {
    const lock = { transaction: tx.transaction, lock: tx.transaction.LOCK.UPDATE };
    const names = (settings: JsonObject | null) => settings?.default_connection_id === connectionId;
    const cleared = (settings: JsonObject | null) => ({ auth_settings: { ...settings, default_connection_id: null } });

    const tenant = tenantId ? await this.models.Tenant.findByPk(tenantId, lock) : null;
    const tenantNamed = tenant !== null && names(tenant.auth_settings);
    if (tenantNamed) await this.models.Tenant.update(cleared(tenant.auth_settings), { where: { id: tenant.id }, transaction: tx.transaction });

    const orgs = organizationIds.length ? await this.models.Organization.findAll({ where: { id: organizationIds }, ...lock }) : [];
    const named = orgs.filter((o) => names(o.auth_settings));
    for (const org of named) await this.models.Organization.update(cleared(org.auth_settings), { where: { id: org.id }, transaction: tx.transaction });
    return { tenant: tenantNamed, organizationIds: named.map((o) => o.id) };
  }

  async certificates(connectionIds: string[], tx?: Tx): Promise<ConnectionCertificateRecord[]> {
    if (!connectionIds.length) return [];
    const rows = await this.models.ConnectionCertificate.findAll({
      where: { connection_id: connectionIds },
      order: [['created_at', 'ASC'], ['fingerprint', 'ASC']],
      transaction: tx?.transaction,
    });
    return rows.map((r) => r.get({ plain: true }));
  }

  /** Keeps the certificates still listed (with their history), drops the others, adds the new ones. */
  async replaceCertificates(connectionId: string, certs: NewCertificate[], tx: Tx): Promise<void> {
    const keep = certs.map((c) => c.fingerprint);
    await this.models.ConnectionCertificate.destroy({
      where: { connection_id: connectionId, fingerprint: { [Op.notIn]: keep } },
      transaction: tx.transaction,
    });
    const existing = new Set((await this.certificates([connectionId], tx)).map((c) => c.fingerprint));
    await this.models.ConnectionCertificate.bulkCreate(
      certs.filter((c) => !existing.has(c.fingerprint)).map((c) => ({ ...c, connection_id: connectionId, expiry_warned_at: null })),
      { transaction: tx.transaction },
    );
  }

  /** Certificates expiring before `before` that nobody was warned about yet, with their tenant. */
  async expiringUnwarned(before: Date, limit: number): Promise<Array<ConnectionCertificateRecord & { tenant_id: string }>> {
    const certs = await this.models.ConnectionCertificate.findAll({
      where: { not_after: { [Op.lt]: before }, expiry_warned_at: null },
      order: [['not_after', 'ASC']],
      limit,
    });
    const owners = await this.models.Connection.findAll({ where: { id: [...new Set(certs.map((c) => c.connection_id))] }, attributes: ['id', 'tenant_id'] });
    const tenantOf = new Map(owners.map((o) => [o.id, o.tenant_id]));
    return certs.map((c) => ({ ...c.get({ plain: true }), tenant_id: tenantOf.get(c.connection_id)! }));
  }

  /** Claims the warning (only one process wins it); false when another already did. */
  async markWarned(connectionId: string, fingerprint: string, at: Date, tx: Tx): Promise<boolean> {
    const [n] = await this.models.ConnectionCertificate.update(
      { expiry_warned_at: at },
      { where: { connection_id: connectionId, fingerprint, expiry_warned_at: null }, transaction: tx.transaction },
    );
    return n === 1;
  }

  /** True when the link was created, false when it already existed. */
  async link(organizationId: string, connectionId: string, tx: Tx): Promise<boolean> {
    const [, created] = await this.models.OrganizationConnection.findOrCreate({
      where: { organization_id: organizationId, connection_id: connectionId },
      transaction: tx.transaction,
    });
    return created;
  }

  async unlink(organizationId: string, connectionId: string, tx: Tx): Promise<boolean> {
    const n = await this.models.OrganizationConnection.destroy({
      where: { organization_id: organizationId, connection_id: connectionId },
      transaction: tx.transaction,
    });
    return n > 0;
  }

  async isLinked(organizationId: string, connectionId: string): Promise<boolean> {
    return (await this.models.OrganizationConnection.count({ where: { organization_id: organizationId, connection_id: connectionId } })) > 0;
  }

  /** The ids of the connections linked to an organization, oldest link first. */
  async linkedConnectionIds(organizationId: string): Promise<string[]> {
    const rows = await this.models.OrganizationConnection.findAll({
      where: { organization_id: organizationId },
      order: [['created_at', 'ASC'], ['connection_id', 'ASC']],
    });
    return rows.map((r) => r.connection_id);
  }

  async linkedOrganizationIds(connectionId: string, tx?: Tx): Promise<string[]> {
    const rows = await this.models.OrganizationConnection.findAll({
      where: { connection_id: connectionId },
      order: [['created_at', 'ASC'], ['organization_id', 'ASC']],
      transaction: tx?.transaction,
    });
    return rows.map((r) => r.organization_id);
  }
}
