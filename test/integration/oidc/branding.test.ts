import { uniqueSlug } from '../../support/api';
import { authorizationRequest, Browser, csrfOf, member, oidcWorld, registeredApp, type OidcWorld } from '../../support/oidc';

let world: OidcWorld;
let org: { id: string; slug: string };
beforeAll(async () => {
  world = await oidcWorld();
  const tenantLook = { primary_color: '#112233', welcome_text: 'Welcome to the tenant' };
  expect((await world.admin.patch('/settings', { branding: tenantLook })).status).toBe(200);
  org = await world.admin.createOrg();
  const orgLook = { primary_color: '#AA0055', welcome_text: 'Hello <Acme> people', logo_url: 'https://cdn.example.com/acme.png' };
  expect((await world.admin.patch(`/organizations/${org.id}`, { branding: orgLook })).status).toBe(200);
});
afterAll(() => world.app.close());

const ORG_LOOK = ['<link rel="stylesheet" href="/assets/brand.css?c=aa0055">', '<p class="welcome">Hello &lt;Acme&gt; people</p>', '<img class="logo" src="https://cdn.example.com/acme.png" alt="">'];
const TENANT_LOOK = ['<link rel="stylesheet" href="/assets/brand.css?c=112233">', '<p class="welcome">Welcome to the tenant</p>'];

/** The hosted page an authorization request lands on, and the password page after the email. */
async function pagesOf(extra: Record<string, string>, email: string) {
  const { config, redirect } = await registeredApp(world);
  const { url } = await authorizationRequest(config, redirect, extra);
  const browser = new Browser(world.app.url);
  let res = await browser.request(String(url));
  for (let hops = 0; hops < 5 && res.headers.get('location'); hops++) res = await browser.request(res.headers.get('location')!);
  const identifier = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(identifier)![1]!.replace(/&amp;/g, '&');
  const interaction = /name="interaction" value="([^"]+)"/.exec(identifier)![1]!;
  const password = await (await browser.request(action, { form: { csrf: csrfOf(identifier), interaction, email } })).text();
  const forgot = await (await browser.request(/<a href="([^"]+)">Forgot/.exec(password)![1]!.replace(/&amp;/g, '&'))).text();
  return { identifier, password, forgot };
}

describe('branding on the hosted sign-in pages', () => {
  it("when the authorization request names an organization, then the sign-in pages show that organization's branding", async () => {
    const person = await member(world.admin, org.id, `${uniqueSlug('b')}@example.com`);
    const pages = await pagesOf({ organization: org.slug }, person.email);
    for (const html of [pages.identifier, pages.password, pages.forgot]) {
      for (const part of ORG_LOOK) expect(html).toContain(part);
      expect(html).not.toContain('Welcome to the tenant');
    }
  });

  it('when the organization is given by id, or the email is unknown, then the look is the same (nothing is looked up by email)', async () => {
    const pages = await pagesOf({ organization: org.id }, `${uniqueSlug('nobody')}@example.com`);
    for (const part of ORG_LOOK) expect(pages.password).toContain(part);
  });

  it("when there is no organization in context, or an unknown one, then the pages show the tenant's branding", async () => {
    for (const extra of [{}, { organization: 'no-such-org' }] as Array<Record<string, string>>) {
      const pages = await pagesOf(extra, `${uniqueSlug('t')}@example.com`);
      for (const html of [pages.identifier, pages.password]) {
        for (const part of TENANT_LOOK) expect(html).toContain(part);
        expect(html).not.toContain('acme.png');
      }
    }
  });

  it("when the hosted login is opened with ?organization=, then its pages carry the organization's look through the email step", async () => {
    const browser = new Browser(world.app.url);
    const first = await browser.request(`/t/${world.admin.tenant.slug}/login?organization=${org.slug}`);
    const identifier = await first.text();
    for (const part of ORG_LOOK) expect(identifier).toContain(part);
    expect(identifier).toContain(`<input type="hidden" name="organization" value="${org.slug}">`);
    const second = await browser.request(`/t/${world.admin.tenant.slug}/login`, { form: { csrf: csrfOf(identifier), organization: org.slug, email: 'x@example.com' } });
    const password = await second.text();
    expect(password).toContain('name="password"');
    for (const part of ORG_LOOK) expect(password).toContain(part);
  });
});
