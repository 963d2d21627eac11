import { hashPassword, verifyPassword } from '../auth/passwords';
import type { TenantRecord } from '../db/models';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { randomSecret } from '../shared/crypto';
import { UnauthorizedError } from '../shared/errors';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import type { UsersService } from '../users/users.service';
import type { LockoutsRepository } from './lockouts.repository';

/** What every failed password sign-in answers, whatever the reason (no enumeration). */
export const SIGN_IN_FAILED = 'wrong email or password';

export interface SignedIn {
  userId: string;
  cookie: { value: string; path: string; maxAgeSeconds: number };
}

type FailReason = 'unknown_email' | 'no_password' | 'wrong_password' | 'blocked' | 'locked';

/**
 * Password sign-in on the hosted page. An unknown email, a user without a password, a blocked
 * or locked user and a wrong password all cost one scrypt check and answer the same. Wrong
 * passwords are counted per user: `max_login_attempts` in a row lock the account for
 * `lockout_duration_minutes` (the tenant's effective settings; no organization is chosen yet).
 */
export class PasswordSignIn {
  /** A hash of a random password, checked when there is no real hash to check. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly lockouts: LockoutsRepository,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  async signIn(tenant: TenantRecord, email: string, password: string): Promise<SignedIn> {
    const settings = effectiveSettings(null, { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) }).auth_settings;
    const user = await this.users.findByEmail(tenant.id, email);
    this.dummyHash ??= hashPassword(randomSecret(16));
    const matches = await verifyPassword(password, user?.password_hash ?? (await this.dummyHash));
    const ctx: Ctx = { tenantId: tenant.id, actor: { type: 'user', id: user?.id ?? null } };
    const now = this.clock.now();

    return this.db
      .transaction(async (tx) => {
        const fail = (reason: FailReason) => {
          this.events.record(ctx, tx, { type: 'user.login_failed', target: { type: 'user', id: user?.id ?? null }, data: { email, reason, method: 'password' } });
          return { failed: true as const };
        };
        if (!user) return fail('unknown_email');
        if (!user.password_hash) return fail('no_password');
        const lockout = await this.lockouts.find(user.id, tx);
        if (lockout?.lockedUntil && lockout.lockedUntil > now) return fail('locked');
        if (!matches) {
          const failedCount = (lockout?.lockedUntil ? 0 : (lockout?.failedCount ?? 0)) + 1;
          if (failedCount >= settings.max_login_attempts) {
            const lockedUntil = new Date(now.getTime() + settings.lockout_duration_minutes * 60_000);
            await this.lockouts.save(user.id, 0, lockedUntil, tx);
            this.events.record(ctx, tx, {
              type: 'user.locked',
              target: { type: 'user', id: user.id },
              data: { failed_attempts: failedCount, locked_until: lockedUntil.toISOString() },
            });
          } else {
            await this.lockouts.save(user.id, failedCount, null, tx);
          }
          return fail('wrong_password');
        }
        if (user.blocked) return fail('blocked');
        if (lockout) await this.lockouts.clear(user.id, tx);
        const session = await this.sessions.create({ tenantId: tenant.id, userId: user.id, organizationId: null, connectionId: null, ttlHours: settings.session_ttl_hours }, tx);
        this.events.record(ctx, tx, { type: 'user.signed_in', target: { type: 'user', id: user.id }, data: { method: 'password' } });
        return { failed: false as const, userId: user.id, cookie: { value: session.value, path: `/t/${tenant.slug}`, maxAgeSeconds: settings.session_ttl_hours * 3600 } };
      })
      .then((result) => {
        if (result.failed) throw new UnauthorizedError(SIGN_IN_FAILED);
        return { userId: result.userId, cookie: result.cookie };
      });
  }
}
