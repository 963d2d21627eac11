import type { MembershipRecord, OrgRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { MembershipSource, MembersService } from '../orgs/members.service';
import type { MembershipHooks } from '../orgs/membership-hooks';
import { fullDomainPolicy } from '../orgs/domain-policy';
import type { OrgsService } from '../orgs/orgs.service';
import type { Ctx } from '../shared/context';
import { ForbiddenError } from '../shared/errors';
import type { VerifiedDomainsPort } from '../sso/verified-domains-port';

/**
 * Organizations' domain policies (issue 22, seed 002; docs/domains.md "Domain policies").
 * An email is *of* an organization when the organization owns its most specific verified
 * domain — the rule routing, JIT and SCIM linking use.
 */
export class DomainPolicyService implements MembershipHooks {
  constructor(
    private readonly orgs: OrgsService,
    private readonly members: MembersService,
    private readonly domains: VerifiedDomainsPort,
  ) {}

  /**
   * With `restrict_to_verified_domains`, 403 for an email outside the organization's verified
   * domains (adding a member, inviting, SCIM provisioning). A missing email has nothing to check.
   */
  async assertEmailAllowed(tenantId: string, orgOrId: OrgRecord | string, email: string | null, tx?: Tx): Promise<void> {
    if (!email) return;
    const org = typeof orgOrId === 'string' ? await this.orgs.get(tenantId, orgOrId, tx) : orgOrId;
    // A workspace's members are members of its parent (docs/roles.md): an email the parent refuses cannot come in either.
    if (org.parent_id) await this.assertEmailAllowed(tenantId, org.parent_id, email, tx);
    if (!fullDomainPolicy(org.domain_policy).restrict_to_verified_domains) return;
    const owner = (await this.domains.verifiedOwnersOf(tenantId, [email.toLowerCase()])).get(email.toLowerCase());
    if (owner === org.id) return;
    throw new ForbiddenError(
      `the organization ${org.name} accepts only emails of its verified domains (restrict_to_verified_domains), and ${email.slice(email.lastIndexOf('@') + 1).toLowerCase()} is not one of them`,
    );
  }

  /** members.add: manual and invited members are checked (JIT, SCIM and auto-join have their own domain rules). */
  async beforeAdd(ctx: Ctx, org: OrgRecord, user: UserRecord, source: MembershipSource, tx: Tx): Promise<void> {
    if (source === 'manual' || source === 'invitation') await this.assertEmailAllowed(ctx.tenantId, org, user.email, tx);
  }

  /**
   * At a sign-in of any kind, in its transaction: when the organization owning the email's most
   * specific verified domain sets `auto_join`, a person who is not its member becomes one with
   * that role (`source: domain`). Each person is considered once per organization (their first
   * sign-in since auto_join was set), so someone an administrator removes stays removed.
   * Answers the new membership, or null. Every sign-in path calls this (SAML ACS, invitation
   * acceptance, and the OIDC hosted login's password sign-in).
   */
  async autoJoin(tenantId: string, user: UserRecord, tx: Tx): Promise<MembershipRecord | null> {
    if (user.blocked) return null;
    const orgId = (await this.domains.verifiedOwnersOf(tenantId, [user.email_normalized])).get(user.email_normalized);
    if (!orgId) return null;
    const org = await this.orgs.get(tenantId, orgId, tx);
    const role = fullDomainPolicy(org.domain_policy).auto_join;
    if (!role) return null;
    // The marker settles parallel sign-ins of one person too: only the one that inserts it goes on.
    const ignore = tx.sql.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    const created = await tx.sql.run(`${ignore} INTO domain_auto_joins (organization_id, user_id, created_at) VALUES (?, ?, ?)`, [org.id, user.id, new Date()], tx);
    if (!created || (await this.members.find(org.id, user.id, tx))) return null;
    const ctx: Ctx = { tenantId, actor: { type: 'user', id: user.id } };
    try {
      await this.members.add(ctx, org, { userId: user.id }, role, 'domain', tx);
    } catch (err) {
      // The role was deleted since auto_join named it: the sign-in goes on without the membership.
      if (err instanceof Error && 'code' in err && err.code === 'invalid_request') return null;
      throw err;
    }
    return this.members.find(org.id, user.id, tx);
  }
}
