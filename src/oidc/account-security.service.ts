import { checkNewPassword, hashPassword, verifyPassword } from '../auth/passwords';
import type { TenantRecord } from '../db/models';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { MembersService } from '../orgs/members.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { Clock } from '../shared/clock';
import { ConflictError, UnauthorizedError, ValidationError } from '../shared/errors';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import type { TenantsService } from '../tenants/tenants.service';
import type { UsersService } from '../users/users.service';
import type { LockoutsRepository } from './lockouts.repository';
import { countFailedAttempt } from './login.service';

/** The rules that bind one person: the strictest of the tenant's and each of their organizations' effective settings. */
export interface AccountRules {
  passwordMinLength: number;
  requireMfa: boolean;
  /** Where `requireMfa` comes from (the tenant, or the names of the organizations that require it). */
  mfaRequiredBy: string[];
}

/** A signed-in person's own password change (the security page of the account). */
export class AccountSecurity {
  constructor(
    private readonly d: {
      db: Database;
      users: UsersService;
      members: MembersService;
      orgs: OrgsService;
      tenants: TenantsService;
      lockouts: LockoutsRepository;
      sessions: SessionsService;
      events: EventsService;
      clock: Clock;
    },
  ) {}

  /**
   * A person may belong to several organizations with different rules; the password must satisfy
   * every one of them, and the authenticator stays while any of them (or the tenant) requires it.
   */
  async rulesFor(tenant: TenantRecord, userId: string): Promise<AccountRules> {
    const tenantSettings = this.d.tenants.settingsOf(tenant);
    const own = effectiveSettings(null, tenantSettings).auth_settings;
    const memberships = (await this.d.members.listForUser(userId)).filter((m) => m.status === 'active');
    const orgs = (await this.d.orgs.findByIds(memberships.map((m) => m.organization_id))).filter((o) => o.tenant_id === tenant.id);
    let passwordMinLength = own.password_min_length;
    const mfaRequiredBy = own.require_mfa ? [tenant.name] : [];
    for (const org of orgs) {
      const eff = effectiveSettings({ branding: fullBranding(org.branding), auth_settings: fullAuthSettings(org.auth_settings) }, tenantSettings).auth_settings;
      passwordMinLength = Math.max(passwordMinLength, eff.password_min_length);
      if (eff.require_mfa && !own.require_mfa) mfaRequiredBy.push(org.name);
    }
    return { passwordMinLength, requireMfa: mfaRequiredBy.length > 0, mfaRequiredBy };
  }

  /** Whether the person has a password here at all (SSO- and directory-only accounts have none). */
  async hasPassword(tenant: TenantRecord, userId: string): Promise<boolean> {
    return Boolean((await this.d.users.get(tenant.id, userId)).password_hash);
  }

  /**
   * Checks the current password (a wrong one counts toward the lockout like a wrong sign-in),
   * applies the new password's rules, stores it, ends the person's other sessions and records
   * `user.password_changed`.
   */
  async changePassword(tenant: TenantRecord, userId: string, currentSessionIdHash: string, current: string, next: string): Promise<void> {
    const user = await this.d.users.get(tenant.id, userId);
    if (!user.password_hash) throw new ConflictError('this account has no password here: it signs in through its organization');
    const now = this.d.clock.now();
    const lockout = await this.d.lockouts.find(user.id);
    if (lockout?.lockedUntil && lockout.lockedUntil > now) throw new UnauthorizedError('the account is locked for a while after too many wrong passwords');
    if (!(await verifyPassword(current, user.password_hash))) {
      await this.d.db.transaction(async (tx) => {
        await countFailedAttempt({ lockouts: this.d.lockouts, events: this.d.events }, tenant, user.id, await this.d.lockouts.find(user.id, tx), now, tx);
        this.d.events.record({ tenantId: tenant.id, actor: { type: 'user', id: user.id } }, tx, {
          type: 'user.password_change_failed',
          target: { type: 'user', id: user.id },
          data: { reason: 'wrong_password' },
        });
      });
      throw new UnauthorizedError('the current password is not right');
    }
    const { passwordMinLength } = await this.rulesFor(tenant, user.id);
    checkNewPassword(next, { minLength: passwordMinLength, email: user.email });
    if (next === current) throw new ValidationError('the new password must differ from the current one', { details: [{ path: 'password', message: 'same as the current password' }] });
    const hash = await hashPassword(next);
    await this.d.db.transaction(async (tx) => {
      await this.d.users.setPasswordHash(tenant.id, user.id, hash, tx);
      await this.d.lockouts.clear(user.id, tx);
      const ended = await this.d.sessions.endOtherSessions(user.id, currentSessionIdHash, tx);
      this.d.events.record({ tenantId: tenant.id, actor: { type: 'user', id: user.id } }, tx, {
        type: 'user.password_changed',
        target: { type: 'user', id: user.id },
        data: { other_sessions_ended: ended },
      });
    });
  }
}
