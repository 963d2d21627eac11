import { domainToASCII, domainToUnicode } from 'node:url';
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

  /**
   * Decisions for these lower-cased emails, in one read of users and at most one of domains. An
   * IDN domain's Unicode and punycode spellings name one mailbox: a tenant user under the other
   * spelling is that address's existing user (else a directory could create a second account for
   * someone else's address, one that its organization manages).
   */
  async plan(dir: DirectoryContext, emails: string[], tx: Tx): Promise<Map<string, LinkDecision>> {
    const spellings = new Map(emails.map((email) => [email, spellingsOf(email)]));
    const found = emails.length ? await this.users.idsByEmails(dir.tenantId, [...spellings.values()].flat(), tx) : new Map<string, string>();
    const existing = new Map<string, string>();
    for (const [email, names] of spellings) {
      const userId = names.map((n) => found.get(n)).find((id) => id !== undefined);
      if (userId) existing.set(email, userId);
    }
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

/** The address as given first, then with its domain in the other IDN spelling (punycode or Unicode), lower-cased. */
function spellingsOf(email: string): string[] {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at + 1);
  const domain = email.slice(at + 1);
  const others = [domainToASCII(domain), domainToUnicode(domain)].filter(Boolean).map((d) => `${local}${d}`.toLowerCase());
  return [...new Set([email, ...others])];
}
