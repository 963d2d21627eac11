import { uniqueSlug } from '../../support/api';
import { authorizationRequest, authorize, Browser, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';
import { StubVerifiedDomains } from '../../support/sso';

/** The hosted password sign-in is a sign-in of any kind: the domain's auto_join applies (issue 22, seed 002). */
const domains = new StubVerifiedDomains();
let world: OidcWorld;
beforeAll(async () => {
  world = await oidcWorld({ overrides: { verifiedDomains: domains } });
});
afterAll(() => world.app.close());

it("when a person signs in on the hosted page, then the organization owning their verified domain with auto_join takes them in", async () => {
  const { admin } = world;
  const home = await admin.createOrg();
  const domain = `${uniqueSlug('d')}.test`;
  const person = await member(admin, home.id, `pat@${domain}`);
  const company = await admin.createOrg({ domain_policy: { auto_join: 'guest' } });
  domains.verify(company.id, domain);

  const registered = await registeredApp(world);
  const request = await authorizationRequest(registered.config, registered.redirect, { organization: home.id });
  await authorize(new Browser(world.app.url), request.url, { email: person.email });
  const joined = (await admin.get(`/organizations/${company.id}/members`)).body.data;
  expect(joined).toEqual([expect.objectContaining({ user_id: person.id, role: 'guest', source: 'domain' })]);
});
