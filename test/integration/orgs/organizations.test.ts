import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, uniqueSlug, type AdminClient } from '../../support/api';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

describe('POST /organizations', () => {
  it('when only a name is given, then the slug is derived, built-in roles exist, and an event is recorded', async () => {
    const res = await admin.post('/organizations', { name: 'Ünïcode Corp. (EU)' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^org_/), slug: 'unicode-corp-eu', tenant_id: admin.tenant.id, metadata: {}, description: null });
    const roles = (await admin.get(`/organizations/${res.body.id}/roles`)).body.data;
    expect(roles.map((r: { key: string; rank: number }) => [r.key, r.rank])).toEqual([['owner', 400], ['admin', 300], ['member', 200], ['guest', 100]]);
    const [event] = await admin.events(`?organization_id=${res.body.id}`);
    expect(event).toMatchObject({ type: 'organization.created', target: { type: 'organization', id: res.body.id } });
  });

  it('when the derived slug is taken, then a suffixed slug is used; when a given slug is taken, then 409', async () => {
    const name = `Same Name ${uniqueSlug('n')}`;
    const a = await admin.post('/organizations', { name });
    const b = await admin.post('/organizations', { name });
    expect(b.status).toBe(201);
    expect(b.body.slug).toMatch(new RegExp(`^${a.body.slug}-[0-9a-f]{6}$`));
    expectError(await admin.post('/organizations', { name: 'x', slug: a.body.slug }), 409, 'conflict');
  });

  it('when 20 requests create the same slug at once, then exactly one 201 and 19 409s', async () => {
    const slug = uniqueSlug('race');
    const results = await Promise.all(Array.from({ length: 20 }, () => admin.post('/organizations', { name: 'Race', slug })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('conflict');
    expect(await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id, slug } })).toBe(1);
  });

  const big = { blob: 'x'.repeat(16 * 1024) };
  it.each([
    ['an unknown field', { name: 'A', plan: 'gold' }],
    ['a name of the wrong type', { name: ['A'] }],
    ['an empty name', { name: '  ' }],
    ['a bad slug', { name: 'A', slug: 'Not_Valid' }],
    ['a slug over 64 characters', { name: 'A', slug: 'a'.repeat(65) }],
    ['metadata that is not an object', { name: 'A', metadata: [1, 2] }],
    ['metadata over 16 KiB', { name: 'A', metadata: big }],
    ['a bad primary color', { name: 'A', branding: { primary_color: 'red' } }],
    ['an http logo', { name: 'A', branding: { logo_url: 'http://x.example/l.png' } }],
    ['an unknown branding field', { name: 'A', branding: { font: 'serif' } }],
    ['password_min_length below 8', { name: 'A', auth_settings: { password_min_length: 7 } }],
    ['session_ttl_hours above 720', { name: 'A', auth_settings: { session_ttl_hours: 721 } }],
    ['max_login_attempts of 0', { name: 'A', auth_settings: { max_login_attempts: 0 } }],
    ['lockout_duration_minutes above 1440', { name: 'A', auth_settings: { lockout_duration_minutes: 1441 } }],
    ['require_mfa as a string', { name: 'A', auth_settings: { require_mfa: 'yes' } }],
    ['a default connection that is not linked', { name: 'A', auth_settings: { default_connection_id: 'con_01ABCDEFGHJKMNPQRSTVWXYZ00' } }],
  ])('when the body has %s, then 400 and nothing is written', async (_case, body) => {
    const before = await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id } });
    const res = await admin.post('/organizations', body);
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]));
    expect(await app.container.models.Organization.count({ where: { tenant_id: admin.tenant.id } })).toBe(before);
  });

  it('accepts metadata of exactly 16 KiB', async () => {
    const filler = 'x'.repeat(16 * 1024 - JSON.stringify({ k: '' }).length);
    expect((await admin.post('/organizations', { name: 'Meta', metadata: { k: filler } })).status).toBe(201);
  });
});

describe('GET /organizations', () => {
  it('searches name and slug case-insensitively, treats % and _ literally, and pages', async () => {
    const tag = uniqueSlug('srch');
    await admin.createOrg({ name: `Alpha ${tag}` });
    await admin.createOrg({ name: `BETA ${tag}` });
    await admin.createOrg({ name: 'Gamma 100%_off' });
    const found = (await admin.get(`/organizations?search=${tag.toUpperCase()}`)).body.data;
    expect(found.map((o: { name: string }) => o.name).sort()).toEqual([`Alpha ${tag}`, `BETA ${tag}`]);
    expect((await admin.get(`/organizations?search=${encodeURIComponent('100%_')}`)).body.data).toHaveLength(1);
    expect((await admin.get('/organizations?search=%25')).body.data.every((o: { name: string }) => o.name.includes('%'))).toBe(true);

    const page1 = (await admin.get(`/organizations?search=${tag}&limit=1`)).body;
    expect(page1.data).toHaveLength(1);
    const page2 = (await admin.get(`/organizations?search=${tag}&limit=1&cursor=${page1.next_cursor}`)).body;
    expect(page2.data).toHaveLength(1);
    expect(page2.data[0].id).not.toBe(page1.data[0].id);
    expect(page2.next_cursor).toBeNull();
  });
});

describe('GET/PUT/PATCH/DELETE /organizations/{orgId}', () => {
  it('reads by id or slug; an unknown one is 404; another tenant cannot see it', async () => {
    const org = await admin.createOrg();
    expect((await admin.get(`/organizations/${org.slug}`)).body.id).toBe(org.id);
    expectError(await admin.get('/organizations/nope'), 404, 'not_found');
    const other = await createTenant(app);
    expectError(await other.get(`/organizations/${org.id}`), 404, 'not_found');
    expectError(await other.patch(`/organizations/${org.id}`, { name: 'stolen' }), 404, 'not_found');
  });

  it('PUT replaces mutable fields and accepts a GET-shaped body, ignoring read-only fields', async () => {
    const org = await admin.createOrg({ description: 'old', metadata: { a: 1 }, branding: { primary_color: '#112233' } });
    const current = (await admin.get(`/organizations/${org.id}`)).body;
    const res = await admin.put(`/organizations/${org.id}`, { ...current, name: 'Renamed', metadata: { b: 2 }, id: 'org_ignored', effective: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: org.id, name: 'Renamed', metadata: { b: 2 }, description: 'old', branding: { primary_color: '#112233' } });

    const replaced = await admin.put(`/organizations/${org.id}`, { name: 'Bare' });
    expect(replaced.body).toMatchObject({ name: 'Bare', slug: org.slug, description: null, metadata: {}, branding: { primary_color: null } });
    expectError(await admin.put(`/organizations/${org.id}`, { name: 'x', bogus: 1 }), 400, 'invalid_request');
  });

  it('PATCH merges: metadata keys merge and null removes one; a null setting inherits again', async () => {
    await admin.patch('/settings', { auth_settings: { max_login_attempts: 5 } });
    const org = await admin.createOrg({ metadata: { keep: 1, drop: 2 }, auth_settings: { max_login_attempts: 3, session_ttl_hours: 12 } });
    const res = await admin.patch(`/organizations/${org.id}`, { metadata: { drop: null, add: 3 }, auth_settings: { max_login_attempts: null } });
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ keep: 1, add: 3 });
    expect(res.body.auth_settings).toMatchObject({ max_login_attempts: null, session_ttl_hours: 12 });
    expect(res.body.effective.auth_settings).toMatchObject({ max_login_attempts: 5, session_ttl_hours: 12 });
    const cleared = await admin.patch(`/organizations/${org.id}`, { auth_settings: null });
    expect(cleared.body.auth_settings.session_ttl_hours).toBeNull();
    expect(cleared.body.effective.auth_settings.session_ttl_hours).toBe(24);
  });

  it('PATCH of a slug to a taken one is 409 and changes nothing', async () => {
    const a = await admin.createOrg();
    const b = await admin.createOrg({ name: 'B' });
    expectError(await admin.patch(`/organizations/${b.id}`, { slug: a.slug, name: 'Changed' }), 409, 'conflict');
    expect((await admin.get(`/organizations/${b.id}`)).body).toMatchObject({ slug: b.slug, name: 'B' });
  });

  it('DELETE removes memberships and roles but leaves the users in the tenant', async () => {
    const org = await admin.createOrg();
    const user = await admin.createUser();
    await admin.addMember(org.id, user.id, 'owner');
    expect((await admin.del(`/organizations/${org.id}`)).status).toBe(204);
    expectError(await admin.get(`/organizations/${org.id}`), 404, 'not_found');
    const still = await admin.get(`/users/${user.id}`);
    expect(still.status).toBe(200);
    expect(still.body.memberships).toEqual([]);
    expect(await app.container.models.Role.count({ where: { organization_id: org.id } })).toBe(0);
    expect((await admin.events(`?organization_id=${org.id}&type=organization.deleted`)).length).toBe(1);
  });
});
