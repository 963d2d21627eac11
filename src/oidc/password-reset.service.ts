import { nullUnlessUnavailable } from '../db/db-errors';
import { checkNewPassword, hashPassword } from '../auth/passwords';
import type { TenantRecord, UserRecord } from '../db/models';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { OutboxService } from '../mail/outbox.service';
import { passwordResetMail } from '../mail/templates/password-reset';
import type { RoutingService } from '../routing/routing.service';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { randomSecret, sha256Hex } from '../shared/crypto';
import { GoneError } from '../shared/errors';
import { effectiveSettings, fullAuthSettings, fullBranding } from '../tenants/settings';
import type { UsersService } from '../users/users.service';
import type { LockoutsRepository } from './lockouts.repository';
import type { PasswordResetsRepository } from './password-resets.repository';

export const RESET_LINK_TTL_MS = 3600_000;

/**
 * Self-service password reset by an emailed link (single use, 1 h). Asking answers the same
 * whether or not the email has an account; people whose domain signs in with SAML get no link.
 */
export class PasswordResets {
  constructor(
    private readonly d: {
      db: Database;
      repo: PasswordResetsRepository;
      users: UsersService;
      lockouts: LockoutsRepository;
      routing: RoutingService;
      outbox: OutboxService;
      events: EventsService;
      clock: Clock;
      publicUrl: string;
    },
  ) {}

  /** Queues the mail when the email has an account that signs in with a password here. */
  async request(tenant: TenantRecord, email: string, interaction: string | undefined): Promise<void> {
    const user = await this.d.users.findByEmail(tenant.id, email);
    if (!user || user.blocked) return;
    if (await this.d.routing.ssoOrganizationFor(tenant.id, user.email)) return;
    const token = randomSecret(32);
    const expiresAt = new Date(this.d.clock.now().getTime() + RESET_LINK_TTL_MS);
    const url = `${this.d.publicUrl}/t/${tenant.slug}/login/reset?token=${token}${interaction ? `&interaction=${interaction}` : ''}`;
    const ctx: Ctx = { tenantId: tenant.id, actor: { type: 'user', id: user.id } };
    await this.d.db.transaction(async (tx) => {
      await this.d.repo.insert({ token_hash: sha256Hex(token), tenant_id: tenant.id, user_id: user.id, expires_at: expiresAt }, tx);
      await this.d.outbox.queue(tenant.id, passwordResetMail(user.email, tenant.name, url), tx);
      this.d.events.record(ctx, tx, { type: 'user.password_reset_requested', target: { type: 'user', id: user.id }, data: {} });
    });
  }

  /** The user a live link is for; 410 when the link is unknown, used or expired. */
  async open(tenant: TenantRecord, token: string): Promise<UserRecord> {
    const link = token ? await this.d.repo.find(sha256Hex(token)) : null;
    if (!link || link.tenant_id !== tenant.id || link.used_at || link.expires_at <= this.d.clock.now()) {
      throw new GoneError('this password reset link is no longer valid: ask for a new one');
    }
    const user = await nullUnlessUnavailable(this.d.users.get(tenant.id, link.user_id));
    if (!user || user.blocked) throw new GoneError('this password reset link is no longer valid: ask for a new one');
    return user;
  }

  /** Sets the new password (the effective rules apply), uses the link up and lifts a lockout. */
  async complete(tenant: TenantRecord, token: string, password: string): Promise<void> {
    const user = await this.open(tenant, token);
    const minLength = effectiveSettings(null, { branding: fullBranding(tenant.branding), auth_settings: fullAuthSettings(tenant.auth_settings) }).auth_settings.password_min_length;
    checkNewPassword(password, { minLength, email: user.email });
    const hash = await hashPassword(password);
    await this.d.db.transaction(async (tx) => {
      if (!(await this.d.repo.use(sha256Hex(token), this.d.clock.now(), tx))) throw new GoneError('this password reset link was already used');
      await this.d.users.setPasswordHash(tenant.id, user.id, hash, tx);
      await this.d.lockouts.clear(user.id, tx);
      this.d.events.record({ tenantId: tenant.id, actor: { type: 'user', id: user.id } }, tx, { type: 'user.password_reset', target: { type: 'user', id: user.id }, data: {} });
    });
  }
}
