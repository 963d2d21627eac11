import type { Sequelize } from 'sequelize';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { defineModels, type Models } from './db/models';
import { Leases } from './db/leases';
import { Database } from './db/transaction';
import { DomainsRepository } from './domains/domains.repository';
import { DomainsService } from './domains/domains.service';
import { RecheckJob } from './domains/recheck.job';
import { AddressPolicy } from './domains/verifiers/address-policy';
import { DomainVerifier } from './domains/verifiers/domain-verifier';
import { createResolver, type DnsResolver } from './domains/verifiers/resolver';
import { SafeFetcher } from './domains/verifiers/safe-fetch';
import { EventsRepository } from './events/events.repository';
import { EventsService } from './events/events.service';
import { IdentitiesRepository } from './users/identities.repository';
import { IdentitiesService } from './users/identities.service';
import { WorkspacesService } from './orgs/workspaces.service';
import { DomainPolicyService } from './domains/domain-policy.service';
import { InvitationsRepository } from './invitations/invitations.repository';
import { InvitationsService } from './invitations/invitations.service';
import type { SsoDomainPolicy } from './invitations/sso-domain-policy';
import { createMailer } from './mail/mailer';
import { OutboxRepository } from './mail/outbox.repository';
import { OutboxService } from './mail/outbox.service';
import { MembersRepository } from './orgs/members.repository';
import { MembersService } from './orgs/members.service';
import { OrgsRepository } from './orgs/orgs.repository';
import { OrgsService } from './orgs/orgs.service';
import { OwnerGuard } from './orgs/owner-guard';
import { RolesRepository } from './orgs/roles.repository';
import { RolesService } from './orgs/roles.service';
import { RoutingService } from './routing/routing.service';
import { RoutingRepository } from './routing/routing.repository';
import { DirectoriesService } from './scim/directories.service';
import { ScimGroupsService } from './scim/groups.service';
import { MembershipSync } from './scim/membership-sync';
import { ScimRepository } from './scim/scim.repository';
import { UserIngest } from './scim/user-ingest';
import { ScimUserLinker } from './scim/user-link';
import { ScimUsersService } from './scim/users.service';
import type { Secrets } from './secrets';
import { systemClock, type Clock } from './shared/clock';
import type { Config } from './shared/config';
import type { Logger } from './shared/logger';
import { SecretBox } from './shared/secret-box';
import { SessionCookie } from './sessions/session-cookie';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { CertificateExpiryJob } from './sso/certificate-expiry.job';
import { ConnectionsRepository } from './sso/connections.repository';
import { ConnectionsService } from './sso/connections.service';
import { JitProvisioner } from './sso/jit';
import { RequestIdCache } from './sso/request-id-cache';
import { SamlService } from './sso/saml.service';
import { VerifiedDomainsFromDomains, type VerifiedDomainsPort } from './sso/verified-domains-port';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/** The composition root: every repository and service, wired once. */
export interface Container {
  config: Config;
  secrets: Secrets;
  logger: Logger;
  clock: Clock;
  db: Database;
  models: Models;
  events: EventsService;
  tenants: TenantsService;
  apiKeys: ApiKeysService;
  orgs: OrgsService;
  roles: RolesService;
  members: MembersService;
  users: UsersService;
  directories: DirectoriesService;
  scimUsers: ScimUsersService;
  scimGroups: ScimGroupsService;
  outbox: OutboxService;
  invitations: InvitationsService;
  domains: DomainsService;
  domainRecheck: RecheckJob;
  routing: RoutingService;
  connections: ConnectionsService;
  saml: SamlService;
  sessions: SessionsService;
  sessionCookie: SessionCookie;
  certificateExpiry: CertificateExpiryJob;
  identities: IdentitiesService;
}

export function buildContainer(deps: {
  config: Config;
  secrets: Secrets;
  logger: Logger;
  sequelize: Sequelize;
  clock?: Clock;
  /** Which organization's SSO owns an email domain; the domains work provides the real one. */
  ssoDomains?: SsoDomainPolicy;
  /** Replaceable collaborators (tests; the SSO work plugs its connections in here). */
  overrides?: { resolver?: DnsResolver; verifiedDomains?: VerifiedDomainsPort };
}): Container {
  const { config, secrets, logger, sequelize } = deps;
  const clock = deps.clock ?? systemClock;
  const models = defineModels(sequelize);
  const db = new Database(sequelize, logger);
  const events = new EventsService(new EventsRepository(models), clock);
  const connections = new ConnectionsService(db, new ConnectionsRepository(models), events, new SecretBox(secrets.secretKey));
  const tenants = new TenantsService(db, new TenantsRepository(models), events, connections);
  const apiKeys = new ApiKeysService(db, new ApiKeysRepository(models), events, clock);
  const orgsRepo = new OrgsRepository(models);
  const membersRepo = new MembersRepository(models);
  const owners = new OwnerGuard(membersRepo, orgsRepo);
  const roles = new RolesService(db, new RolesRepository(models), events);
  const orgs = new OrgsService(db, orgsRepo, roles, events, connections);
  const users = new UsersService(db, new UsersRepository(models), events, owners);
  const members = new MembersService(db, membersRepo, orgs, roles, users, owners, events);

  // Domains and login routing (issue 5)
  const resolver = deps.overrides?.resolver ?? createResolver(config.dnsServers);
  const fetcher = new SafeFetcher(resolver, new AddressPolicy(config.domainFetchAllowPrivate), {
    httpPort: config.domainFetchHttpPort,
    httpsPort: config.domainFetchHttpsPort,
  });
  const domainsRepo = new DomainsRepository(models);
  const interval = config.domainRecheckIntervalMs;
  const domains = new DomainsService(db, domainsRepo, orgs, events, new DomainVerifier(resolver, fetcher), clock, interval);
  const domainRecheck = new RecheckJob(new Leases(models), domainsRepo, domains, clock, interval, logger);
  const routing = new RoutingService(tenants, new RoutingRepository(db), config.publicUrl);

  const verifiedDomains = deps.overrides?.verifiedDomains ?? new VerifiedDomainsFromDomains(domains);
  // Domain policies (issue 22): restrict_to_verified_domains and auto_join
  const domainPolicy = new DomainPolicyService(orgs, members, verifiedDomains);
  members.useHooks(domainPolicy);
  members.useHooks(new WorkspacesService(models, events));

  // SCIM directories (issue 4); linking follows the verified domains (issue 18, F1)
  const scimRepo = new ScimRepository(models, db);
  const membershipSync = new MembershipSync(scimRepo, members, roles);
  const directories = new DirectoriesService(db, scimRepo, membershipSync, roles, members, users, events, clock);
  const linker = new ScimUserLinker(users, verifiedDomains);
  const ingest = new UserIngest(db, scimRepo, users, linker, membershipSync, events, clock);
  const scimUsers = new ScimUsersService(db, scimRepo, ingest, linker, users, membershipSync, events, clock, domainPolicy);
  const scimGroups = new ScimGroupsService(db, scimRepo, membershipSync, events, clock);

  // Invitations and mail (issue 7)
  const outbox = new OutboxService(db, new OutboxRepository(models), createMailer(config.smtpUrl, config.mailFrom), clock, logger);
  const invitations = new InvitationsService(db, new InvitationsRepository(models), {
    tenants,
    orgs,
    roles,
    users,
    members,
    events,
    outbox,
    sso: deps.ssoDomains ?? routing,
    connections,
    domainPolicy,
    clock,
    publicUrl: config.publicUrl,
  });

  const identities = new IdentitiesService(new IdentitiesRepository(db));

  // SAML sign-in and sessions (issue 6)
  const sessionCookie = new SessionCookie(secrets.secretKey);
  const sessions = new SessionsService(new SessionsRepository(models), sessionCookie, users, members, orgs, tenants, clock);
  const jit = new JitProvisioner(users, members, orgs, roles, verifiedDomains);
  const saml = new SamlService({
    db, connections, cache: new RequestIdCache(models), tenants, orgs, users, sessions, jit, domainPolicy, identities, events, clock, publicUrl: config.publicUrl,
  });

  return {
    config, secrets, logger, clock, db, models, events, tenants, apiKeys, orgs, roles, members, users,
    directories, scimUsers, scimGroups, outbox, invitations, domains, domainRecheck, routing, connections, saml, sessions, sessionCookie,
    certificateExpiry: new CertificateExpiryJob(connections, clock, logger),
    identities,
  };
}
