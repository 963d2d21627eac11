import { createTenant, uniqueSlug, type AdminClient } from './api';
import { GOOD_PASSWORD } from './invitations';
import { Browser, csrfOf, member, startOidcApp } from './oidc';
import type { TestApp } from './test-app';

/** The portal tests' app (with the hosted login the portal signs in through) and one tenant of it. */
export async function startPortalApp(): Promise<{ app: TestApp; admin: AdminClient }> {
  const app = await startOidcApp();
  try {
    return { app, admin: await createTenant(app) };
  } catch (err) {
    await app.close();
    throw err;
  }
}

/** A page of the portal as a browser got it. */
export interface PortalPage {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

/**
 * A browser signed in to the tenant's hosted login (identifier, then password) by way of the
 * portal's redirect: opening `path` while signed out goes to the login with `return_to`, and the
 * sign-in comes back to `path`.
 */
export async function signInToPortal(admin: AdminClient, email: string, path = portalPath(admin)): Promise<{ browser: Browser; landed: string }> {
  const browser = new Browser(admin.app.url);
  const first = await browser.request(path);
  if (first.status !== 303) throw new Error(`expected a redirect to the login, got ${first.status}`);
  const login = first.headers.get('location')!;
  const start = await browser.request(login);
  const startHtml = await start.text();
  const returnTo = /name="return_to" value="([^"]+)"/.exec(startHtml)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const action = `/t/${admin.tenant.slug}/login`;
  const step = await browser.request(action, { form: { csrf: csrfOf(startHtml), email, return_to: returnTo } });
  const stepHtml = await step.text();
  const done = await browser.request(action, { form: { csrf: csrfOf(stepHtml), email, password: GOOD_PASSWORD, return_to: returnTo } });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status} ${(await done.text()).slice(0, 300)}`);
  return { browser, landed: done.headers.get('location')! };
}

export const portalPath = (admin: AdminClient, rest = '') => `/t/${admin.tenant.slug}/portal${rest}`;

export async function open(browser: Browser, path: string, form?: Record<string, string>): Promise<PortalPage> {
  const res = await browser.request(path, form ? { form } : {});
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), headers: res.headers };
}

/** Posts a form of the page at `pagePath` with its CSRF field (the session's). */
export async function submit(browser: Browser, pagePath: string, action: string, form: Record<string, string>): Promise<PortalPage> {
  const page = await open(browser, pagePath);
  if (page.status !== 200) throw new Error(`page ${pagePath} answered ${page.status}`);
  return open(browser, action, { csrf: csrfOf(page.html), ...form });
}

/** A person with a password, member of `orgId` with `role`. */
export async function personIn(admin: AdminClient, orgId: string, role: string, prefix = 'p'): Promise<{ id: string; email: string }> {
  const person = await member(admin, orgId, `${uniqueSlug(prefix)}@example.com`);
  if (role !== 'member') {
    const res = await admin.patch(`/organizations/${orgId}/members/${person.id}`, { role });
    if (res.status !== 200) throw new Error(`role change failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return person;
}

/** A tenant administrator with a password (a member of a scratch organization to get one). */
export async function tenantAdminPerson(admin: AdminClient): Promise<{ id: string; email: string }> {
  const scratch = await admin.createOrg({ name: 'Scratch' });
  const person = await member(admin, scratch.id, `${uniqueSlug('tadmin')}@example.com`);
  const res = await admin.patch(`/users/${person.id}`, { tenant_role: 'admin' });
  if (res.status !== 200) throw new Error(`tenant_role failed: ${res.status} ${JSON.stringify(res.body)}`);
  return person;
}
