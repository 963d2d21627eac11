import { randomBytes } from 'node:crypto';
import type { ApplicationType } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { Ctx } from '../shared/context';
import { randomSecret, sha256Hex } from '../shared/crypto';
import { ConflictError, NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { SECRET_CACHE_TTL_MS, TtlCache } from '../shared/ttl-cache';
import type { ApplicationChanges, ApplicationRecord, ApplicationsRepository } from './applications.repository';

export interface NewApplication {
  name: string;
  type: ApplicationType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | null;
}

export type ApplicationPatch = Partial<Omit<NewApplication, 'type'>>;

/** A client secret: `obc_` and 32 random bytes; only its SHA-256 is stored. */
const mintSecret = () => {
  const secret = `obc_${randomSecret(32)}`;
  return { secret, hash: sha256Hex(secret) };
};

/** The tenant's OIDC applications (clients). */
export class ApplicationsService {
  private readonly byClientId = new TtlCache<ApplicationRecord>(SECRET_CACHE_TTL_MS);

  constructor(
    private readonly db: Database,
    private readonly repo: ApplicationsRepository,
    private readonly events: EventsService,
  ) {}

  /** `client_secret` is returned for web apps only, once. */
  async create(ctx: Ctx, input: NewApplication): Promise<{ app: ApplicationRecord; clientSecret: string | null }> {
    const minted = input.type === 'web' ? mintSecret() : null;
    const app = await this.db.transaction(async (tx) => {
      const row = await this.repo.insert(
        {
          id: newId('app'),
          tenant_id: ctx.tenantId,
          name: input.name,
          type: input.type,
          client_id: randomBytes(16).toString('hex'),
          client_secret_hash: minted?.hash ?? null,
          redirect_uris: input.redirectUris,
          post_logout_redirect_uris: input.postLogoutRedirectUris,
          initiate_login_uri: input.initiateLoginUri,
        },
        tx,
      );
      this.events.record(ctx, tx, { type: 'application.created', target: { type: 'application', id: row.id }, data: { name: row.name, type: row.type, client_id: row.client_id } });
      return row;
    });
    return { app, clientSecret: minted?.secret ?? null };
  }

  async get(tenantId: string, id: string): Promise<ApplicationRecord> {
    const app = await this.repo.find(tenantId, id);
    if (!app) throw new NotFoundError('application', id);
    return app;
  }

  /** An application by its `app_` id or its OIDC client_id (what invitations name); null when neither. */
  async findByIdOrClientId(tenantId: string, key: string, tx?: Tx): Promise<ApplicationRecord | null> {
    return (await this.repo.find(tenantId, key, tx)) ?? (await this.repo.findByClientId(tenantId, key, tx));
  }

  /**
   * An application by its client_id, for the token endpoints (every token, refresh and introspection request
   * reads its client): served from memory for at most SECRET_CACHE_TTL_MS, so a rotated secret or
   * deleted app stops working at once on this process and within 4 s on the others.
   */
  async findByClientIdCached(tenantId: string, clientId: string): Promise<ApplicationRecord | null> {
    const key = `${tenantId}:${clientId}`;
    const hit = this.byClientId.get(key);
    if (hit) return hit;
    const app = await this.repo.findByClientId(tenantId, clientId);
    if (app) this.byClientId.set(key, app);
    return app;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ApplicationRecord>> {
    const rows = await this.repo.list(tenantId, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  async update(ctx: Ctx, id: string, patch: ApplicationPatch): Promise<ApplicationRecord> {
    return this.db.transaction(async (tx) => {
      const app = await this.repo.find(ctx.tenantId, id, tx);
      if (!app) throw new NotFoundError('application', id);
      const changes: ApplicationChanges = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.redirectUris !== undefined) changes.redirect_uris = patch.redirectUris;
      if (patch.postLogoutRedirectUris !== undefined) changes.post_logout_redirect_uris = patch.postLogoutRedirectUris;
      if (patch.initiateLoginUri !== undefined) changes.initiate_login_uri = patch.initiateLoginUri;
      await this.repo.update(ctx.tenantId, id, changes, tx);
      this.forget(ctx.tenantId, app.client_id);
      this.events.record(ctx, tx, { type: 'application.updated', target: { type: 'application', id }, data: { fields: Object.keys(changes) } });
      return (await this.repo.find(ctx.tenantId, id, tx))!;
    });
  }

  async delete(ctx: Ctx, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const app = await this.repo.find(ctx.tenantId, id, tx);
      if (!app) throw new NotFoundError('application', id);
      await this.repo.delete(ctx.tenantId, id, tx);
      this.forget(ctx.tenantId, app.client_id);
      this.events.record(ctx, tx, { type: 'application.deleted', target: { type: 'application', id }, data: { name: app.name, client_id: app.client_id } });
    });
  }

  /** A new secret for a web app; the old one stops working at once. */
  async rotateSecret(ctx: Ctx, id: string): Promise<{ app: ApplicationRecord; clientSecret: string }> {
    const minted = mintSecret();
    return this.db.transaction(async (tx) => {
      const app = await this.repo.find(ctx.tenantId, id, tx);
      if (!app) throw new NotFoundError('application', id);
      if (app.type !== 'web') throw new ConflictError(`only web applications have a client secret; this one is ${app.type}`);
      await this.repo.update(ctx.tenantId, id, { client_secret_hash: minted.hash }, tx);
      this.forget(ctx.tenantId, app.client_id);
      this.events.record(ctx, tx, { type: 'application.secret_rotated', target: { type: 'application', id }, data: { client_id: app.client_id } });
      return { app: { ...app, client_secret_hash: minted.hash }, clientSecret: minted.secret };
    });
  }

  private forget(tenantId: string, clientId: string): void {
    this.byClientId.delete(`${tenantId}:${clientId}`);
  }
}
