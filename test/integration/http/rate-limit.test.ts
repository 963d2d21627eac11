import { randomBytes } from 'node:crypto';
import { ManualClock, ROOT_KEY, startTestApp, type TestApp } from '../../support/test-app';
import { SECRET_CACHE_TTL_MS } from '../../../src/shared/ttl-cache';
import { KNOWN_PREFIX_TTL_MS } from '../../../src/shared/prefixed-secret';
import { AdminClient, createTenant, expectError } from '../../support/api';
import { createDirectory, expectScimError, ScimClient } from '../../support/scim';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_API: '5', RATE_LIMIT_SCIM: '3', RATE_LIMIT_PUBLIC: '4' } });
});
afterAll(() => app.close());

describe('rate limits', () => {
  it('per key on the admin API: the 6th request in a minute is 429 with Retry-After; another key has its own budget', async () => {
    const admin = await createTenant(app); // 1 request with the root key
    const key = (await admin.post('/api-keys', { name: 'k' })).body.key; // 2
    for (let i = 0; i < 3; i++) expect((await admin.get('/organizations')).status).toBe(200); // 3..5
    const limited = await admin.get('/organizations');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await app.http.get('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`), 429, 'rate_limited');
    expect((await admin.withKey(key).get('/organizations')).status).toBe(200);
  });

  it('per directory token on SCIM, in the SCIM error shape', async () => {
    const setup = await startTestApp({ databaseUrl: app.databaseUrl });
    const admin = await createTenant(setup);
    const org = await admin.createOrg();
    const dir = await createDirectory(admin, org.id);
    await setup.close();
    const scim = new (dir.constructor as typeof import('../../support/scim').ScimClient)(new (admin.constructor as typeof import('../../support/api').AdminClient)(app, admin.tenant), dir.directoryId, dir.token);
    for (let i = 0; i < 3; i++) expect((await scim.get('/Users')).status).toBe(200);
    const limited = await scim.get('/Users');
    expectScimError(limited, 429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('per client address on public endpoints', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.http.get('/t/nobody/login/route?email=a@b.example')).status);
    expect(statuses.slice(0, 4)).not.toContain(429);
    expect(statuses[4]).toBe(429);
  });
});

/** A well-formed secret that names nothing: its prefix is looked up, then it fails. */
const randomSecret = (tag: 'obk' | 'obs') => `${tag}_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url').slice(0, 43)}`;

/**
 * An app with these limits, and a tenant key and a SCIM token made through an app without limits
 * on the same database (so the setup spends none of the budgets under test).
 */
async function limitedApp(options: Parameters<typeof startTestApp>[0]): Promise<{ limited: TestApp; admin: AdminClient; scim: ScimClient }> {
  const limited = await startTestApp(options);
  const setup = await startTestApp({ databaseUrl: limited.databaseUrl });
  const setupAdmin = await createTenant(setup);
  const dir = await createDirectory(setupAdmin, (await setupAdmin.createOrg()).id);
  const tenantKey: string = (await setupAdmin.post('/api-keys', { name: 'valid' })).body.key;
  await setup.close();
  return {
    limited,
    admin: new AdminClient(limited, setupAdmin.tenant, tenantKey),
    scim: new ScimClient(new AdminClient(limited, setupAdmin.tenant), dir.directoryId, dir.token),
  };
}

describe('failed authentications are counted per client address (F11)', () => {
  let limited: TestApp;
  let admin: AdminClient;
  let scim: ScimClient;
  beforeAll(async () => {
    ({ limited, admin, scim } = await limitedApp({ env: { RATE_LIMIT_API: '5', RATE_LIMIT_SCIM: '3' } }));
  });
  afterAll(() => limited.close());

  it('admin API: random bearer tokens from one address get 429 with Retry-After once the address budget is spent; a valid key still works', async () => {
    expect((await admin.get('/organizations')).status).toBe(200); // in use before the flood (see the next describe)
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await admin.withKey(randomSecret('obk')).get('/organizations')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const refused = await admin.withKey(randomSecret('obk')).get('/organizations');
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // No token, or a made-up one on the root API, counts against the same address.
    expectError(await limited.http.get('/api/v1/tenants'), 429, 'rate_limited');
    expectError(await limited.http.get('/api/v1/tenants').set('Authorization', `Bearer ${randomSecret('obk')}`), 429, 'rate_limited');
    // Authenticated callers are counted by their key, so the flood does not starve them.
    expect((await admin.get('/organizations')).status).toBe(200);
    expect((await limited.http.get('/api/v1/tenants').set('Authorization', `Bearer ${ROOT_KEY}`)).status).toBe(200);
  });

  it('SCIM: random directory tokens get 429 in SCIM shape once the address budget is spent; the directory token still works', async () => {
    expect((await scim.get('/Users')).status).toBe(200);
    for (let i = 0; i < 3; i++) expectScimError(await scim.withToken(randomSecret('obs')).get('/Users'), 401);
    const refused = await scim.withToken(randomSecret('obs')).get('/Users');
    expectScimError(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await scim.get('/Users')).status).toBe(200);
  });
});

describe('an address over its budget costs no database reads with made-up secrets (F9 with F11)', () => {
  let limited: TestApp;
  let clock: ManualClock;
  let admin: AdminClient;
  let scim: ScimClient;
  /** The statements one request runs (Sequelize's and the direct driver's). */
  const statements = async (send: () => Promise<unknown>) => {
    let viaSequelize = 0;
    limited.container.db.sequelize.addHook('beforeQuery', 'count', () => void viaSequelize++);
    const direct = limited.container.db.sql.executed;
    try {
      await send();
      return viaSequelize + limited.container.db.sql.executed - direct;
    } finally {
      limited.container.db.sequelize.removeHook('beforeQuery', 'count');
    }
  };
  beforeAll(async () => {
    clock = new ManualClock();
    ({ limited, admin, scim } = await limitedApp({ clock, env: { RATE_LIMIT_API: '3', RATE_LIMIT_SCIM: '3' } }));
  });
  afterAll(() => limited.close());

  it('admin API: once the address is refused, each new made-up key is refused without a read; the valid key, seen before, is still looked up and works', async () => {
    expect((await admin.get('/organizations')).status).toBe(200); // the valid key is seen (its own bucket)
    for (let i = 0; i < 3; i++) expectError(await admin.withKey(randomSecret('obk')).get('/organizations'), 401, 'unauthorized');
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) reads.push(await statements(async () => expectError(await admin.withKey(randomSecret('obk')).get('/organizations'), 429, 'rate_limited')));
    expect(reads).toEqual([0, 0, 0, 0, 0]);
    clock.advance(SECRET_CACHE_TTL_MS); // the key's cached row has expired; its prefix is still known
    expect((await admin.get('/organizations')).status).toBe(200);
    // A valid key this process has not seen in 10 minutes waits for the address's window to end.
    const unseen: string = (await admin.post('/api-keys', { name: 'unseen' })).body.key;
    clock.advance(KNOWN_PREFIX_TTL_MS);
    expectError(await admin.withKey(unseen).get('/organizations'), 429, 'rate_limited');
  });

  it('SCIM: the same, in the SCIM error shape', async () => {
    expect((await scim.get('/Users')).status).toBe(200);
    for (let i = 0; i < 3; i++) expectScimError(await scim.withToken(randomSecret('obs')).get('/Users'), 401);
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) reads.push(await statements(async () => expectScimError(await scim.withToken(randomSecret('obs')).get('/Users'), 429)));
    expect(reads).toEqual([0, 0, 0, 0, 0]);
    clock.advance(SECRET_CACHE_TTL_MS);
    expect((await scim.get('/Users')).status).toBe(200);
  });
});

describe('OIDC client authentication at the token endpoint (public, per client address)', () => {
  it('made-up client credentials from one address get 429 with Retry-After once the public budget is spent', async () => {
    const oidcApp = await startTestApp({ env: { RATE_LIMIT_PUBLIC: '3' } });
    try {
      const admin = await createTenant(oidcApp);
      const token = () =>
        oidcApp.http
          .post(`/t/${admin.tenant.slug}/oidc/token`)
          .type('form')
          .auth(randomBytes(16).toString('hex'), `obc_${randomBytes(32).toString('base64url')}`)
          .send({ grant_type: 'client_credentials' });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await token()).status);
      expect(statuses).not.toContain(429);
      const refused = await token();
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await oidcApp.close();
    }
  });
});
