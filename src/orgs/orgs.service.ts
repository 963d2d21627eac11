import { randomBytes } from 'node:crypto';
import type { ConnectionLookup } from '../shared/connection-lookup';
import type { Ctx } from '../shared/context';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import { fullAuthSettings, fullBranding, mergePatch, type AuthSettingsPatch } from '../tenants/settings';
import { assertMetadataSize, mergeMetadata } from '../shared/metadata';
import { type CreateOrgInput, type PatchOrgInput } from './orgs.schemas';
import type { OrgChanges, OrgRecord, OrgsRepository } from './orgs.repository';
import { BUILT_IN_ROLES, type RolesService } from './roles.service';
import { AUTO_JOIN_REFUSED_ROLE, DEFAULT_DOMAIN_POLICY, fullDomainPolicy, patchDomainPolicy, type DomainPolicyPatch } from './domain-policy';
import { slugify, withSuffix } from './slug';

const DERIVED_SLUG_ATTEMPTS = 5;

export class OrgsService {
  constructor(
    private readonly db: Database,
    private readonly repo: OrgsRepository,
    private readonly roles: RolesService,
    private readonly events: EventsService,
    private readonly connections: ConnectionLookup,
  ) {}

  /**
   * Creates an organization with its built-in roles. A slug given by the caller must be free
   * (409); a slug derived from the name gets a short suffix when taken.
   */
  async create(ctx: Ctx, input: CreateOrgInput): Promise<OrgRecord> {
    await this.checkDefaultConnection(null, input.auth_settings);
    await this.checkAutoJoin(null, input.domain_policy?.auto_join);
    const parentId = input.parent_id ? (await this.requireParent(ctx.tenantId, input.parent_id)).id : null;
    const base = input.slug ?? slugify(input.name);
    for (let attempt = 0; ; attempt++) {
      const slug = input.slug || attempt === 0 ? base : withSuffix(base, randomBytes(3).toString('hex'));
      try {
        return await this.insert(ctx, input, slug, parentId);
      } catch (err) {
        if (input.slug || !(err instanceof ConflictError) || attempt + 1 >= DERIVED_SLUG_ATTEMPTS) throw err;
      }
    }
  }

  private insert(ctx: Ctx, input: CreateOrgInput, slug: string, parentId: string | null): Promise<OrgRecord> {
    return this.db.transaction(async (tx) => {
      const org = await this.repo.insert(
        {
          id: newId('org'),
          tenant_id: ctx.tenantId,
          name: input.name,
          slug,
          description: input.description ?? null,
          metadata: input.metadata ?? {},
          branding: mergePatch(fullBranding(null), input.branding),
          auth_settings: mergePatch(fullAuthSettings(null), input.auth_settings),
          domain_policy: { ...patchDomainPolicy(DEFAULT_DOMAIN_POLICY, input.domain_policy) },
          parent_id: parentId,
        },
        tx,
      );
      await this.roles.createBuiltIns(org.id, tx);
      this.events.record(ctx, tx, {
        type: 'organization.created',
        target: { type: 'organization', id: org.id },
        organizationId: org.id,
        data: { name: org.name, slug: org.slug, ...(parentId ? { parent_id: parentId } : {}) },
      });
      return org;
    });
  }

  async list(tenantId: string, search: string | undefined, page: PageRequest, parentKey?: string): Promise<Page<OrgRecord>> {
    const parentId = parentKey ? (await this.get(tenantId, parentKey)).id : undefined;
    const rows = await this.repo.list(tenantId, search, page.limit + 1, page.after, parentId);
    return toPage(rows, page.limit, (o) => o.id, (o) => o);
  }

  /** By id or slug. */
  async get(tenantId: string, key: string, tx?: Tx): Promise<OrgRecord> {
    const org = await this.repo.findByKey(tenantId, key, tx);
    if (!org) throw new NotFoundError('organization', key);
    return org;
  }

  /**
   * Locks the organization row until `tx` ends. Membership changes that guard an invariant
   * of the whole organization (its last owner) take this lock first, so they serialize.
   */
  async lock(tenantId: string, orgId: string, tx: Tx): Promise<OrgRecord> {
    const org = await this.repo.findByKey(tenantId, orgId, tx, true);
    if (!org) throw new NotFoundError('organization', orgId);
    return org;
  }

  findByIds(ids: string[]): Promise<OrgRecord[]> {
    return this.repo.findByIds(ids);
  }

  async replace(ctx: Ctx, key: string, input: CreateOrgInput): Promise<OrgRecord> {
    return this.update(ctx, key, (org) => ({
      name: input.name,
      slug: input.slug ?? org.slug,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      branding: mergePatch(fullBranding(null), input.branding),
      auth_settings: mergePatch(fullAuthSettings(null), input.auth_settings),
      domain_policy: { ...patchDomainPolicy(DEFAULT_DOMAIN_POLICY, input.domain_policy) },
    }), input.auth_settings, input.domain_policy);
  }

  async patch(ctx: Ctx, key: string, input: PatchOrgInput): Promise<OrgRecord> {
    return this.update(ctx, key, (org) => {
      const changes: OrgChanges = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.description !== undefined) changes.description = input.description;
      if (input.metadata !== undefined) changes.metadata = assertMetadataSize('metadata', mergeMetadata(org.metadata, input.metadata));
      if (input.branding !== undefined) changes.branding = mergePatch(fullBranding(org.branding), input.branding);
      if (input.auth_settings !== undefined) {
        changes.auth_settings = mergePatch(fullAuthSettings(org.auth_settings), input.auth_settings);
      }
      if (input.domain_policy !== undefined) changes.domain_policy = { ...patchDomainPolicy(fullDomainPolicy(org.domain_policy), input.domain_policy) };
      return changes;
    }, input.auth_settings, input.domain_policy);
  }

  private async update(
    ctx: Ctx,
    key: string,
    changesFor: (org: OrgRecord) => OrgChanges,
    authPatch: AuthSettingsPatch | null | undefined,
    policyPatch?: DomainPolicyPatch | null,
  ): Promise<OrgRecord> {
    return this.db.transaction(async (tx) => {
      const org = await this.lock(ctx.tenantId, key, tx);
      await this.checkDefaultConnection(org.id, authPatch);
      await this.checkAutoJoin(org.id, policyPatch?.auto_join, tx);
      const changes = changesFor(org);
      await this.repo.update(org.id, changes, tx);
      this.events.record(ctx, tx, {
        type: 'organization.updated',
        target: { type: 'organization', id: org.id },
        organizationId: org.id,
        data: { changed: Object.keys(changes) },
      });
      return (await this.repo.findByKey(ctx.tenantId, org.id, tx))!;
    });
  }

  async delete(ctx: Ctx, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const org = await this.lock(ctx.tenantId, key, tx);
      // A parent goes with its workspaces, each deleted (and recorded) first.
      for (const workspace of [...(await this.repo.children(org.id, tx)), org]) {
        await this.repo.delete(workspace.id, tx);
        this.events.record(ctx, tx, {
          type: 'organization.deleted',
          target: { type: 'organization', id: workspace.id },
          organizationId: workspace.id,
          data: { name: workspace.name, slug: workspace.slug, ...(workspace.parent_id ? { parent_id: workspace.parent_id } : {}) },
        });
      }
    });
  }

  /** A workspace's parent: an organization of the tenant that is not itself a workspace (one level). */
  private async requireParent(tenantId: string, key: string): Promise<OrgRecord> {
    const parent = await this.repo.findByKey(tenantId, key);
    const problem = !parent ? 'not an organization of this tenant' : parent.parent_id ? 'is a workspace itself: workspaces are one level deep' : null;
    if (problem) throw new ValidationError(`parent_id '${key}' ${problem}`, { details: [{ path: 'parent_id', message: problem }] });
    return parent!;
  }

  /** auto_join names a role of the organization (the built-ins at creation), never `owner`. */
  private async checkAutoJoin(orgId: string | null, roleKey: string | null | undefined, tx?: Tx): Promise<void> {
    if (!roleKey) return;
    const exists = orgId ? await this.roles.requireAssignable(orgId, roleKey, tx).then(() => true, (err: unknown) => { if (err instanceof ValidationError) return false; throw err; }) : BUILT_IN_ROLES.some((r) => r.key === roleKey);
    if (exists && roleKey !== AUTO_JOIN_REFUSED_ROLE) return;
    throw new ValidationError(
      roleKey === AUTO_JOIN_REFUSED_ROLE ? 'domain_policy.auto_join cannot be owner' : `domain_policy.auto_join: role '${roleKey}' does not exist in this organization`,
      { details: [{ path: 'domain_policy.auto_join', message: roleKey === AUTO_JOIN_REFUSED_ROLE ? 'owner is not allowed' : 'unknown role' }] },
    );
  }

  private async checkDefaultConnection(orgId: string | null, patch: AuthSettingsPatch | null | undefined): Promise<void> {
    const connectionId = patch?.default_connection_id;
    if (!connectionId) return;
    if (orgId && (await this.connections.isLinkedToOrganization(orgId, connectionId))) return;
    throw new ValidationError('auth_settings.default_connection_id must be a connection linked to the organization', {
      details: [{ path: 'auth_settings.default_connection_id', message: 'not a linked connection' }],
    });
  }
}
