import type { AttributeMapping, JitSettings, RoleMappingConfig, SignedMode } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { ConnectionLookup } from '../shared/connection-lookup';
import { SYSTEM_ACTOR, type Ctx } from '../shared/context';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { SecretBox } from '../shared/secret-box';
import type { ConnectionCertificateRecord, ConnectionChanges, ConnectionRecord, ConnectionsRepository } from './connections.repository';
import { parseIdpMetadata } from './idp-metadata';
import { generateSpKeyPair, readCertificate, type CertificateInfo } from './x509';

export interface IdpInput {
  idp_metadata_xml?: string;
  idp_entity_id?: string;
  idp_sso_url?: string;
  idp_certificates?: string[];
}

export interface ConnectionInput extends IdpInput {
  name: string;
  attribute_mapping?: Partial<AttributeMapping>;
  jit?: JitSettings;
  signed?: SignedMode;
  allow_idp_initiated?: boolean;
  role_mappings?: RoleMappingConfig | null;
}

export type ConnectionPatch = Partial<ConnectionInput>;

export interface ConnectionView {
  connection: ConnectionRecord;
  certificates: ConnectionCertificateRecord[];
}

/** What sign-in needs: the connection, its active IdP certificates and the SP's private key. */
export interface SigningConnection extends ConnectionView {
  spPrivateKey: string;
}

export const DEFAULT_JIT: JitSettings = { enabled: false, default_role: 'member' };
const CERTIFICATE_WARNING_MS = 30 * 24 * 3600_000;

export class ConnectionsService implements ConnectionLookup {
  constructor(
    private readonly db: Database,
    private readonly repo: ConnectionsRepository,
    private readonly events: EventsService,
    private readonly box: SecretBox,
  ) {}

  async create(ctx: Ctx, input: ConnectionInput): Promise<ConnectionView> {
    const idp = resolveIdp(input);
    if (!idp.entityId || !idp.ssoUrl || !idp.certificates.length) {
      throw new ValidationError('give idp_metadata_xml, or idp_entity_id, idp_sso_url and idp_certificates', {
        details: [{ path: 'idp_metadata_xml', message: 'the identity provider is not described' }],
      });
    }
    const id = newId('con');
    const sp = generateSpKeyPair(`orgbridge ${id}`);
    return this.db.transaction(async (tx) => {
      const connection = await this.repo.insert(
        {
          id,
          tenant_id: ctx.tenantId,
          name: input.name,
          type: 'saml',
          idp_entity_id: idp.entityId!,
          idp_sso_url: idp.ssoUrl!,
          attribute_mapping: (input.attribute_mapping ?? {}) as AttributeMapping,
          jit: input.jit ?? DEFAULT_JIT,
          signed: input.signed ?? 'either',
          allow_idp_initiated: input.allow_idp_initiated ?? false,
          role_mappings: input.role_mappings ?? null,
          sp_private_key_encrypted: this.box.seal(sp.privateKeyPem),
          sp_certificate: sp.certificatePem,
        },
        tx,
      );
      await this.repo.replaceCertificates(id, idp.certificates.map(toRow), tx);
      this.record(ctx, tx, 'connection.created', id, { name: input.name, idp_entity_id: idp.entityId });
      return this.view(connection, tx);
    });
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ConnectionView>> {
    const rows = await this.repo.list(tenantId, page.limit + 1, page.after);
    const certs = await this.repo.certificates(rows.map((r) => r.id));
    const views = rows.map((connection) => ({ connection, certificates: certs.filter((c) => c.connection_id === connection.id) }));
    return toPage(views, page.limit, (v) => v.connection.id, (v) => v);
  }

  async get(tenantId: string, id: string, tx?: Tx): Promise<ConnectionView> {
    return this.view(await this.require(tenantId, id, tx), tx);
  }

  async update(ctx: Ctx, id: string, patch: ConnectionPatch): Promise<ConnectionView> {
    const idp = resolveIdp(patch);
    return this.db.transaction(async (tx) => {
      const current = await this.require(ctx.tenantId, id, tx);
      const changes: ConnectionChanges = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (idp.entityId) changes.idp_entity_id = idp.entityId;
      if (idp.ssoUrl) changes.idp_sso_url = idp.ssoUrl;
      if (patch.attribute_mapping !== undefined) changes.attribute_mapping = patch.attribute_mapping as AttributeMapping;
      if (patch.jit !== undefined) changes.jit = patch.jit;
      if (patch.signed !== undefined) changes.signed = patch.signed;
      if (patch.allow_idp_initiated !== undefined) changes.allow_idp_initiated = patch.allow_idp_initiated;
      if (patch.role_mappings !== undefined) changes.role_mappings = patch.role_mappings;
      if (Object.keys(changes).length) await this.repo.update(id, changes, tx);
      // The certificate list is replaced as a whole: add the new one next to the old, later drop the old.
      if (idp.certificates.length) await this.repo.replaceCertificates(id, idp.certificates.map(toRow), tx);
      const changed = [...Object.keys(changes), ...(idp.certificates.length ? ['idp_certificates'] : [])];
      this.record(ctx, tx, 'connection.updated', id, { changed });
      return this.view({ ...current, ...changes }, tx);
    });
  }

  async delete(ctx: Ctx, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const current = await this.require(ctx.tenantId, id, tx);
      await this.clearDefault(ctx, id, { tenant: true, organizationIds: await this.repo.linkedOrganizationIds(id, tx) }, tx);
      await this.repo.delete(id, tx);
      this.record(ctx, tx, 'connection.deleted', id, { name: current.name });
    });
  }

  async link(ctx: Ctx, organizationId: string, connectionId: string): Promise<ConnectionView> {
    return this.db.transaction(async (tx) => {
      const connection = await this.require(ctx.tenantId, connectionId, tx);
      if (!(await this.repo.link(organizationId, connectionId, tx))) {
        throw new ConflictError('the connection is already linked to the organization');
      }
      this.record(ctx, tx, 'connection.linked', connectionId, {}, organizationId);
      return this.view(connection, tx);
    });
  }

  async unlink(ctx: Ctx, organizationId: string, connectionId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.unlink(organizationId, connectionId, tx))) throw new NotFoundError('linked connection', connectionId);
      await this.clearDefault(ctx, connectionId, { tenant: false, organizationIds: [organizationId] }, tx);
      this.record(ctx, tx, 'connection.unlinked', connectionId, {}, organizationId);
    });
  }

  async linkedTo(tenantId: string, organizationId: string): Promise<ConnectionView[]> {
    const ids = await this.repo.linkedConnectionIds(organizationId);
    return Promise.all(ids.map((id) => this.get(tenantId, id)));
  }

  linkedOrganizationIds(connectionId: string, tx?: Tx): Promise<string[]> {
    return this.repo.linkedOrganizationIds(connectionId, tx);
  }

  async idpSsoUrl(tenantId: string, connectionId: string): Promise<string | null> {
    return (await this.repo.find(tenantId, connectionId))?.idp_sso_url ?? null;
  }

  async isTenantConnection(tenantId: string, connectionId: string): Promise<boolean> {
    return (await this.repo.find(tenantId, connectionId)) !== null;
  }

  isLinkedToOrganization(organizationId: string, connectionId: string): Promise<boolean> {
    return this.repo.isLinked(organizationId, connectionId);
  }

  /** Does this organization sign in with SSO (has a linked connection)? */


  async forSignIn(tenantId: string, id: string): Promise<SigningConnection> {
    const view = await this.get(tenantId, id);
    return { ...view, spPrivateKey: this.box.open(view.connection.sp_private_key_encrypted) };
  }

  /** Records `connection.certificate_expiring` once per certificate, 30 days before it expires. */
  async warnExpiringCertificates(now: Date): Promise<number> {
    const due = await this.repo.expiringUnwarned(new Date(now.getTime() + CERTIFICATE_WARNING_MS), 100);
    let warned = 0;
    for (const cert of due) {
      await this.db.transaction(async (tx) => {
        if (!(await this.repo.markWarned(cert.connection_id, cert.fingerprint, now, tx))) return;
        warned++;
        this.record({ tenantId: cert.tenant_id, actor: SYSTEM_ACTOR }, tx, 'connection.certificate_expiring', cert.connection_id, {
          fingerprint_sha256: cert.fingerprint,
          not_after: cert.not_after.toISOString(),
        });
      });
    }
    return warned;
  }

  private async require(tenantId: string, id: string, tx?: Tx): Promise<ConnectionRecord> {
    const connection = await this.repo.find(tenantId, id, tx);
    if (!connection) throw new NotFoundError('connection', id);
    return connection;
  }

  private async view(connection: ConnectionRecord, tx?: Tx): Promise<ConnectionView> {
    return { connection, certificates: await this.repo.certificates([connection.id], tx) };
  }

  /**
   * `default_connection_id` must name a connection linked to the organization (any tenant
   * connection at tenant level): unlinking or deleting the connection sets it back to inherit, in
   * the same transaction, with the settings change recorded as an event of its own.
   */
  private async clearDefault(ctx: Ctx, connectionId: string, where: { tenant: boolean; organizationIds: string[] }, tx: Tx): Promise<void> {
    const cleared = await this.repo.clearDefault(connectionId, where.tenant ? ctx.tenantId : null, where.organizationIds, tx);
    const data = { changed: ['auth_settings'], default_connection_id: { from: connectionId, to: null } };
    if (cleared.tenant) this.events.record(ctx, tx, { type: 'tenant.settings_updated', target: { type: 'tenant', id: ctx.tenantId }, data });
    for (const id of cleared.organizationIds) {
      this.events.record(ctx, tx, { type: 'organization.updated', target: { type: 'organization', id }, organizationId: id, data });
    }
  }

  private record(ctx: Ctx, tx: Tx, type: string, id: string, data: Record<string, unknown>, organizationId?: string): void {
    this.events.record(ctx, tx, { type, target: { type: 'connection', id }, organizationId, data });
  }
}

const toRow = (c: CertificateInfo) => ({ fingerprint: c.fingerprint, pem: c.pem, not_after: c.notAfter });

/** The IdP as metadata XML or as separate fields describe it (metadata wins; fields may not be mixed with it). */
function resolveIdp(input: IdpInput): { entityId?: string; ssoUrl?: string; certificates: CertificateInfo[] } {
  if (input.idp_metadata_xml !== undefined) {
    if (input.idp_entity_id !== undefined || input.idp_sso_url !== undefined || input.idp_certificates !== undefined) {
      throw new ValidationError('give either idp_metadata_xml or the idp_* fields, not both', {
        details: [{ path: 'idp_metadata_xml', message: 'conflicts with idp_entity_id / idp_sso_url / idp_certificates' }],
      });
    }
    return parseIdpMetadata(input.idp_metadata_xml);
  }
  const certificates = (input.idp_certificates ?? []).map((pem, i) => {
    const cert = readCertificate(pem);
    if (!cert) {
      throw new ValidationError(`idp_certificates.${i} is not an X.509 certificate`, {
        details: [{ path: `idp_certificates.${i}`, message: 'not a PEM or base64 DER certificate' }],
      });
    }
    return cert;
  });
  const unique = certificates.filter((c, i) => certificates.findIndex((d) => d.fingerprint === c.fingerprint) === i);
  return { entityId: input.idp_entity_id, ssoUrl: input.idp_sso_url, certificates: unique };
}
