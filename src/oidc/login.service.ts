import { hashPassword, verifyPassword } from '../auth/passwords';
import type { TenantRecord } from '../db/models';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { Ctx } from '../shared/context';
import { randomSecret } from '../shared/crypto';
import { UnauthorizedError } from '../shared/errors';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import type { UsersService } from '../users/users.service';

/** What every failed password sign-in answers, whatever the reason (no enumeration). */
export const SIGN_IN_FAILED = 'wrong email or password';

export interface SignedIn {
  userId: string;
  cookie: { value: string; path: string; maxAgeSeconds: number };
}

/**
 * Password sign-in on the hosted page. An unknown email, a user without a password, a blocked
 * user and a wrong password all cost one scrypt check and answer the same.
 */
export class PasswordSignIn {
  /** A hash of a random password, checked when there is no real hash to check. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly events: EventsService,
  ) {}

  async signIn(tenant: TenantRecord, email: string, password: string): Promise<SignedIn> {
    const user = await this.users.findByEmail(tenant.id, email);
    this.dummyHash ??= hashPassword(randomSecret(16));
    const matches = await verifyPassword(password, user?.password_hash ?? (await this.dummyHash));
    const reason = !user ? 'unknown_email' : !user.password_hash ? 'no_password' : !matches ? 'wrong_password' : user.blocked ? 'blocked' : null;
    const ctx: Ctx = { tenantId: tenant.id, actor: { type: 'user', id: user?.id ?? null } };
    if (reason || !user) {
      await this.db.transaction(async (tx) => {
        this.events.record(ctx, tx, { type: 'user.login_failed', target: { type: 'user', id: user?.id ?? null }, data: { email, reason, method: 'password' } });
      });
      throw new UnauthorizedError(SIGN_IN_FAILED);
    }
    // Before an organization is chosen, the tenant's session lifetime applies.
    const ttlHours = effectiveSettings(null, { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) }).auth_settings.session_ttl_hours;
    return this.db.transaction(async (tx) => {
      const session = await this.sessions.create({ tenantId: tenant.id, userId: user.id, organizationId: null, connectionId: null, ttlHours }, tx);
      this.events.record(ctx, tx, { type: 'user.signed_in', target: { type: 'user', id: user.id }, data: { method: 'password' } });
      return { userId: user.id, cookie: { value: session.value, path: `/t/${tenant.slug}`, maxAgeSeconds: ttlHours * 3600 } };
    });
  }
}
