import { randomBytes } from 'node:crypto';
import type { DomainRecord, VerificationMethod } from '../db/models';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { Clock } from '../shared/clock';
import { SYSTEM_ACTOR, type Ctx } from '../shared/context';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { verifiedKey, type DomainsRepository } from './domains.repository';
import { emailDomain, mostSpecificMatch, normalizeClaimedDomain, routingCandidates } from './normalize';
import { METHODS, type Check } from './verifiers/check';
import type { DomainVerifier } from './verifiers/domain-verifier';

/** Failed re-checks in a row after which a verified domain goes back to pending. */
export const MAX_CONSECUTIVE_FAILURES = 3;

export interface VerifyResult {
  status: DomainRecord['status'];
  method: VerificationMethod | null;
  checks: Check[];
}

export interface VerifiedMatch {
  organizationId: string;
  domain: string;
}

export class DomainsService {
  constructor(
    private readonly db: Database,
    private readonly repo: DomainsRepository,
    private readonly orgs: OrgsService,
    private readonly events: EventsService,
    private readonly verifier: DomainVerifier,
    private readonly clock: Clock,
    private readonly recheckIntervalMs: number,
  ) {}

  async add(ctx: Ctx, orgKey: string, input: { domain: string; include_subdomains?: boolean }): Promise<DomainRecord> {
    const normalized = normalizeClaimedDomain(input.domain);
    if (!normalized.ok) {
      throw new ValidationError(`domain is invalid: ${normalized.reason}`, { details: [{ path: 'domain', message: normalized.reason }] });
    }
    const { domain } = normalized;
    const org = await this.orgs.get(ctx.tenantId, orgKey);
    // A courtesy check: the unique verified_key index is what keeps a second owner out.
    const owner = await this.repo.findVerifiedOwner(ctx.tenantId, domain);
    if (owner && owner !== org.id) throw new ConflictError('the domain is already verified by another organization of the tenant');
    return this.db.transaction(async (tx) => {
      const row = await this.repo.insert(
        {
          id: newId('dom'),
          tenant_id: ctx.tenantId,
          organization_id: org.id,
          domain,
          include_subdomains: input.include_subdomains ?? false,
          status: 'pending',
          token: randomBytes(16).toString('hex'),
          method: null,
          verified_key: null,
          verified_at: null,
          last_checked_at: null,
          next_check_at: null,
        },
        tx,
      );
      this.record(ctx, tx, 'domain.added', row, { include_subdomains: row.include_subdomains });
      return row;
    });
  }

  async list(tenantId: string, orgKey: string, page: PageRequest): Promise<Page<DomainRecord>> {
    const org = await this.orgs.get(tenantId, orgKey);
    const rows = await this.repo.list(org.id, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  async delete(ctx: Ctx, orgKey: string, domainId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.lockDomain(ctx, orgKey, domainId, tx);
      await this.repo.delete(row.id, tx);
      this.record(ctx, tx, 'domain.deleted', row);
    });
  }

  /**
   * Runs the checks (network, outside any transaction), then records the outcome. A pending
   * domain that passes becomes verified, unless another organization of the tenant verified it
   * first (409, from the unique verified_key). A failed manual check never demotes a verified
   * domain; only the scheduled re-checks do.
   */
  async verify(ctx: Ctx, orgKey: string, domainId: string, method?: VerificationMethod): Promise<VerifyResult> {
    const org = await this.orgs.get(ctx.tenantId, orgKey);
    const found = await this.repo.find(org.id, domainId);
    if (!found) throw new NotFoundError('domain', domainId);
    const checks = await this.verifier.check(found.domain, found.token, method ? [method] : METHODS);
    const passed = checks.find((c) => c.ok)?.method ?? null;
    return this.db.transaction(async (tx) => {
      const row = await this.lockDomain(ctx, org.id, domainId, tx);
      const now = this.clock.now();
      if (!passed) {
        this.record(ctx, tx, 'domain.verification_failed', row, { checks });
        return { status: row.status, method: method ?? null, checks };
      }
      await this.repo.update(
        row.id,
        {
          status: 'verified',
          method: passed,
          verified_key: verifiedKey(row.tenant_id, row.domain),
          verified_at: row.status === 'verified' ? row.verified_at : now,
          last_checked_at: now,
          consecutive_failures: 0,
          next_check_at: new Date(now.getTime() + this.recheckIntervalMs),
        },
        tx,
      );
      if (row.status !== 'verified') this.record(ctx, tx, 'domain.verified', row, { method: passed });
      return { status: 'verified', method: passed, checks };
    });
  }

  /**
   * One scheduled re-check of a verified domain: its own method first, the others only if that
   * fails. After MAX_CONSECUTIVE_FAILURES failures in a row it goes back to pending and stops routing.
   */
  async recheck(domain: DomainRecord): Promise<boolean> {
    const own = domain.method ?? 'dns_txt';
    let checks = await this.verifier.check(domain.domain, domain.token, [own]);
    if (!checks[0]!.ok) {
      checks = [...checks, ...(await this.verifier.check(domain.domain, domain.token, METHODS.filter((m) => m !== own)))];
    }
    const passed = checks.some((c) => c.ok);
    const ctx: Ctx = { tenantId: domain.tenant_id, actor: SYSTEM_ACTOR };
    await this.db.transaction(async (tx) => {
      const row = await this.repo.find(domain.organization_id, domain.id, tx);
      if (!row || row.status !== 'verified') return; // deleted or changed meanwhile
      const now = this.clock.now();
      if (passed) {
        await this.repo.update(row.id, { last_checked_at: now, consecutive_failures: 0 }, tx);
        return;
      }
      const failures = row.consecutive_failures + 1;
      this.record(ctx, tx, 'domain.verification_failed', row, { checks, consecutive_failures: failures });
      if (failures < MAX_CONSECUTIVE_FAILURES) {
        await this.repo.update(row.id, { last_checked_at: now, consecutive_failures: failures }, tx);
        return;
      }
      await this.repo.update(
        row.id,
        { status: 'pending', verified_key: null, last_checked_at: now, consecutive_failures: failures, next_check_at: null },
        tx,
      );
      this.record(ctx, tx, 'domain.verification_lost', row, { consecutive_failures: failures });
    });
    return passed;
  }

  /**
   * The email's domain, and the organization whose verified domain matches it most
   * specifically: an exact match, else the nearest parent with include_subdomains. Every
   * address costs the same single indexed query, whether its domain is unknown, pending or verified.
   */
  async findVerifiedOrganizationFor(tenantId: string, email: string): Promise<{ emailDomain: string; match: VerifiedMatch | null }> {
    const domain = emailDomain(email);
    if (!domain) throw new ValidationError('email is not a valid address', { details: [{ path: 'email', message: 'malformed address' }] });
    const candidates = routingCandidates(domain);
    const row = mostSpecificMatch(candidates, await this.repo.findVerified(candidates.map((c) => verifiedKey(tenantId, c))));
    return { emailDomain: domain, match: row ? { organizationId: row.organization_id, domain: row.domain } : null };
  }

  /**
   * For each email, the organization that owns its most specific verified domain, or null (no
   * verified domain, or a malformed address): one indexed query for the whole list.
   */
  async verifiedOwnersOf(tenantId: string, emails: string[]): Promise<Map<string, string | null>> {
    const candidates = new Map(emails.map((email) => {
      const domain = emailDomain(email);
      return [email, domain ? routingCandidates(domain) : []] as const;
    }));
    const keys = [...new Set([...candidates.values()].flat())].map((c) => verifiedKey(tenantId, c));
    const rows = keys.length ? await this.repo.findVerified(keys) : [];
    return new Map([...candidates].map(([email, names]) => [email, mostSpecificMatch(names, rows)?.organization_id ?? null]));
  }

  private async lockDomain(ctx: Ctx, orgKey: string, domainId: string, tx: Tx) {
    const org = await this.orgs.get(ctx.tenantId, orgKey, tx);
    const row = await this.repo.find(org.id, domainId, tx);
    if (!row) throw new NotFoundError('domain', domainId);
    return row;
  }

  private record(ctx: Ctx, tx: Tx, type: string, row: DomainRecord, data: Record<string, unknown> = {}) {
    this.events.record(ctx, tx, {
      type,
      target: { type: 'domain', id: row.id },
      organizationId: row.organization_id,
      data: { domain: row.domain, ...data },
    });
  }
}
