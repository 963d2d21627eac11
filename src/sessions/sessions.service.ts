import { nullUnlessUnavailable } from '../db/db-errors';
import type { Tx } from '../db/transaction';
import type { Clock } from '../shared/clock';
import { UnauthorizedError } from '../shared/errors';
import type { TenantsService } from '../tenants/tenants.service';
import type { UsersService } from '../users/users.service';
import type { SessionCookie } from './session-cookie';
import type { SessionsRepository } from './sessions.repository';

export interface OrganizationRole {
  id: string;
  slug: string;
  name: string;
  /** The highest-rank role of `roles`. */
  role: string;
  roles: string[];
}

export interface Me {
  user: { id: string; email: string; name: string | null };
  organization: OrganizationRole | null;
  organizations: OrganizationRole[];
}

export interface SignedInSession {
  idHash: string;
  userId: string;
  /** The user's `tenant_role` (read with the user the session checks anyway). */
  tenantRole: string | null;
  organizationId: string | null;
  authenticatedAt: Date;
  /** RFC 8176 methods the sign-in used (`pwd`, `otp`, `fed` for SAML); empty when unknown (older sessions). */
  amr: string[];
}

/** Server-side sign-in sessions and the "who is signed in" answer (contract section 5). */
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly cookie: SessionCookie,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  /** Creates a session inside the sign-in's transaction; returns the cookie value. */
  async create(
    s: { tenantId: string; userId: string; organizationId: string | null; connectionId: string | null; ttlHours: number; amr?: string[] },
    tx: Tx,
  ): Promise<{ value: string; expiresAt: Date }> {
    const { value, idHash } = this.cookie.issue();
    const expiresAt = new Date(this.clock.now().getTime() + s.ttlHours * 3600_000);
    const amr = s.amr?.length ? s.amr.join(',') : null;
    await this.repo.insert(
      { id_hash: idHash, tenant_id: s.tenantId, user_id: s.userId, organization_id: s.organizationId, connection_id: s.connectionId, amr, expires_at: expiresAt },
      tx,
    );
    return { value, expiresAt };
  }

  /** The live session the cookie names in this tenant, with its user, or null (expired, forged, blocked user). */
  async signedIn(
    tenantId: string,
    cookieValue: string | undefined,
  ): Promise<SignedInSession | null> {
    const idHash = this.cookie.idHashOf(cookieValue);
    const session = idHash ? await this.repo.find(idHash) : null;
    if (!idHash || !session || session.tenant_id !== tenantId || session.expires_at <= this.clock.now()) return null;
    const user = await nullUnlessUnavailable(this.users.get(tenantId, session.user_id));
    if (!user || user.blocked) return null;
    // a SAML session (made before amr was stored, or by the ACS) is federated
    const amr = session.amr ? session.amr.split(',') : session.connection_id ? ['fed'] : [];
    return { idHash, userId: user.id, tenantRole: user.tenant_role, organizationId: session.organization_id, authenticatedAt: session.created_at, amr };
  }

  /** Adds an authentication method to a live session (a TOTP step-up), inside its transaction. */
  async addMethod(idHash: string, method: string, tx: Tx): Promise<void> {
    const session = await this.repo.find(idHash, tx);
    if (!session) return;
    const amr = new Set(session.amr ? session.amr.split(',') : []);
    amr.add(method);
    await this.repo.setAmr(idHash, [...amr].join(','), tx);
  }

  /** The organization last chosen in this session (preselected next time). */
  rememberOrganization(idHash: string, organizationId: string | null): Promise<void> {
    return this.repo.setOrganization(idHash, organizationId);
  }

  /** Ends the user's other sessions, in the caller's transaction (a password change keeps only the current one). */
  endOtherSessions(userId: string, keepIdHash: string, tx: Tx): Promise<number> {
    return this.repo.deleteOthersOfUser(userId, keepIdHash, tx);
  }

  /** Ends the session the cookie names, if any. */
  async end(cookieValue: string | undefined): Promise<void> {
    const idHash = this.cookie.idHashOf(cookieValue);
    if (idHash) await this.repo.delete(idHash);
  }

  /** Who the cookie signs in, in this tenant; 401 when nobody (or a blocked user) is. */
  async me(tenantKey: string, cookieValue: string | undefined): Promise<Me> {
    const tenantId = (await this.tenants.get(tenantKey)).id;
    const session = await this.signedIn(tenantId, cookieValue);
    if (!session) throw new UnauthorizedError('nobody is signed in');
    return this.meOf(tenantId, session.userId, session.organizationId);
  }

  /** The `/me` answer for a user (from a session, or an access token's `sub` and `org_id`). */
  async meOf(tenantId: string, userId: string, organizationId: string | null): Promise<Me> {
    // both reads go straight to the driver: `/me` with an access token runs them on every call
    const user = await this.repo.person(tenantId, userId);
    if (!user || user.blocked) throw new UnauthorizedError('nobody is signed in');

    const organizations = (await this.repo.activeMemberships(tenantId, user.id)).map((m) => ({ id: m.id, slug: m.slug, name: m.name, role: m.role_key, roles: m.roles }));
    return {
      user: { id: user.id, email: user.email, name: user.name },
      organization: organizations.find((o) => o.id === organizationId) ?? null,
      organizations,
    };
  }
}
