import { createServer } from 'node:net';
import * as client from 'openid-client';
import { createTenant, type AdminClient } from './api';
import { acceptApi, GOOD_PASSWORD, invite } from './invitations';
import { authorizeAs, Browser, csrfOf } from './http-browser';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';

export { Browser, csrfOf };

/** A free loopback port (the app's PUBLIC_URL must be its real address: it is the OIDC issuer). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The app with PUBLIC_URL = where it listens, so discovery and issuer checks are the real ones. */
export async function startOidcApp(options: TestAppOptions = {}): Promise<TestApp> {
  const port = await freePort();
  return startTestApp({ ...options, port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env } });
}

/** `authorizeAs` with the test password unless one is given. */
export const authorize = (browser: Browser, url: URL | string, who: { email: string; password?: string }, pick?: string): Promise<URL> =>
  authorizeAs(browser, url, { email: who.email, password: who.password ?? GOOD_PASSWORD }, pick);

export interface OidcWorld {
  app: TestApp;
  admin: AdminClient;
  issuer: string;
}

export async function oidcWorld(options: TestAppOptions = {}): Promise<OidcWorld> {
  const app = await startOidcApp(options);
  const admin = await createTenant(app);
  return { app, admin, issuer: `${app.url}/t/${admin.tenant.slug}/oidc` };
}

/** A person with a password who is a member of `orgId` (through an accepted invitation). */
export async function member(admin: AdminClient, orgId: string, email: string): Promise<{ id: string; email: string }> {
  const { token } = await invite(admin, orgId, email);
  const res = await acceptApi(admin, { token, name: 'Test Person', password: GOOD_PASSWORD });
  if (res.status >= 300) throw new Error(`accept failed: ${res.status} ${JSON.stringify(res.body)}`);
  const user = (await admin.get(`/users?search=${encodeURIComponent(email)}`)).body.data[0];
  return { id: user.id, email };
}

/** An application and its openid-client configuration (discovery over real HTTP). */
export async function registeredApp(world: OidcWorld, type: 'web' | 'spa' = 'web', redirect = 'http://127.0.0.1:9/callback') {
  const res = await world.admin.post('/applications', { name: 'App', type, redirect_uris: [redirect] });
  if (res.status !== 201) throw new Error(`create app failed: ${res.status} ${JSON.stringify(res.body)}`);
  const auth = type === 'web' ? client.ClientSecretBasic(res.body.client_secret) : client.None();
  const config = await client.discovery(new URL(world.issuer), res.body.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
  return { app: res.body as { id: string; client_id: string; client_secret?: string }, config, redirect };
}

/** An authorization URL with PKCE S256, and what the callback needs. */
export async function authorizationRequest(config: client.Configuration, redirect: string, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirect,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { url, verifier, state };
}
