import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { matchTotp, newTotpSecret, otpauthUri } from '../auth/totp';
import type { TenantRecord } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { safeEqual, sha256Hex } from '../shared/crypto';
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from '../shared/errors';
import type { SecretBox } from '../shared/secret-box';
import type { SessionsService } from '../sessions/sessions.service';
import type { UsersService } from '../users/users.service';
import type { LockoutsRepository } from './lockouts.repository';
import { countFailedAttempt, type PasswordSignIn, type SignedIn } from './login.service';
import type { MfaFactorRecord, MfaFactorsRepository } from './mfa-factors.repository';

/** How long the code step may follow the password step. */
const PENDING_TTL_MS = 5 * 60_000;
const RECOVERY_CODES = 10;

export interface MfaFactorStatus {
  enrolled: boolean;
  recoveryCodesLeft: number;
}

/** A code as typed, without the spaces authenticator apps show in it. */
const typedCode = (code: string) => code.replace(/\s+/g, '');

const newRecoveryCodes = () => Array.from({ length: RECOVERY_CODES }, () => randomBytes(5).toString('hex'));

export type MfaPrompt = { mode: 'verify' } | { mode: 'enroll'; secret: string; otpauth: string };

/**
 * The TOTP step of a sign-in when the tenant's `require_mfa` is on (RFC 6238; enrolment on the
 * first sign-in, confirmed by one code, then ten single-use recovery codes shown once).
 * Between the password and the code the browser holds a signed, 5-minute `mfa_token`.
 */
export class MfaStep {
  private readonly key: Buffer;

  constructor(
    private readonly d: {
      db: Database;
      repo: MfaFactorsRepository;
      lockouts: LockoutsRepository;
      box: SecretBox;
      users: UsersService;
      sessions: SessionsService;
      signIn: PasswordSignIn;
      events: EventsService;
      clock: Clock;
      secretKey: string;
    },
  ) {
    this.key = Buffer.from(hkdfSync('sha256', d.secretKey, Buffer.alloc(0), 'orgbridge mfa pending v1', 32));
  }

  /**
   * The signed token between the password and the code. A step-up (an organization's
   * `require_mfa` on a live session without MFA) binds it to that session (`stepUpOf`, the
   * session's id hash): the code then adds `otp` to that session instead of starting one.
   */
  pendingToken(tenantId: string, userId: string, stepUpOf?: string): string {
    const expires = this.d.clock.now().getTime() + PENDING_TTL_MS;
    return `${userId}.${expires}.${this.pendingMac(tenantId, userId, String(expires), stepUpOf)}`;
  }

  /** The user a pending token stands for, or null when it is forged, expired or not for `stepUpOf`. */
  pendingUser(tenantId: string, token: string, stepUpOf?: string): string | null {
    const [userId, expires, mac, extra] = token.split('.');
    if (!userId || !expires || !mac || extra !== undefined) return null;
    if (!safeEqual(mac, this.pendingMac(tenantId, userId, expires, stepUpOf)) || Number(expires) <= this.d.clock.now().getTime()) return null;
    return userId;
  }

  /** What the code page shows: the enrolment (secret, otpauth URI) until a factor is confirmed. */
  async prompt(tenant: TenantRecord, userId: string): Promise<MfaPrompt> {
    const user = await this.d.users.get(tenant.id, userId);
    let factor = await this.d.repo.find(userId);
    if (factor?.confirmed_at) return { mode: 'verify' };
    if (!factor) {
      await this.d.db.transaction((tx) => this.d.repo.begin({ user_id: userId, tenant_id: tenant.id, secret_encrypted: this.d.box.seal(newTotpSecret()) }, tx));
      factor = (await this.d.repo.find(userId))!;
    }
    const secret = this.d.box.open(factor.secret_encrypted);
    return { mode: 'enroll', secret, otpauth: otpauthUri(secret, tenant.name, user.email) };
  }

  /**
   * Checks the code (TOTP, or once enrolled a recovery code) and starts the session — or, for
   * a step-up, adds `otp` to the live session `stepUpOf` (signedIn is then null). Enrolment
   * answers the recovery codes, shown once. A wrong or replayed code is a 401.
   */
  async verify(tenant: TenantRecord, userId: string, code: string, stepUpOf?: string): Promise<{ signedIn: SignedIn | null; recoveryCodes: string[] | null }> {
    const complete = async (method: 'password+totp' | 'password+recovery_code', tx: Tx): Promise<SignedIn | null> => {
      if (!stepUpOf) return this.d.signIn.startSession(tenant, userId, method, tx);
      await this.d.sessions.addMethod(stepUpOf, 'otp', tx);
      this.d.events.record({ tenantId: tenant.id, actor: { type: 'user', id: userId } }, tx, { type: 'mfa.step_up', target: { type: 'user', id: userId }, data: { method: method === 'password+totp' ? 'totp' : 'recovery_code' } });
      return null;
    };
    const ctx = { tenantId: tenant.id, actor: { type: 'user' as const, id: userId } };
    const now = this.d.clock.now().getTime();
    const outcome = await this.d.db.transaction(async (tx) => {
      const factor = await this.d.repo.find(userId, tx);
      const lockout = await this.d.lockouts.find(userId, tx);
      // wrong codes count with wrong passwords toward max_login_attempts
      const fail = async (reason: 'wrong_code' | 'locked' = 'wrong_code') => {
        this.d.events.record(ctx, tx, { type: 'user.login_failed', target: { type: 'user', id: userId }, data: { reason, method: 'totp' } });
        if (reason === 'locked') return null;
        await countFailedAttempt({ lockouts: this.d.lockouts, events: this.d.events }, tenant, userId, lockout, new Date(now), tx);
        return null;
      };
      if (lockout?.lockedUntil && lockout.lockedUntil.getTime() > now) return fail('locked');
      if (!factor) return fail();
      const typed = typedCode(code);
      const step = this.matchCode(factor, typed, now);
      if (!factor.confirmed_at) {
        if (step === null) return fail();
        const recoveryCodes = await this.confirm(ctx, userId, step, now, { factor: 'totp' }, tx);
        return { signedIn: await complete('password+totp', tx), recoveryCodes };
      }
      if (step !== null && step > (factor.last_step ?? -1)) {
        await this.d.repo.update(userId, { last_step: step }, tx);
        return { signedIn: await complete('password+totp', tx), recoveryCodes: null };
      }
      const hash = sha256Hex(typed.toLowerCase());
      if (step === null && factor.recovery_code_hashes.includes(hash)) {
        await this.d.repo.update(userId, { recovery_code_hashes: factor.recovery_code_hashes.filter((h) => h !== hash) }, tx);
        this.d.events.record(ctx, tx, { type: 'mfa.recovery_code_used', target: { type: 'user', id: userId }, data: { remaining: factor.recovery_code_hashes.length - 1 } });
        return { signedIn: await complete('password+recovery_code', tx), recoveryCodes: null };
      }
      return fail();
    });
    if (outcome) await this.d.db.transaction((tx) => this.d.lockouts.clear(userId, tx));
    if (!outcome) throw new UnauthorizedError('wrong code');
    return outcome;
  }

  // ---- self-service on the account's security page (the person is signed in already) ----

  async status(userId: string): Promise<MfaFactorStatus> {
    const factor = await this.d.repo.find(userId);
    return { enrolled: Boolean(factor?.confirmed_at), recoveryCodesLeft: factor?.confirmed_at ? factor.recovery_code_hashes.length : 0 };
  }

  /**
   * Confirms the enrolment `prompt` began with one code; answers the ten recovery codes (shown
   * once) and records `mfa.enrolled`. A wrong code is a 400 and changes nothing.
   */
  async confirmEnrolment(tenant: TenantRecord, userId: string, code: string): Promise<string[]> {
    const now = this.d.clock.now().getTime();
    return this.d.db.transaction(async (tx) => {
      const factor = await this.d.repo.find(userId, tx);
      if (!factor) throw new ValidationError('start the set-up again: no authenticator is being set up');
      if (factor.confirmed_at) throw new ConflictError('an authenticator is already set up');
      const step = this.matchCode(factor, typedCode(code), now);
      if (step === null) throw new ValidationError('that code is not right: type the one your app shows now', { details: [{ path: 'code', message: 'wrong code' }] });
      return this.confirm(this.ctxOf(tenant, userId), userId, step, now, { factor: 'totp', via: 'account' }, tx);
    });
  }

  /** Ten new recovery codes replace the old ones; a current TOTP code proves the authenticator is at hand. */
  async regenerateRecoveryCodes(tenant: TenantRecord, userId: string, code: string): Promise<string[]> {
    return this.d.db.transaction(async (tx) => {
      const factor = await this.confirmedFactor(userId, code, tx);
      const recoveryCodes = newRecoveryCodes();
      await this.d.repo.update(userId, { recovery_code_hashes: recoveryCodes.map(sha256Hex), last_step: factor.acceptedStep }, tx);
      this.d.events.record(this.ctxOf(tenant, userId), tx, { type: 'mfa.recovery_codes_regenerated', target: { type: 'user', id: userId }, data: { count: RECOVERY_CODES } });
      return recoveryCodes;
    });
  }

  /**
   * Removes the factor (a current TOTP code proves the authenticator is at hand); refused with
   * 403 while the effective `require_mfa` applies to the person.
   */
  async remove(tenant: TenantRecord, userId: string, code: string, requireMfa: boolean): Promise<void> {
    if (requireMfa) throw new ForbiddenError('two-step sign-in is required here: the authenticator cannot be removed');
    await this.d.db.transaction(async (tx) => {
      await this.confirmedFactor(userId, code, tx);
      await this.d.repo.remove(userId, tx);
      this.d.events.record(this.ctxOf(tenant, userId), tx, { type: 'mfa.removed', target: { type: 'user', id: userId }, data: { factor: 'totp' } });
    });
  }

  /** The confirmed factor and the step a fresh (never used) TOTP code matched; 400 otherwise. */
  private async confirmedFactor(userId: string, code: string, tx: Tx): Promise<MfaFactorRecord & { acceptedStep: number }> {
    const factor = await this.d.repo.find(userId, tx);
    if (!factor?.confirmed_at) throw new ConflictError('no authenticator is set up');
    const step = this.matchCode(factor, typedCode(code), this.d.clock.now().getTime());
    if (step === null || step <= (factor.last_step ?? -1)) {
      throw new ValidationError('that code is not right: type the one your app shows now', { details: [{ path: 'code', message: 'wrong or already used code' }] });
    }
    return { ...factor, acceptedStep: step };
  }

  /** The TOTP step the code matches now, or null. */
  private matchCode(factor: MfaFactorRecord, typed: string, now: number): number | null {
    return matchTotp(this.d.box.open(factor.secret_encrypted), typed, now);
  }

  /** Confirms a pending factor with the step its first code matched; answers the new recovery codes and records `mfa.enrolled`. */
  private async confirm(ctx: Ctx, userId: string, step: number, now: number, data: Record<string, unknown>, tx: Tx): Promise<string[]> {
    const recoveryCodes = newRecoveryCodes();
    await this.d.repo.update(userId, { confirmed_at: new Date(now), last_step: step, recovery_code_hashes: recoveryCodes.map(sha256Hex) }, tx);
    this.d.events.record(ctx, tx, { type: 'mfa.enrolled', target: { type: 'user', id: userId }, data });
    return recoveryCodes;
  }

  private ctxOf(tenant: TenantRecord, userId: string) {
    return { tenantId: tenant.id, actor: { type: 'user' as const, id: userId } };
  }

  /** What a pending token signs: the same fields when it is made and when it is checked. */
  private pendingMac(tenantId: string, userId: string, expires: string, stepUpOf: string | undefined): string {
    return this.mac(`${tenantId}.${userId}.${expires}.${stepUpOf ?? ''}`);
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
