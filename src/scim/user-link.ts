import type { Tx } from '../db/transaction';
import type { VerifiedDomainsPort } from '../sso/verified-domains-port';
import type { UsersService } from '../users/users.service';
import type { DirectoryContext } from './scim-request';

/** Why a SCIM user is not linked to a tenant user (shown in its resource, see link-schema.ts). */
export type UnlinkedReason = 'no_email' | 'domain_not_verified';

export type LinkDecision = { userId: string } | { create: true } | { unlinked: 'domain_not_verified' };

/**
 * Which tenant user a directory may link a SCIM user to (docs/scim.md, "Linking"). An email no
 * tenant user has yet gets a new tenant user. An *existing* tenant user is linked only when the
 * email's most specific verified domain belongs to the directory's organization: otherwise a
 * directory could provision someone else's address (the tenant admin's, say) and take over that
 * account through its organization's IdP.
 */
export class ScimUserLinker {
  constructor(
    private readonly users: UsersService,
    private readonly domains: VerifiedDomainsPort,
  ) {}

  /** Decisions for these lower-cased emails, in one read of users and at most one of domains. */
  async plan(dir: DirectoryContext, emails: string[], tx: Tx): Promise<Map<string, LinkDecision>> {
    const existing = emails.length ? await this.users.idsByEmails(dir.tenantId, emails, tx) : new Map<string, string>();
    const owners = existing.size ? await this.domains.verifiedOwnersOf(dir.tenantId, [...existing.keys()]) : new Map<string, string | null>();
    return new Map(
      emails.map((email): [string, LinkDecision] => {
        const userId = existing.get(email);
        if (!userId) return [email, { create: true }];
        return [email, owners.get(email) === dir.organizationId ? { userId } : { unlinked: 'domain_not_verified' }];
      }),
    );
  }
}
