import type { DomainPolicyService } from '../domains/domain-policy.service';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { TenantRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { randomSecret } from '../shared/crypto';
import { UnauthorizedError } from '../shared/errors';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import type { UsersService } from '../users/users.service';
import { amrOf } from './amr';
import type { LockoutsRepository } from './lockouts.repository';
import type { MfaFactorsRepository } from './mfa-factors.repository';

/** What every failed password sign-in answers, whatever the reason (no enumeration). */
export const SIGN_IN_FAILED = 'wrong email or password';

export interface SignedIn {
  kind: 'session';
  userId: string;
  cookie: { value: string; path: string; maxAgeSeconds: number };
}

/** The password was right and the tenant requires MFA (or the person enrolled a factor): the TOTP step comes next. */
export interface MfaRequired {
  kind: 'mfa';
  userId: string;
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
    private readonly domainPolicy: Pick<DomainPolicyService, 'autoJoin'>,
    private readonly mfaFactors: Pick<MfaFactorsRepository, 'find'>,
  ) {}

  async signIn(tenant: TenantRecord, email: string, password: string): Promise<SignedIn | MfaRequired> {
    const settings = settingsOf(tenant);
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
          await countFailedAttempt({ lockouts: this.lockouts, events: this.events }, tenant, user.id, lockout, now, tx);
          return fail('wrong_password');
        }
        if (user.blocked) return fail('blocked');
        if (lockout) await this.lockouts.clear(user.id, tx);
        // The code step when the tenant requires it, and whenever the person set up an
        // authenticator of their own (account security page): an enrolled factor is always asked.
        const enrolled = !settings.require_mfa && Boolean((await this.mfaFactors.find(user.id, tx))?.confirmed_at);
        if (settings.require_mfa || enrolled) return { failed: false as const, result: { kind: 'mfa' as const, userId: user.id } };
        return { failed: false as const, result: await this.startSession(tenant, user.id, 'password', tx) };
      })
      .then((outcome) => {
        if (outcome.failed) throw new UnauthorizedError(SIGN_IN_FAILED);
        return outcome.result;
      });
  }

  /**
   * The hosted session of a completed sign-in, and its `user.signed_in` event; the domain's
   * auto-join applies here as at every sign-in.
   */
  async startSession(tenant: TenantRecord, userId: string, method: 'password' | 'password+totp' | 'password+recovery_code', tx: Tx): Promise<SignedIn> {
    await this.domainPolicy.autoJoin(tenant.id, await this.users.get(tenant.id, userId, tx), tx);
    const ttlHours = settingsOf(tenant).session_ttl_hours;
    const session = await this.sessions.create({ tenantId: tenant.id, userId, organizationId: null, connectionId: null, ttlHours, amr: amrOf(method) }, tx);
    this.events.record({ tenantId: tenant.id, actor: { type: 'user', id: userId } }, tx, { type: 'user.signed_in', target: { type: 'user', id: userId }, data: { method } });
    return { kind: 'session', userId, cookie: { value: session.value, path: `/t/${tenant.slug}`, maxAgeSeconds: ttlHours * 3600 } };
  }
}

/**
 * Counts one wrong password toward `max_login_attempts` (the tenant's); the attempt that reaches
 * it locks the account for `lockout_duration_minutes` and records `user.locked`.
 */
export async function countFailedAttempt(
  d: { lockouts: LockoutsRepository; events: EventsService },
  tenant: TenantRecord,
  userId: string,
  lockout: { failedCount: number; lockedUntil: Date | null } | null,
  now: Date,
  tx: Tx,
): Promise<void> {
  const settings = settingsOf(tenant);
  const failedCount = (lockout?.lockedUntil ? 0 : (lockout?.failedCount ?? 0)) + 1;
  if (failedCount >= settings.max_login_attempts) {
    const lockedUntil = new Date(now.getTime() + settings.lockout_duration_minutes * 60_000);
    await d.lockouts.save(userId, 0, lockedUntil, tx);
    d.events.record({ tenantId: tenant.id, actor: { type: 'user', id: userId } }, tx, {
      type: 'user.locked',
      target: { type: 'user', id: userId },
      data: { failed_attempts: failedCount, locked_until: lockedUntil.toISOString() },
    });
  } else {
    await d.lockouts.save(userId, failedCount, null, tx);
  }
}

/** The tenant's effective auth settings (no organization is chosen at sign-in yet). */
export function settingsOf(tenant: TenantRecord) {
  return effectiveSettings(null, { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) }).auth_settings;
}
