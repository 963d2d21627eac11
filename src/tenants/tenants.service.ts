import type { ConnectionLookup } from '../shared/connection-lookup';
import { SECRET_CACHE_TTL_MS, TtlCache } from '../shared/ttl-cache';
import type { Ctx } from '../shared/context';
import { NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import {
  fullAuthSettings,
  fullBranding,
  mergePatch,
  type AuthSettingsPatch,
  type BrandingPatch,
  type Settings,
} from './settings';
import type { TenantRecord, TenantsRepository } from './tenants.repository';

/** The tenant's defaults as `GET /settings` shows them (beside the effective values). */
export type TenantSettings = Settings & { inherit_global_permissions_in_organizations: boolean };

/** What every new tenant starts with besides its row (the built-in tenant roles). */
export interface TenantBuiltIns {
  createBuiltIns(tenantId: string, tx: Tx): Promise<void>;
}

export class TenantsService {
  private readonly cache = new TtlCache<TenantRecord>(SECRET_CACHE_TTL_MS, 10_000);

  constructor(
    private readonly db: Database,
    private readonly repo: TenantsRepository,
    private readonly events: EventsService,
    private readonly connections: ConnectionLookup,
    private readonly builtIns?: TenantBuiltIns,
  ) {}

  /** `then` runs in the same transaction once the tenant exists (e.g. inviting its first administrator). */
  async create(
    actor: Ctx['actor'],
    input: { slug: string; name: string },
    then?: (tenant: TenantRecord, tx: Tx) => Promise<void>,
  ): Promise<TenantRecord> {
    return this.db.transaction(async (tx) => {
      const tenant = await this.repo.insert({ id: newId('ten'), slug: input.slug, name: input.name }, tx);
      await this.events.initTenant(tenant.id, tx);
      await this.builtIns?.createBuiltIns(tenant.id, tx);
      this.events.record({ tenantId: tenant.id, actor }, tx, {
        type: 'tenant.created',
        target: { type: 'tenant', id: tenant.id },
        data: { slug: tenant.slug, name: tenant.name },
      });
      await then?.(tenant, tx);
      return tenant;
    });
  }

  list(page: PageRequest): Promise<Page<TenantRecord>> {
    return this.repo.list(page.limit + 1, page.after).then((rows) => toPage(rows, page.limit, (t) => t.id, (t) => t));
  }

  /** Finds a tenant by id or slug. */
  async get(key: string): Promise<TenantRecord> {
    const tenant = await this.repo.findByKey(key);
    if (!tenant) throw new NotFoundError('tenant', key);
    return tenant;
  }

  find(key: string): Promise<TenantRecord | null> {
    return this.repo.findByKey(key);
  }

  /**
   * `find` for hot request paths (SCIM, routing): served from memory for at most the secret
   * cache TTL, so a deleted tenant stops answering within 5 seconds on every process.
   */
  async findCached(key: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const tenant = await this.repo.findByKey(key);
    if (tenant) this.cache.set(key, tenant);
    return tenant;
  }

  async delete(key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const tenant = await this.repo.findByKey(key, tx);
      if (!tenant) throw new NotFoundError('tenant', key);
      await this.repo.delete(tenant.id, tx);
    });
  }

  settingsOf(tenant: TenantRecord): Settings {
    return { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) };
  }

  tenantSettingsOf(tenant: TenantRecord): TenantSettings {
    return { ...this.settingsOf(tenant), inherit_global_permissions_in_organizations: Boolean(tenant.inherit_global_permissions_in_organizations) };
  }

  async updateSettings(
    ctx: Ctx,
    patch: { branding?: BrandingPatch | null; auth_settings?: AuthSettingsPatch | null; inherit_global_permissions_in_organizations?: boolean },
  ): Promise<TenantSettings> {
    const connectionId = patch.auth_settings?.default_connection_id;
    if (connectionId && !(await this.connections.isTenantConnection(ctx.tenantId, connectionId))) {
      throw new ValidationError('auth_settings.default_connection_id is not a connection of this tenant', {
        details: [{ path: 'auth_settings.default_connection_id', message: 'unknown connection' }],
      });
    }
    return this.db.transaction(async (tx) => {
      const tenant = await this.repo.findByKey(ctx.tenantId, tx);
      if (!tenant) throw new NotFoundError('tenant', ctx.tenantId);
      const current = this.settingsOf(tenant);
      const next: TenantSettings = {
        branding: mergePatch(current.branding, patch.branding),
        auth_settings: mergePatch(current.auth_settings, patch.auth_settings),
        inherit_global_permissions_in_organizations:
          patch.inherit_global_permissions_in_organizations ?? Boolean(tenant.inherit_global_permissions_in_organizations),
      };
      await this.repo.updateSettings(tenant.id, next, tx);
      this.events.record(ctx, tx, {
        type: 'tenant.settings_updated',
        target: { type: 'tenant', id: tenant.id },
        data: { changed: Object.keys(patch) },
      });
      return next;
    });
  }
}
