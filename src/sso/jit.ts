import type { ConnectionRecord, MembershipRecord, OrgRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { MembersService } from '../orgs/members.service';
import type { OrgsService } from '../orgs/orgs.service';
import type { RolesService } from '../orgs/roles.service';
import { roleForGroups } from '../scim/role-mapping';
import type { Ctx } from '../shared/context';
import { newId } from '../shared/ids';
import type { UsersService } from '../users/users.service';
import type { SignedInPerson } from './attribute-mapping';
import { SamlFailure } from './saml-failure';
import type { VerifiedDomainsPort } from './verified-domains-port';

export interface SignedIn {
  user: UserRecord;
  org: OrgRecord;
  role: string;
}

/**
 * Which organization a verified person signs into, creating the user and membership just in
 * time when the contract allows it. A connection's IdP speaks only for the verified domains of
 * the organizations linked to it: an email outside them is refused whoever it belongs to, so an
 * IdP cannot sign in as an account of another organization or the tenant's admin (issue 18, F1).
 * Within them, the organization whose verified domain matches most specifically wins; a person
 * who is not its member yet is provisioned when JIT is on, else an existing membership in another
 * linked organization is used. With role mappings, a JIT membership's role follows the groups
 * at every sign-in.
 */
export class JitProvisioner {
  constructor(
    private readonly users: UsersService,
    private readonly members: MembersService,
    private readonly orgs: OrgsService,
    private readonly roles: RolesService,
    private readonly domains: VerifiedDomainsPort,
  ) {}

  async signIn(tenantId: string, connection: ConnectionRecord, linkedOrgIds: string[], person: SignedInPerson, tx: Tx): Promise<SignedIn> {
    // The domain first: an IdP learns nothing (blocked or not) about accounts it does not speak for.
    const byDomain = linkedOrgIds.length ? await this.domains.organizationForEmail(tenantId, person.email, linkedOrgIds) : null;
    const domainOrgId = byDomain && linkedOrgIds.includes(byDomain.organizationId) ? byDomain.organizationId : null;
    if (!domainOrgId) throw new SamlFailure('domain_not_verified');
    const existing = await this.users.findByEmail(tenantId, person.email, tx);
    if (existing?.blocked) throw new SamlFailure('user_blocked');
    const memberships = existing
      ? (await Promise.all(linkedOrgIds.map((id) => this.members.find(id, existing.id, tx)))).filter((m) => m !== null)
      : [];
    const signInto = async (m: MembershipRecord) => {
      if (m.status !== 'active') throw new SamlFailure('membership_suspended');
      const org = await this.orgs.get(tenantId, m.organization_id, tx);
      const role = connection.role_mappings
        ? await this.members.syncJitRole({ tenantId, actor: { type: 'user', id: m.user_id } }, m, await this.roleFor(org.id, connection, person.groups, tx), tx)
        : m.role_key;
      return { user: existing!, org, role };
    };

    const inDomainOrg = memberships.find((m) => m.organization_id === domainOrgId);
    if (inDomainOrg) return signInto(inDomainOrg);
    if (connection.jit.enabled) return this.provision(tenantId, connection, domainOrgId, existing, person, tx);
    const other = memberships.find((m) => m.status === 'active') ?? memberships[0];
    if (other) return signInto(other);
    throw new SamlFailure('jit_refused');
  }

  private async provision(
    tenantId: string,
    connection: ConnectionRecord,
    organizationId: string,
    existing: UserRecord | null,
    person: SignedInPerson,
    tx: Tx,
  ): Promise<SignedIn> {
    const org = await this.orgs.get(tenantId, organizationId, tx);
    const userId = existing?.id ?? newId('usr');
    const ctx: Ctx = { tenantId, actor: { type: 'user', id: userId } };
    const user = existing ?? (await this.users.create(ctx, { id: userId, email: person.email, name: fullName(person) }, tx));
    const role = await this.roleFor(org.id, connection, person.groups, tx);
    await this.members.add(ctx, org, { userId: user.id }, role, 'jit', tx);
    return { user, org, role };
  }

  /** The connection's role mapping (SCIM directories' rules) when it has one, else its JIT default role. */
  private async roleFor(organizationId: string, connection: ConnectionRecord, groups: string[], tx: Tx): Promise<string> {
    const ranks = await this.roles.ranks(organizationId, tx);
    const mapping = connection.role_mappings ?? { default_role: connection.jit.default_role, mappings: [] };
    return roleForGroups(mapping, groups.map((g) => ({ id: g, displayName: g })), ranks);
  }
}

/** The person's name from the assertion's first and last name, or null. */
export const fullName = (p: SignedInPerson) => [p.firstName, p.lastName].filter(Boolean).join(' ') || null;
