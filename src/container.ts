import type { Sequelize } from 'sequelize';
import { AccessRepository } from './access/access.repository';
import { AccessService } from './access/access.service';
import { TenantRolesRepository } from './access/tenant-roles.repository';
import { TenantRolesService } from './access/tenant-roles.service';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { defineModels, type Models } from './db/models';
import { Leases } from './db/leases';
import { Database } from './db/transaction';
import { Readiness } from './http/health.routes';
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
import { AccessTokens } from './oidc/access-tokens';
import { AccountSecurity } from './oidc/account-security.service';
import { OidcAccounts } from './oidc/accounts';
import { OidcAccountsRepository } from './oidc/accounts.repository';
import { ApplicationsRepository } from './oidc/applications.repository';
import { OidcInteractions } from './oidc/interactions';
import { LockoutsRepository } from './oidc/lockouts.repository';
import { PasswordSignIn } from './oidc/login.service';
import { MfaFactorsRepository } from './oidc/mfa-factors.repository';
import { MfaStep } from './oidc/mfa.service';
import { PasswordResets } from './oidc/password-reset.service';
import { PasswordResetsRepository } from './oidc/password-resets.repository';
import { OidcPayloadsRepository } from './oidc/oidc-payloads.repository';
import { OidcProviders } from './oidc/provider';
import { ApplicationsService } from './oidc/applications.service';
import { SigningKeysRepository } from './oidc/signing-keys.repository';
import { SigningKeysService } from './oidc/signing-keys.service';
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
import { DeliveryWorker } from './webhooks/delivery.worker';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WebhooksService } from './webhooks/webhooks.service';

/** The composition root: every repository and service, wired once. */
export interface Container {
  config: Config;
  secrets: Secrets;
  logger: Logger;
  clock: Clock;
  db: Database;
  /** /readyz's answer apart from the database: false once shutdown has begun. */
  readiness: Readiness;
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
  applications: ApplicationsService;
  signingKeys: SigningKeysService;
  oidc: { providers: OidcProviders; interactions: OidcInteractions; signIn: PasswordSignIn; accessTokens: AccessTokens; resets: PasswordResets; mfa: MfaStep; account: AccountSecurity };
  webhooks: WebhooksService;
  webhookWorker: DeliveryWorker;
  webhookAddressPolicy: AddressPolicy;
  tenantRoles: TenantRolesService;
  /** Effective roles and permissions (the OIDC provider's claims `org_role`, `roles`, `permissions`). */
  access: AccessService;
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
  const tenantRoles = new TenantRolesService(db, new TenantRolesRepository(models), events);
  const tenants = new TenantsService(db, new TenantsRepository(models), events, connections, tenantRoles);
  const apiKeys = new ApiKeysService(db, new ApiKeysRepository(models), events, clock);
  const orgsRepo = new OrgsRepository(models);
  const membersRepo = new MembersRepository(models);
  const owners = new OwnerGuard(membersRepo, orgsRepo);
  const roles = new RolesService(db, new RolesRepository(models), events);
  const orgs = new OrgsService(db, orgsRepo, roles, events, connections);
  const users = new UsersService(db, new UsersRepository(models), events, owners, tenantRoles);
  const members = new MembersService(db, membersRepo, orgs, roles, users, owners, events);
  const access = new AccessService(new AccessRepository(db), { isMember: async (orgId, userId) => (await members.find(orgId, userId)) !== null });

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
  members.useHooks(new WorkspacesService(models, events, members));

  // SCIM directories (issue 4); linking follows the verified domains (issue 18, F1)
  const scimRepo = new ScimRepository(models, db);
  const membershipSync = new MembershipSync(scimRepo, members, roles);
  const directories = new DirectoriesService(db, scimRepo, membershipSync, roles, members, users, events, clock);
  const linker = new ScimUserLinker(users, verifiedDomains);
  const ingest = new UserIngest(db, scimRepo, users, linker, membershipSync, events, clock);
  const scimUsers = new ScimUsersService(db, scimRepo, ingest, linker, users, membershipSync, events, clock, domainPolicy);
  const scimGroups = new ScimGroupsService(db, scimRepo, membershipSync, events, clock);

  // OIDC applications (issue 19), which invitations name by client_id (issue 22)
  const applications = new ApplicationsService(db, new ApplicationsRepository(models), events);

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
    applications: {
      find: async (tenantId, key, tx) => {
        const app = await applications.findByIdOrClientId(tenantId, key, tx);
        return app && { redirectUris: app.redirect_uris, initiateLoginUri: app.initiate_login_uri ?? null };
      },
    },
    domainPolicy,
    clock,
    publicUrl: config.publicUrl,
  });

  const identities = new IdentitiesService(new IdentitiesRepository(db));

  // SAML sign-in and sessions (issue 6)
  const sessionCookie = new SessionCookie(secrets.secretKey);
  const sessions = new SessionsService(new SessionsRepository(models, db.sql), sessionCookie, users, tenants, clock);
  const jit = new JitProvisioner(users, members, orgs, roles, verifiedDomains);
  const saml = new SamlService({
    db, connections, cache: new RequestIdCache(models), tenants, orgs, users, sessions, jit, domainPolicy, identities, invitations, domains: verifiedDomains, events, clock, publicUrl: config.publicUrl,
  });

  // OpenID Connect provider (issue 19)
  const signingKeys = new SigningKeysService(db, new SigningKeysRepository(models), new SecretBox(secrets.secretKey), events, clock);
  const oidcAccounts = new OidcAccounts(members, orgs, access, tenants, new OidcAccountsRepository(db.sql));
  const oidcPayloads = new OidcPayloadsRepository(models, db.sql);
  const accessTokens = new AccessTokens({ tenants, signingKeys, accounts: oidcAccounts, payloads: oidcPayloads, clock, publicUrl: config.publicUrl });
  const providers = new OidcProviders({
    publicUrl: config.publicUrl, secretKey: secrets.secretKey, tenants, applications, signingKeys, accounts: oidcAccounts, accessTokens,
    payloads: oidcPayloads, sessions, clock,
  });
  const lockouts = new LockoutsRepository(models);
  const mfaFactors = new MfaFactorsRepository(models);
  const signIn = new PasswordSignIn(db, users, sessions, lockouts, events, clock, domainPolicy, mfaFactors);
  const oidc = {
    mfa: new MfaStep({
      db, repo: mfaFactors, lockouts, box: new SecretBox(secrets.secretKey), users, sessions, signIn, events, clock, secretKey: secrets.secretKey,
    }),
    providers,
    resets: new PasswordResets({
      db, repo: new PasswordResetsRepository(models), users, lockouts, routing, outbox, events, clock, publicUrl: config.publicUrl,
    }),
    interactions: new OidcInteractions(providers, oidcAccounts, sessions),
    signIn,
    account: new AccountSecurity({ db, users, members, orgs, tenants, lockouts, sessions, events, clock }),
    accessTokens,
  };

  // Webhooks (issue 20): the same SSRF-safe fetch as domain verification, with its own allow-list.
  const webhookAddressPolicy = new AddressPolicy(config.webhookAllowPrivate);
  const webhookFetcher = new SafeFetcher(resolver, webhookAddressPolicy, {
    httpPort: 80, httpsPort: 443, anyPort: true, keepAlive: true, timeoutMs: config.webhookTimeoutMs, userAgent: 'orgbridge-webhooks',
  });
  const webhooksRepo = new WebhooksRepository(models, db.sql);
  const webhooks = new WebhooksService(db, webhooksRepo, events, new SecretBox(secrets.secretKey, 'orgbridge webhook-secret v1'), clock);
  const webhookWorker = new DeliveryWorker(db, webhooksRepo, webhooks, events, new Leases(models), webhookFetcher, clock, logger);

  return {
    applications, signingKeys, oidc, webhooks, webhookWorker, webhookAddressPolicy,
    config, secrets, logger, clock, db, readiness: new Readiness(), models, events, tenants, apiKeys, orgs, roles, members, users,
    directories, scimUsers, scimGroups, outbox, invitations, domains, domainRecheck, routing, connections, saml, sessions, sessionCookie,
    certificateExpiry: new CertificateExpiryJob(connections, clock, logger),
    tenantRoles,
    access,
    identities,
  };
}
