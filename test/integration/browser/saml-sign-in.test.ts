import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { generateSpKeyPair } from '../../../src/sso/x509';
import { createTenant, type AdminClient } from '../../support/api';
import { describeInBrowser, launchBrowser } from '../../support/browser';
import { buildResponse, readAuthnRedirect } from '../../support/saml-idp';
import { freePort } from '../../support/smtp';
import { lastFailureReason, setupSso, StubVerifiedDomains, type SsoSetup } from '../../support/sso';
import { startTestApp, type TestApp } from '../../support/test-app';

jest.setTimeout(60_000);

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page an IdP answers with: a form that the browser posts to the ACS at once (HTTP-POST binding). */
const autoPost = (acs: string, fields: Record<string, string>) =>
  `<!doctype html><html><body><form method="post" action="${escapeAttr(acs)}">` +
  Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeAttr(value)}">`).join('') +
  `<noscript><button>Continue</button></noscript></form><script>document.forms[0].submit()</script></body></html>`;

/**
 * SAML sign-in in Chromium, with the IdP on another site (`localhost`, the app on `127.0.0.1`):
 * its page POSTs the response cross-site to the ACS, where the browser-binding cookie set at
 * start must come along (docs/sso.md, "Browser binding"). Once on plain http (the cookie has no
 * SameSite; Chrome's Lax+POST allowance sends it) and once on https (SameSite=None; Secure).
 */
describeInBrowser('SAML sign-in in a browser, the IdP posting cross-site', () => {
  let browser: Browser;
  /** the IdP's site: `http://localhost:<port>` (the app is on 127.0.0.1, another site) */
  let idp: HttpServer;
  let idpOrigin: string;
  let idpHandler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(404).end();
  /** the last response the IdP page posted, with its RelayState (what an attacker captures from their own sign-in) */
  let lastPosted: { SAMLResponse: string; RelayState: string } | undefined;
  let current: SsoSetup;
  let acsUrl: string;
  const domains = new StubVerifiedDomains();

  beforeAll(async () => {
    idp = createHttpServer((req, res) => idpHandler(req, res));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    idpOrigin = `http://localhost:${(idp.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    idp?.closeAllConnections();
    await new Promise((r) => idp?.close(r));
  });

  /** The IdP: signs in whoever asks as `email`, answering the AuthnRequest it was sent. */
  function idpSignsInAs(email: string): void {
    idpHandler = (req, res) => {
      if (req.url?.startsWith('/sso?')) {
        const { id, relayState } = readAuthnRedirect(`${idpOrigin}${req.url}`, current.connection.sp.certificate);
        const SAMLResponse = buildResponse({ key: current.key, acsUrl, audience: current.connection.sp.entity_id, inResponseTo: id, email });
        lastPosted = { SAMLResponse, RelayState: relayState! };
        return void res.writeHead(200, { 'content-type': 'text/html' }).end(autoPost(acsUrl, lastPosted));
      }
      // The attacker's page, on a site of theirs: it posts a captured response.
      if (req.url === '/attack' && lastPosted) return void res.writeHead(200, { 'content-type': 'text/html' }).end(autoPost(acsUrl, lastPosted));
      res.writeHead(404).end();
    };
  }

  function scenario(name: string, secure: boolean) {
    describe(name, () => {
      let app: TestApp;
      let tls: HttpsServer | undefined;
      let base: string;
      let admin: AdminClient;
      const contexts: BrowserContext[] = [];
      const newBrowserContext = async () => {
        const context = await browser.newContext({ baseURL: base, ignoreHTTPSErrors: true });
        context.setDefaultTimeout(10_000);
        contexts.push(context);
        return context;
      };

      beforeAll(async () => {
        if (secure) {
          // The app behind TLS on its public address (a self-signed certificate the browser is told to accept).
          const httpsPort = await freePort();
          base = `https://127.0.0.1:${httpsPort}`;
          app = await startTestApp({ env: { PUBLIC_URL: base }, overrides: { verifiedDomains: domains } });
          const { privateKeyPem, certificatePem } = generateSpKeyPair('127.0.0.1', 1);
          tls = createHttpsServer({ key: privateKeyPem, cert: certificatePem }, (req, res) => app.server.emit('request', req, res));
          await new Promise<void>((resolve) => tls!.listen(httpsPort, '127.0.0.1', resolve));
        } else {
          const port = await freePort();
          base = `http://127.0.0.1:${port}`;
          app = await startTestApp({ port, env: { PUBLIC_URL: base }, overrides: { verifiedDomains: domains } });
        }
        admin = await createTenant(app);
        current = await setupSso(admin, { idp_sso_url: `${idpOrigin}/sso` });
        domains.verify(current.org.id, `${admin.tenant.slug}.example`);
        acsUrl = current.connection.sp.acs_url;
        expect(acsUrl.startsWith(`${base}/`)).toBe(true);
      });
      afterAll(async () => {
        await Promise.all(contexts.map((c) => c.close()));
        if (tls) {
          tls.closeAllConnections();
          await new Promise((r) => tls!.close(r));
        }
        await app?.close();
      });

      const startPath = () => `/t/${admin.tenant.slug}/sso/saml/${current.connection.id}/start?return_to=${encodeURIComponent(`/t/${admin.tenant.slug}/account/organizations`)}`;

      it('when the person starts at the app and the IdP posts its answer cross-site, then they are signed in', async () => {
        const email = `alice@${admin.tenant.slug}.example`;
        idpSignsInAs(email);
        const context = await newBrowserContext();
        const page = await context.newPage();
        const acsAnswer = page.waitForResponse((r) => r.url() === acsUrl && r.request().method() === 'POST');
        await page.goto(startPath());
        const acs = await acsAnswer;
        expect(acs.status()).toBe(303);
        await page.waitForURL(`${base}/t/${admin.tenant.slug}/account/organizations`);
        // The post really was cross-site: it came from the IdP's page on another site.
        expect(await acs.request().headerValue('origin')).toBe(idpOrigin);
        const me = await page.request.get(`/t/${admin.tenant.slug}/api/v1/me`);
        expect(me.status()).toBe(200);
        expect((await me.json()).user.email).toBe(email);
        // The binding cookie served its one answer.
        expect((await context.cookies()).filter((c) => c.name.includes('ob_saml'))).toEqual([]);
      });

      it('when an attacker makes a victim’s browser post the attacker’s own response (login CSRF), then it is refused and the victim is not signed in', async () => {
        idpSignsInAs(`mallory@${admin.tenant.slug}.example`);
        // The attacker signs in up to the IdP's answer in their own browser, and keeps the answer.
        const attacker = await (await newBrowserContext()).newPage();
        const held = new Promise<void>((resolve) => void attacker.route(acsUrl, (route) => void route.abort().then(resolve)));
        await attacker.goto(startPath()).catch(() => undefined);
        await held; // the IdP's page answered, and lastPosted is the attacker's response

        const victim = await (await newBrowserContext()).newPage();
        const acsAnswer = victim.waitForResponse((r) => r.url() === acsUrl);
        await victim.goto(`${idpOrigin}/attack`);
        const acs = await acsAnswer;
        expect(acs.status()).toBe(400);
        expect(await lastFailureReason(admin)).toBe('browser_binding_missing');
        expect((await victim.request.get(`/t/${admin.tenant.slug}/api/v1/me`)).status()).toBe(401);
      });
    });
  }

  scenario('on https (SameSite=None; Secure binding cookie)', true);
  scenario('on plain http (no SameSite: Chrome sends it within 2 minutes of start)', false);
});
