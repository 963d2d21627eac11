import { checkNewPassword, hashPassword, verifyPassword } from '../auth/passwords';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { safeEqualHex } from '../shared/crypto';
import { ConflictError, ForbiddenError, GoneError, NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { normalizeEmail } from '../shared/schemas';
import type { OrgRecord, TenantRecord, UserRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import { invitationMail } from '../mail/templates/invitation';
import type { OutboxService } from '../mail/outbox.service';
import type { MembersService } from '../orgs/members.service';
import type { OrgsService } from '../orgs/orgs.service';
import { highestRole, type RolesService } from '../orgs/roles.service';
import type { ConnectionLookup } from '../shared/connection-lookup';
import type { DomainPolicyService } from '../domains/domain-policy.service';
import { effectiveSettings, fullAuthSettings, fullBranding, type Branding } from '../tenants/settings';
import type { TenantsService } from '../tenants/tenants.service';
import type { UsersService } from '../users/users.service';
import type { InvitationRecord, InvitationsRepository, InvitationStatus } from './invitations.repository';
import { inviterOf, type InviterView } from './inviter';
import { hashInviteToken, inviteUrl, newInviteToken, pendingKey } from './invite-token';
import type { SsoDomainPolicy } from './sso-domain-policy';
import type { SsoAcceptance, SsoInvitations, SsoPerson } from '../sso/invitation-port';
import { applicationTarget, webOrigins, type ApplicationLookup } from './invited-application';

export const DEFAULT_EXPIRES_IN = 604_800;
export const MAX_EXPIRES_IN = 2_592_000;
/** The tenant-level invitation (section 3) makes a tenant administrator. */
export const TENANT_ADMIN_ROLE = 'admin';

/** Where an invitation leads: an organization, or (org `null`) the tenant's administration. */
export interface Scope {
  tenant: TenantRecord;
  org: OrgRecord | null;
}

export interface InviteInput {
  email: string;
  /** Tenant level: `admin`. Organization level: the role keys (`roles`, or `[role]`). */
  role: string;
  roles?: string[];
  connectionId?: string;
  clientId?: string;
  returnTo?: string;
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
  expiresIn: number;
  sendEmail: boolean;
  inviterUserId?: string;
  metadata?: Record<string, unknown>;
}

export interface Issued {
  invitation: InvitationRecord;
  url: string;
}

/** What the acceptance page needs to show before anyone types anything. */
export interface Opened extends Scope {
  invitation: InvitationRecord;
  /**
   * `register`: a new person; `sign_in`: an account with a password exists; `sso`: the invitation
   * names a connection and is accepted through its sign-in only.
   */
  account: 'register' | 'sign_in' | 'sso';
  /** for `sso`: the connection, and the origin of its IdP's sign-in URL (the page's form goes there through start) */
  sso?: { connectionId: string };
  branding: Branding;
  passwordMinLength: number;
  /** wrong passwords this link tolerates: the effective `max_login_attempts` */
  maxPasswordAttempts: number;
}

export interface AcceptInput {
  token: string;
  name?: string;
  password?: string;
}

export interface Accepted {
  user_id: string;
  organization_id: string | null;
  role: string;
  /** every role the membership holds (tenant level: `[admin]`) */
  roles: string[];
  /** Where the browser goes next, for an invitation with a `client_id`: its `return_to`, else the application's default. */
  return_to?: string;
}

export class InvitationsService implements SsoInvitations {
  constructor(
    private readonly db: Database,
    private readonly repo: InvitationsRepository,
    private readonly deps: {
      tenants: TenantsService;
      orgs: OrgsService;
      roles: RolesService;
      users: UsersService;
      members: MembersService;
      events: EventsService;
      outbox: OutboxService;
      sso: SsoDomainPolicy;
      connections: ConnectionLookup;
      applications: ApplicationLookup;
      domainPolicy: Pick<DomainPolicyService, 'assertEmailAllowed' | 'autoJoin'>;
      clock: Clock;
      publicUrl: string;
    },
  ) {}

  /**
   * Invites `email`. 409 when the person already belongs (member, or tenant administrator)
   * or a pending, unexpired invite exists: the unique `pending_key` settles parallel creates.
   */
  create(ctx: Ctx, scope: Scope, input: InviteInput, outer?: Tx): Promise<Issued> {
    const { tenant, org } = scope;
    const email = input.email.trim();
    const normalized = normalizeEmail(email);
    return this.db.run(outer, async (tx) => {
      const roleKeys = org ? await this.requireRoles(org.id, input.roles ?? [input.role], tx) : [TENANT_ADMIN_ROLE];
      const role = roleKeys[0]!;
      if (input.connectionId) await this.requireLinkedConnection(org, input.connectionId);
      if (input.clientId) await this.requireApplication(tenant.id, input.clientId, input.returnTo, tx);
      const inviter = input.inviterUserId ? await this.requireInviter(tenant.id, input.inviterUserId, tx) : null;
      await this.assertNotAlreadyIn(scope, normalized, tx);
      await this.assertNoSsoOwner(tenant.id, org, email);
      if (org) await this.deps.domainPolicy.assertEmailAllowed(tenant.id, org, email, tx);

      const now = this.deps.clock.now();
      const key = pendingKey(tenant.id, org?.id ?? null, normalized);
      const stale = await this.repo.findStalePending(key, now, tx);
      if (stale) await this.repo.finish(stale.id, { status: 'expired' }, tx);

      const { token, hash } = newInviteToken();
      const invitation = await this.repo.insert(
        {
          id: newId('inv'),
          tenant_id: tenant.id,
          organization_id: org?.id ?? null,
          email,
          email_normalized: normalized,
          role_key: role,
          status: 'pending',
          token_hash: hash,
          pending_key: key,
          expires_at: new Date(now.getTime() + input.expiresIn * 1000),
          inviter_user_id: inviter?.id ?? null,
          metadata: input.metadata ?? {},
          role_keys: roleKeys,
          connection_id: input.connectionId ?? null,
          client_id: input.clientId ?? null,
          return_to: input.returnTo ?? null,
          app_metadata: input.appMetadata ?? null,
          user_metadata: input.userMetadata ?? null,
          inviter_type: inviter ? 'user' : ctx.actor.type,
          inviter_id: inviter ? inviter.id : ctx.actor.id,
        },
        tx,
      );
      const url = inviteUrl(this.deps.publicUrl, tenant.slug, token);
      if (input.sendEmail) await this.queueMail(ctx, scope, invitation, url, inviter, tx);
      this.record(ctx, tx, 'invitation.created', invitation, {
        role,
        roles: roleKeys,
        ...(invitation.connection_id ? { connection_id: invitation.connection_id } : {}),
        ...(invitation.client_id ? { client_id: invitation.client_id } : {}),
        expires_at: invitation.expires_at.toISOString(),
        inviter_user_id: invitation.inviter_user_id,
        send_email: input.sendEmail,
      });
      return { invitation, url };
    });
  }

  async list(tenantId: string, orgId: string | null, status: InvitationStatus | undefined, page: PageRequest): Promise<Page<InvitationRecord>> {
    const now = this.deps.clock.now();
    const rows = await this.repo.list({ tenantId, organizationId: orgId, status, now }, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  async get(tenantId: string, orgId: string | null, id: string, tx?: Tx): Promise<InvitationRecord> {
    const invitation = await this.repo.find(tenantId, orgId, id, tx);
    if (!invitation) throw new NotFoundError('invitation', id);
    return invitation;
  }

  /** A new link and expiry for a pending invitation (expired or not); the old link answers 410. */
  resend(ctx: Ctx, scope: Scope, id: string, input: { expiresIn: number; sendEmail: boolean }): Promise<Issued> {
    return this.db.transaction(async (tx) => {
      const current = await this.get(scope.tenant.id, scope.org?.id ?? null, id, tx);
      const { token, hash } = newInviteToken();
      const expiresAt = new Date(this.deps.clock.now().getTime() + input.expiresIn * 1000);
      if (!(await this.repo.renew(current.id, hash, expiresAt, tx))) {
        throw new ConflictError(`only a pending invitation can be resent; this one is ${current.status}`);
      }
      const invitation = { ...current, token_hash: hash, expires_at: expiresAt };
      const url = inviteUrl(this.deps.publicUrl, scope.tenant.slug, token);
      if (input.sendEmail) {
        const inviter = invitation.inviter_user_id ? await this.findUser(scope.tenant.id, invitation.inviter_user_id, tx) : null;
        await this.queueMail(ctx, scope, invitation, url, inviter, tx);
      }
      this.record(ctx, tx, 'invitation.resent', invitation, { expires_at: expiresAt.toISOString(), send_email: input.sendEmail });
      return { invitation, url };
    });
  }

  /** Revokes a pending invitation; revoking a revoked one again changes nothing. */
  async revoke(ctx: Ctx, scope: Scope, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const invitation = await this.get(scope.tenant.id, scope.org?.id ?? null, id, tx);
      if (invitation.status === 'revoked') return;
      const now = this.deps.clock.now();
      if (!(await this.repo.finish(invitation.id, { status: 'revoked', revoked_at: now }, tx))) {
        throw new ConflictError(`the invitation is already ${invitation.status}`);
      }
      this.record(ctx, tx, 'invitation.revoked', invitation, {});
    });
  }

  /** Looks a link up for the acceptance page: 404 unknown (or another tenant's), 410 used/expired/revoked/replaced. */
  async open(tenantKey: string, token: string): Promise<Opened> {
    const tenant = await this.deps.tenants.find(tenantKey);
    const hash = hashInviteToken(token);
    const invitation = tenant ? await this.repo.findByTokenHash(hash) : null;
    if (!tenant || !invitation || invitation.tenant_id !== tenant.id) throw new NotFoundError('invitation');
    this.assertUsable(invitation, hash);
    const org = invitation.organization_id ? await this.deps.orgs.get(tenant.id, invitation.organization_id) : null;
    await this.assertNoSsoOwner(tenant.id, org, invitation.email);
    const effective = this.effectiveSettings({ tenant, org });
    const shown = {
      tenant,
      org,
      invitation,
      branding: effective.branding,
      passwordMinLength: effective.auth_settings.password_min_length,
      maxPasswordAttempts: effective.auth_settings.max_login_attempts,
    };
    if (invitation.connection_id) return { ...shown, account: 'sso', sso: { connectionId: invitation.connection_id } };
    const user = await this.deps.users.findByEmail(tenant.id, invitation.email);
    if (user) assertCanSignIn(user);
    return { ...shown, account: user ? 'sign_in' : 'register' };
  }

  /** 410 for a link replaced by a resend, or an invitation accepted, revoked or expired. */
  private assertUsable(invitation: InvitationRecord, tokenHash: string): void {
    if (!safeEqualHex(invitation.token_hash, tokenHash)) {
      throw new GoneError('this invitation link was replaced by a newer one: use the link in the most recent invitation mail');
    }
    if (invitation.status === 'accepted') throw new GoneError('this invitation has already been accepted');
    if (invitation.status === 'revoked') throw new GoneError('this invitation has been revoked');
    if (invitation.status === 'expired' || invitation.expires_at <= this.deps.clock.now()) {
      throw new GoneError('this invitation has expired: ask for a new one');
    }
  }

  /**
   * Accepts: a new person registers, someone with an account proves its password. The
   * status change, the user, the membership and the event commit together; the status
   * UPDATE is conditional, so of parallel accepts exactly one wins.
   */
  async accept(tenantKey: string, input: AcceptInput): Promise<Accepted> {
    const opened = await this.open(tenantKey, input.token);
    assertPasswordPathAllowed(opened.invitation);
    const { tenant, org, invitation } = opened;
    const existing = await this.deps.users.findByEmail(tenant.id, invitation.email);
    const registration = existing ? null : await this.register(opened, input);
    if (existing) await this.signIn(opened, existing, input.password);

    return this.db.transaction(async (tx) => {
      const done = await this.complete({ tenant, org }, invitation, existing, registration, tx);
      // Acceptance is a sign-in: the domain's auto_join organization (if another) takes the person in too.
      await this.deps.domainPolicy.autoJoin(tenant.id, done.user, tx);
      const target = await this.targetOf(invitation, tx);
      return { user_id: done.user.id, organization_id: org?.id ?? null, role: done.role, roles: done.roles, ...(target ? { return_to: target } : {}) };
    });
  }

  /** SSO start from the acceptance page: the link must be usable and name this connection. */
  async openForSso(tenantKey: string, token: string, connectionId: string): Promise<string> {
    const { invitation, org } = await this.open(tenantKey, token);
    if (invitation.connection_id !== connectionId) throw new ForbiddenError('this invitation is not accepted through this sign-in');
    await this.assertStillLinked(org, connectionId);
    return invitation.token_hash;
  }

  /** The connection must still sign in for the invitation's organization (it may have been unlinked since). */
  private async assertStillLinked(org: OrgRecord | null, connectionId: string): Promise<void> {
    if (!org || !(await this.deps.connections.isLinkedToOrganization(org.id, connectionId))) {
      throw new ForbiddenError('this sign-in is no longer linked to the organization of the invitation: ask for a new invitation');
    }
  }

  /**
   * The ACS of the invitation's connection, in the sign-in's transaction, after a valid
   * assertion: accepts when the asserted email is the invitation's (normalized). Nothing is
   * written on a refusal (the caller's transaction rolls back), so the invitation stays pending.
   * Which accounts the connection's IdP may reach this way (F1: new accounts only, outside the
   * connection's verified domains) the SAML service checks after this (docs/invitations.md).
   */
  async acceptThroughSso(tenant: TenantRecord, tokenHash: string, connectionId: string, person: SsoPerson, tx: Tx): Promise<SsoAcceptance> {
    const invitation = await this.repo.findByTokenHash(tokenHash, tx);
    if (!invitation || invitation.tenant_id !== tenant.id || invitation.connection_id !== connectionId || !invitation.organization_id) {
      return { ok: false, reason: 'gone', message: 'This invitation can no longer be used.' };
    }
    try {
      this.assertUsable(invitation, tokenHash);
      if (normalizeEmail(person.email) !== invitation.email_normalized) {
        return {
          ok: false,
          reason: 'email_mismatch',
          message: 'This invitation is for another email address. Sign in at your identity provider as the person the invitation was sent to.',
        };
      }
      const org = await this.deps.orgs.get(tenant.id, invitation.organization_id, tx);
      await this.assertStillLinked(org, connectionId);
      await this.assertNoSsoOwner(tenant.id, org, invitation.email);
      const existing = await this.deps.users.findByEmail(tenant.id, invitation.email, tx);
      if (existing?.blocked) throw new ForbiddenError('this account is blocked');
      const membership = existing ? await this.deps.members.find(org.id, existing.id, tx) : null;
      if (membership && membership.status !== 'active') throw new ForbiddenError(`your membership of ${org.name} is suspended`);
      const newUser = existing ? null : { id: newId('usr'), name: person.name };
      const done = await this.complete({ tenant, org }, invitation, existing, newUser, tx, { connection_id: connectionId });
      return { ok: true, invitationId: invitation.id, user: done.user, org, role: done.role, redirectTo: await this.targetOf(invitation, tx) };
    } catch (err) {
      if (err instanceof GoneError) return { ok: false, reason: 'gone', message: err.message };
      if (err instanceof ForbiddenError) return { ok: false, reason: 'refused', message: err.message };
      throw err;
    }
  }

  /**
   * What every acceptance writes: the conditional status change (410 when another won), the user
   * (new, or the existing one with the invitation's metadata merged), the membership with every
   * invited role (`source: invitation`) or the tenant-level admin role, and `invitation.accepted`.
   */
  private async complete(
    { tenant, org }: Scope,
    invitation: InvitationRecord,
    existing: UserRecord | null,
    newUser: { id: string; name: string | null; passwordHash?: string } | null,
    tx: Tx,
    extra: Record<string, unknown> = {},
  ): Promise<{ user: UserRecord; role: string; roles: string[] }> {
    const now = this.deps.clock.now();
    const userId = existing?.id ?? newUser!.id;
    const won = await this.repo.finish(invitation.id, { status: 'accepted', accepted_user_id: userId, accepted_at: now }, tx, {
      at: now,
      tokenHash: invitation.token_hash,
    });
    if (!won) throw new GoneError('this invitation has already been used, revoked or has expired');
    const ctx: Ctx = { tenantId: tenant.id, actor: { type: 'user', id: userId } };
    const metadata = { app_metadata: invitation.app_metadata ?? undefined, user_metadata: invitation.user_metadata ?? undefined };
    const user =
      existing ??
      (await this.deps.users.create(ctx, { ...newUser!, email: invitation.email, tenant_role: org ? null : TENANT_ADMIN_ROLE, ...metadata }, tx));
    // The invitation's metadata is merged over an existing user's (RFC 7396 top level, 16 KiB each after the merge).
    if (existing && (metadata.app_metadata || metadata.user_metadata)) await this.deps.users.update(ctx, user.id, metadata, tx);
    let role = invitation.role_key;
    let roles = invitedRoles(invitation);
    let alreadyMember = false;
    if (org) {
      const membership = await this.deps.members.find(org.id, user.id, tx);
      // Already a member (added since the invite was sent): the invitation is used up, the membership stays as it is.
      if (membership) [role, roles, alreadyMember] = [membership.role_key, await this.deps.members.rolesOfMembership(membership, tx), true];
      // Every invited role (the highest-ranked first; invitations made before seed 001 hold their one role).
      else roles = (await this.deps.members.add(ctx, org, { userId: user.id }, invitedRoles(invitation), 'invitation', tx)).roles;
    } else if (user.tenant_role !== TENANT_ADMIN_ROLE) {
      await this.deps.users.update(ctx, user.id, { tenant_role: TENANT_ADMIN_ROLE }, tx);
    }
    this.record(ctx, tx, 'invitation.accepted', invitation, { role, roles, user_id: user.id, new_user: !existing, already_member: alreadyMember, ...extra });
    return { user, role, roles };
  }

  private async register(opened: Opened, input: AcceptInput): Promise<{ id: string; name: string; passwordHash: string }> {
    const name = input.name?.trim();
    if (!name) throw new ValidationError('name is required to create your account', { details: [{ path: 'name', message: 'required' }] });
    if (name.length > 200) throw new ValidationError('name is at most 200 characters', { details: [{ path: 'name', message: 'too long' }] });
    if (!input.password) throw new ValidationError('password is required to create your account', { details: [{ path: 'password', message: 'required' }] });
    checkNewPassword(input.password, { minLength: opened.passwordMinLength, email: opened.invitation.email });
    return { id: newId('usr'), name, passwordHash: await hashPassword(input.password) };
  }

  /** An existing account proves its password; after too many wrong ones the link stops working until resent. */
  private async signIn(opened: Opened, user: UserRecord, password: string | undefined): Promise<void> {
    assertCanSignIn(user);
    if (opened.invitation.failed_attempts >= opened.maxPasswordAttempts) {
      throw new GoneError('too many wrong passwords were tried with this link: ask for the invitation to be sent again');
    }
    if (!password) throw new UnauthorizedError('this email already has an account: enter its password to accept the invitation');
    if (!(await verifyPassword(password, user.password_hash!))) {
      await this.db.transaction((tx) => this.repo.countFailedAttempt(opened.invitation.id, tx));
      throw new UnauthorizedError('wrong password');
    }
  }

  private async queueMail(ctx: Ctx, scope: Scope, invitation: InvitationRecord, url: string, inviter: UserRecord | null, tx: Tx): Promise<void> {
    const { tenant, org } = scope;
    const { branding } = this.effectiveSettings(scope);
    const mail = invitationMail({
      to: invitation.email,
      joining: org?.name ?? tenant.name,
      tenantLevel: !org,
      role: invitation.role_key,
      inviter: inviter ? (inviter.name ?? inviter.email) : `An administrator of ${tenant.name}`,
      url,
      expiresAt: invitation.expires_at,
      primaryColor: branding.primary_color,
    });
    await this.deps.outbox.queue(ctx.tenantId, mail, tx);
  }

  private findUser(tenantId: string, userId: string, tx: Tx): Promise<UserRecord | null> {
    return this.deps.users.get(tenantId, userId, tx).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
  }

  /** The organization's settings after inheritance from the tenant (the tenant's own for tenant level). */
  private effectiveSettings({ tenant, org }: Scope) {
    const own = org ? { branding: fullBranding(org.branding), auth_settings: fullAuthSettings(org.auth_settings) } : null;
    return effectiveSettings(own, this.deps.tenants.settingsOf(tenant));
  }

  /** Who created each invitation, with the email of user inviters (one lookup for a page). */
  async invitersOf(tenantId: string, invitations: InvitationRecord[]): Promise<Map<string, InviterView | null>> {
    const userIds = invitations.map(inviterOf).filter((i) => i?.type === 'user' && i.id).map((i) => i!.id!);
    const emails = new Map((await this.deps.users.findByIds(tenantId, [...new Set(userIds)])).map((u) => [u.id, u.email]));
    return new Map(
      invitations.map((inv) => {
        const inviter = inviterOf(inv);
        const email = inviter?.type === 'user' && inviter.id ? emails.get(inviter.id) : undefined;
        return [inv.id, inviter && (email ? { ...inviter, email } : inviter)];
      }),
    );
  }

  /** Every invited role must exist; the first key returned is the highest-ranked one. */
  private async requireRoles(organizationId: string, keys: string[], tx: Tx): Promise<string[]> {
    const roles = [];
    for (const [i, key] of keys.entries()) {
      try {
        roles.push(await this.deps.roles.requireAssignable(organizationId, key, tx));
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError(err.message, { details: [{ path: keys.length > 1 || i > 0 ? `roles.${i}` : 'role', message: 'unknown role' }] });
        throw err;
      }
    }
    const top = highestRole(roles)!;
    return [top.key, ...roles.filter((r) => r !== top).map((r) => r.key)];
  }

  private async requireLinkedConnection(org: OrgRecord | null, connectionId: string): Promise<void> {
    if (org && (await this.deps.connections.isLinkedToOrganization(org.id, connectionId))) return;
    throw new ValidationError('connection_id must be a connection linked to the organization', {
      details: [{ path: 'connection_id', message: 'not a linked connection' }],
    });
  }

  /** `client_id` names an application of the tenant; `return_to` lies on one of its redirect URI origins. */
  private async requireApplication(tenantId: string, clientId: string, returnTo: string | undefined, tx: Tx): Promise<void> {
    const app = await this.deps.applications.find(tenantId, clientId, tx);
    if (!app) {
      throw new ValidationError(`client_id '${clientId}' is not an application of this tenant`, { details: [{ path: 'client_id', message: 'unknown application' }] });
    }
    if (returnTo !== undefined && !webOrigins(app).includes(new URL(returnTo).origin)) {
      throw new ValidationError('return_to must be on one of the origins of the application\'s redirect URIs', {
        details: [{ path: 'return_to', message: 'not an origin of the application' }],
      });
    }
  }

  /**
   * Where the browser goes after acceptance (docs/invitations.md, client_id): the invitation's
   * `return_to` when set (checked against the redirect URI origins at creation), else the
   * application's default; null: nowhere in particular.
   */
  async targetOf(invitation: InvitationRecord, tx?: Tx): Promise<string | null> {
    if (!invitation.client_id) return null;
    if (invitation.return_to) return invitation.return_to;
    return applicationTarget(await this.deps.applications.find(invitation.tenant_id, invitation.client_id, tx));
  }

  private async requireInviter(tenantId: string, userId: string, tx: Tx): Promise<UserRecord> {
    const inviter = await this.findUser(tenantId, userId, tx);
    if (!inviter) {
      throw new ValidationError(`inviter_user_id '${userId}' is not a user of this tenant`, { details: [{ path: 'inviter_user_id', message: 'unknown user' }] });
    }
    return inviter;
  }

  private async assertNotAlreadyIn(scope: Scope, emailNormalized: string, tx: Tx): Promise<void> {
    const user = await this.deps.users.findByEmail(scope.tenant.id, emailNormalized, tx);
    if (!user) return;
    if (scope.org && (await this.deps.members.find(scope.org.id, user.id, tx))) {
      throw new ConflictError('this email is already a member of the organization');
    }
    if (!scope.org && user.tenant_role === TENANT_ADMIN_ROLE) throw new ConflictError('this email is already a tenant administrator');
  }

  /** An email whose domain another organization verified and signs in with SSO must come through that SSO. */
  private async assertNoSsoOwner(tenantId: string, org: OrgRecord | null, email: string): Promise<void> {
    const owner = await this.deps.sso.ssoOrganizationFor(tenantId, email);
    if (owner && owner.organizationId !== org?.id) {
      const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
      throw new ForbiddenError(
        `the email domain ${domain} is verified by the organization ${owner.name}, which signs in with SSO: sign in through ${owner.name}'s single sign-on instead`,
      );
    }
  }

  private record(ctx: Ctx, tx: Tx, type: string, invitation: InvitationRecord, data: Record<string, unknown>): void {
    this.deps.events.record(ctx, tx, {
      type,
      target: { type: 'invitation', id: invitation.id },
      organizationId: invitation.organization_id,
      data: { email: invitation.email, ...data },
    });
  }
}

/**
 * An invitation tied to a connection is accepted through that connection's sign-in only: the
 * password form and API are refused (docs/invitations.md, "Acceptance through single sign-on").
 */
function assertPasswordPathAllowed(invitation: InvitationRecord): void {
  if (invitation.connection_id) {
    throw new ForbiddenError(
      `this invitation must be accepted by signing in through single sign-on (connection ${invitation.connection_id}), not with a password`,
    );
  }
}

/** The invited role keys (highest-ranked first); rows made before seed 001 hold only `role_key`. */
function invitedRoles(invitation: InvitationRecord): string[] {
  return invitation.role_keys?.length ? invitation.role_keys : [invitation.role_key];
}

/** Accounts that cannot accept by signing in with a password (blocked, or password-less: SSO/SCIM/admin-created). */
function assertCanSignIn(user: UserRecord): void {
  if (user.blocked) throw new ForbiddenError('this account is blocked');
  if (!user.password_hash) {
    throw new ForbiddenError(
      'this email already has an account without a password (it signs in with single sign-on or was created by an administrator): ask an administrator to add you to the organization',
    );
  }
}

