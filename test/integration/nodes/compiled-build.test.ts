import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueSlug } from '../../support/api';
import { BUILT_MAIN, NodeProcess } from '../../support/node-process';

/**
 * The compiled service (`npm run build`, what `npm run start:prod` runs) is not what the rest of
 * the suite runs (swc and tsx compile the sources their own way): once, tsc's module helpers broke
 * every tenant's OIDC provider in the build only. CI builds before the tests; locally this runs
 * when `dist/` exists.
 */
const built = existsSync(BUILT_MAIN);
if (!built && process.env.CI) throw new Error('CI must run `npm run build` before the tests: dist/src/main.js is missing');
const describeBuilt = built ? describe : describe.skip;

describeBuilt('the compiled build', () => {
  it('starts, serves the admin API, a tenant\'s OIDC discovery and keys, the sign-in page and the API description, and exits 0 on SIGTERM', async () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'ob-built-')), 'db.sqlite')}`;
    const node = await NodeProcess.start(db, {}, { built: true });
    try {
      const slug = uniqueSlug('built');
      expect((await node.api('POST', '/api/v1/tenants', { name: 'Built', slug })).status).toBe(201);
      const discovery = await fetch(`${node.url}/t/${slug}/oidc/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      const { issuer, jwks_uri } = (await discovery.json()) as { issuer: string; jwks_uri: string };
      expect(new URL(issuer).pathname).toBe(`/t/${slug}/oidc`);
      const jwks = (await (await fetch(`${node.url}${new URL(jwks_uri).pathname}`)).json()) as { keys: Array<{ kty: string; alg: string }> };
      expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
      expect((await fetch(`${node.url}/t/${slug}/login`)).status).toBe(200);
      expect((await fetch(`${node.url}/openapi.json`)).status).toBe(200);
    } finally {
      expect(await node.stop()).toMatchObject({ code: 0 });
    }
  });
});
