import { SecretBox } from '../../../src/shared/secret-box';
import { SessionCookie } from '../../../src/sessions/session-cookie';
import { readPerson } from '../../../src/sso/attribute-mapping';
import { parseIdpMetadata } from '../../../src/sso/idp-metadata';
import { isSafeReturnTo } from '../../../src/sso/return-to';
import { ENTRA_ATTRIBUTES, IDP_ENTITY_ID, IDP_SSO_URL, idpMetadata, newIdpKey, OKTA_ATTRIBUTES } from '../../support/saml-idp';

describe('isSafeReturnTo', () => {
  it.each([
    ['/', true],
    ['/t/acme/account/organizations', true],
    ['/app?next=https://x.test#frag', true],
    ['/a:b', true],
    ['', false],
    ['relative/path', false],
    ['//evil.test/x', false],
    ['/\\evil.test', false],
    ['https://evil.test/', false],
    ['javascript:alert(1)', false],
    ['/line\nbreak', false],
    ['/tab\tx', false],
    [`/${'a'.repeat(2048)}`, false],
  ])('%j → %s', (value, safe) => {
    expect(isSafeReturnTo(value)).toBe(safe);
  });
});

describe('SecretBox', () => {
  it('round-trips, uses a fresh IV each time and refuses tampering or another key', () => {
    const box = new SecretBox('k'.repeat(40));
    const a = box.seal('private key');
    expect(a).not.toBe(box.seal('private key'));
    expect(box.open(a)).toBe('private key');
    const parts = a.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('other'.repeat(8)).open(a)).toThrow();
    expect(() => box.open('garbage')).toThrow('not a sealed secret');
  });
});

describe('SessionCookie', () => {
  it('accepts only values it issued, and gives the stored hash, never the id', () => {
    const cookies = new SessionCookie('s'.repeat(40));
    const { value, idHash } = cookies.issue();
    expect(cookies.idHashOf(value)).toBe(idHash);
    expect(value).not.toContain(idHash);
    expect(cookies.idHashOf(`${value}x`)).toBeNull();
    expect(cookies.idHashOf(value.split('.')[0])).toBeNull();
    expect(cookies.idHashOf(undefined)).toBeNull();
    expect(new SessionCookie('o'.repeat(40)).idHashOf(value)).toBeNull();
    expect(cookies.header(value, { path: '/t/a', maxAgeSeconds: 60, secure: true })).toBe(`ob_session=${value}; Path=/t/a; Max-Age=60; HttpOnly; SameSite=Lax; Secure`);
  });
});

describe('parseIdpMetadata', () => {
  it('reads entityID, the redirect SSO URL and every signing certificate', () => {
    const keys = [newIdpKey('a'), newIdpKey('b')];
    const md = parseIdpMetadata(idpMetadata(keys));
    expect(md.entityId).toBe(IDP_ENTITY_ID);
    expect(md.ssoUrl).toBe(IDP_SSO_URL);
    expect(md.certificates.map((c) => c.pem)).toEqual(keys.map((k) => k.certificatePem));
    expect(md.certificates[0]!.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it('falls back to the POST binding and skips encryption-only keys', () => {
    const key = newIdpKey();
    const xml = idpMetadata([key])
      .replace(/<md:SingleSignOnService Binding="[^"]*HTTP-Redirect"[^>]*\/>/, '')
      .replace('<md:KeyDescriptor use="signing">', '<md:KeyDescriptor use="encryption"><ds:KeyInfo/></md:KeyDescriptor><md:KeyDescriptor use="signing">');
    const md = parseIdpMetadata(xml);
    expect(md.ssoUrl).toBe(`${IDP_SSO_URL}/post`);
    expect(md.certificates).toHaveLength(1);
  });
});

describe('readPerson', () => {
  const nameId = { value: 'opaque', format: null };
  it('finds Okta, Entra and NameID emails without configuration', () => {
    expect(readPerson(OKTA_ATTRIBUTES('a@x.test'), nameId, {})).toEqual({ email: 'a@x.test', firstName: 'Alice', lastName: 'Anders', groups: ['Everyone', 'Admins'] });
    expect(readPerson(ENTRA_ATTRIBUTES('e@x.test'), nameId, {})).toMatchObject({ email: 'e@x.test', firstName: 'Erin', groups: ['8a1f-admins'] });
    expect(readPerson({}, { value: 'n@x.test', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }, {})?.email).toBe('n@x.test');
    expect(readPerson({}, nameId, {})).toBeNull();
  });
  it('uses only the configured attribute when one is named', () => {
    expect(readPerson({ mail: ['m@x.test'], email: ['other@x.test'] }, nameId, { email: 'mail' })?.email).toBe('m@x.test');
    expect(readPerson({ email: ['other@x.test'] }, { value: 'n@x.test', format: null }, { email: 'mail' })).toBeNull();
  });
});
