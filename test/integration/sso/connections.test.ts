import { createTenant, expectError, type AdminClient } from '../../support/api';
import { IDP_ENTITY_ID, IDP_SSO_URL, idpMetadata, newIdpKey } from '../../support/saml-idp';
import { generateSpKeyPair } from '../../../src/sso/x509';
import { startTestApp, type TestApp } from '../../support/test-app';

let app: TestApp;
let admin: AdminClient;
const key = newIdpKey('idp-a');
const next = newIdpKey('idp-b');

beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

const create = (body: Record<string, unknown>) => admin.post('/connections', { type: 'saml', name: 'Okta', ...body });

describe('connections', () => {
  it('when created from IdP metadata, then the IdP, its certificates with expiry, defaults and SP URLs are shown', async () => {
    const res = await create({ idp_metadata_xml: idpMetadata([key, next]) });
    expect(res.status).toBe(201);
    const base = `${app.container.config.publicUrl}/t/${admin.tenant.slug}/sso/saml/${res.body.id}`;
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^con_/),
      type: 'saml',
      idp_entity_id: IDP_ENTITY_ID,
      idp_sso_url: IDP_SSO_URL, // the HTTP-Redirect binding is preferred
      signed: 'either',
      allow_idp_initiated: false,
      jit: { enabled: false, default_role: 'member' },
      attribute_mapping: {},
      role_mappings: null,
      sp: { entity_id: `${base}/metadata`, acs_url: `${base}/acs`, metadata_url: `${base}/metadata` },
    });
    expect(res.body.idp_certificates).toHaveLength(2);
    expect(res.body.idp_certificates[0].not_after).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(res.body.sp.certificate).toMatch(/BEGIN CERTIFICATE/);
    expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE KEY|sp_private_key/);
    const [event] = await admin.events('?type=connection.created');
    expect(event!.target).toEqual({ type: 'connection', id: res.body.id });
  });

  it('when the SP private key is stored, then it is encrypted', async () => {
    const res = await create({ idp_entity_id: IDP_ENTITY_ID, idp_sso_url: IDP_SSO_URL, idp_certificates: [key.certificatePem] });
    const row = await app.container.models.Connection.findByPk(res.body.id);
    expect(row!.sp_private_key_encrypted).toMatch(/^v1\./);
    expect(row!.sp_private_key_encrypted).not.toMatch(/PRIVATE KEY/);
  });

  it.each([
    ['not XML', 'hello', /not well-formed/],
    ['a DOCTYPE (entities)', `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idpMetadata([key])}`, /DOCTYPE/],
    ['no EntityDescriptor', '<a xmlns="urn:x"/>', /EntityDescriptor/],
    ['no entityID', idpMetadata([key]).replace(/ entityID="[^"]*"/, ''), /entityID/],
    ['no IDPSSODescriptor', idpMetadata([key]).replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), /IDPSSODescriptor/],
    ['no SSO service', idpMetadata([key], { ssoUrl: null }), /SingleSignOnService/],
    ['no certificate', idpMetadata([]), /signing certificate/],
    ['a broken certificate', idpMetadata([key]).replace(/<ds:X509Certificate>MII/, '<ds:X509Certificate>XXX'), /cannot be read/],
    ['too large', `<x>${'a'.repeat(300 * 1024)}</x>`, /larger than/],
  ])('when the metadata has %s, then 400 says what is wrong', async (_what, xml, message) => {
    const res = await create({ idp_metadata_xml: xml });
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toMatch(message);
  });

  it('when the IdP is incomplete, a certificate is bad or fields are mixed, then 400', async () => {
    expectError(await create({ idp_entity_id: IDP_ENTITY_ID, idp_sso_url: IDP_SSO_URL }), 400, 'invalid_request');
    expectError(await create({ idp_entity_id: IDP_ENTITY_ID, idp_sso_url: IDP_SSO_URL, idp_certificates: ['nope'] }), 400, 'invalid_request');
    expectError(await create({ idp_metadata_xml: idpMetadata([key]), idp_entity_id: 'x' }), 400, 'invalid_request');
    expectError(await create({ idp_metadata_xml: idpMetadata([key]), signed: 'never' }), 400, 'invalid_request');
    expectError(await create({ idp_metadata_xml: idpMetadata([key]), surprise: 1 }), 400, 'invalid_request');
  });

  it('when listed, updated and deleted, then the changes show and are recorded', async () => {
    const { body } = await create({ idp_metadata_xml: idpMetadata([key]) });
    const patched = await admin.patch(`/connections/${body.id}`, {
      name: 'Entra',
      signed: 'assertion',
      allow_idp_initiated: true,
      attribute_mapping: { email: 'mail' },
      jit: { enabled: true, default_role: 'guest' },
      role_mappings: { default_role: 'member', mappings: [{ group: 'admins', role: 'admin' }] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Entra', signed: 'assertion', allow_idp_initiated: true, attribute_mapping: { email: 'mail' } });
    expect((await admin.get(`/connections/${body.id}`)).body.jit).toEqual({ enabled: true, default_role: 'guest' });
    const list = await admin.get('/connections?limit=200');
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(body.id);
    expect((await admin.del(`/connections/${body.id}`)).status).toBe(204);
    expectError(await admin.get(`/connections/${body.id}`), 404, 'not_found');
    expect((await admin.events('?type=connection.*')).map((e) => e.type).slice(0, 2)).toEqual(['connection.deleted', 'connection.updated']);
  });

  it('when a connection of another tenant is named, then 404', async () => {
    const other = await createTenant(app);
    const { body } = await create({ idp_metadata_xml: idpMetadata([key]) });
    expectError(await other.get(`/connections/${body.id}`), 404, 'not_found');
    const org = await other.createOrg();
    expectError(await other.post(`/organizations/${org.id}/connections`, { connection_id: body.id }), 404, 'not_found');
  });

  it('when linked, then the organization lists it and may make it its default; when unlinked, not', async () => {
    const org = await admin.createOrg();
    const { body } = await create({ idp_metadata_xml: idpMetadata([key]) });
    expectError(await admin.patch(`/organizations/${org.id}`, { auth_settings: { default_connection_id: body.id } }), 400, 'invalid_request');
    expect((await admin.post(`/organizations/${org.id}/connections`, { connection_id: body.id })).status).toBe(201);
    expectError(await admin.post(`/organizations/${org.id}/connections`, { connection_id: body.id }), 409, 'conflict');
    expect((await admin.get(`/organizations/${org.id}/connections`)).body.data.map((c: { id: string }) => c.id)).toEqual([body.id]);
    expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { default_connection_id: body.id } })).status).toBe(200);
    expect((await admin.patch('/settings', { auth_settings: { default_connection_id: body.id } })).status).toBe(200);

    expect((await admin.del(`/organizations/${org.id}/connections/${body.id}`)).status).toBe(204);
    expectError(await admin.del(`/organizations/${org.id}/connections/${body.id}`), 404, 'not_found');
    expect((await admin.get(`/organizations/${org.id}/connections`)).body.data).toEqual([]);
    expect((await admin.events('?type=connection.unlinked'))[0]!.organization_id).toBe(org.id);
  });

  it('when a default connection is unlinked or deleted, then that default goes back to inherit, recorded as a settings change', async () => {
    const [a, b] = [(await create({ idp_metadata_xml: idpMetadata([key]) })).body, (await create({ idp_metadata_xml: idpMetadata([key]) })).body];
    const [one, two, three] = [await admin.createOrg(), await admin.createOrg(), await admin.createOrg()];
    for (const [org, connections] of [[one, [a, b]], [two, [a]], [three, [b]]] as const) {
      for (const c of connections) expect((await admin.post(`/organizations/${org.id}/connections`, { connection_id: c.id })).status).toBe(201);
    }
    for (const [org, c] of [[one, a], [two, a], [three, b]] as const) {
      expect((await admin.patch(`/organizations/${org.id}`, { auth_settings: { default_connection_id: c.id, session_ttl_hours: 12 } })).status).toBe(200);
    }
    expect((await admin.patch('/settings', { auth_settings: { default_connection_id: a.id } })).status).toBe(200);
    const defaultOf = async (org: { id: string }) => (await admin.get(`/organizations/${org.id}`)).body.auth_settings;

    expect((await admin.del(`/organizations/${one.id}/connections/${a.id}`)).status).toBe(204);
    expect(await defaultOf(one)).toMatchObject({ default_connection_id: null, session_ttl_hours: 12 });
    expect((await defaultOf(two)).default_connection_id).toBe(a.id);
    expect((await admin.get('/settings')).body.auth_settings.default_connection_id).toBe(a.id);
    const [unlinked] = await admin.events('?type=organization.updated');
    expect(unlinked).toMatchObject({ organization_id: one.id, data: { changed: ['auth_settings'], default_connection_id: { from: a.id, to: null } } });

    expect((await admin.del(`/connections/${a.id}`)).status).toBe(204);
    expect((await defaultOf(two)).default_connection_id).toBeNull();
    expect((await defaultOf(three)).default_connection_id).toBe(b.id);
    expect((await admin.get('/settings')).body.auth_settings.default_connection_id).toBeNull();
    const [deleted] = await admin.events('?type=organization.updated');
    expect(deleted).toMatchObject({ organization_id: two.id, data: { default_connection_id: { from: a.id, to: null } } });
    expect((await admin.events('?type=tenant.settings_updated'))[0]).toMatchObject({ data: { default_connection_id: { from: a.id, to: null } } });
  });

  it('when a certificate expires within 30 days, then one connection.certificate_expiring event is recorded, once', async () => {
    const soon = generateSpKeyPair('soon', 10 / 365);
    const { body } = await create({ idp_metadata_xml: idpMetadata([key, soon]) });
    expect(await app.container.connections.warnExpiringCertificates(new Date())).toBeGreaterThanOrEqual(1);
    expect(await app.container.connections.warnExpiringCertificates(new Date())).toBe(0);
    const events = (await admin.events('?type=connection.certificate_expiring')).filter((e) => (e.target as { id: string }).id === body.id);
    expect(events).toHaveLength(1);
    // keeping the certificate in a rotation does not warn again
    await admin.patch(`/connections/${body.id}`, { idp_certificates: [soon.certificatePem, next.certificatePem] });
    expect(await app.container.connections.warnExpiringCertificates(new Date())).toBe(0);
  });
});
