import { createVerify, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { generateSpKeyPair } from '../../src/sso/x509';
import { escapeHtml as x } from '../../src/shared/html';

/**
 * A test identity provider: real RSA-SHA256 signatures made with xml-crypto (exclusive c14n,
 * enveloped), with a knob for every attack the ACS must refuse.
 */
export interface IdpKey {
  privateKeyPem: string;
  certificatePem: string;
}

export const newIdpKey = (cn = 'test-idp'): IdpKey => generateSpKeyPair(cn, 1);

export const IDP_ENTITY_ID = 'https://idp.test/metadata';
export const IDP_SSO_URL = 'https://idp.test/sso';

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
/** Attribute sets as Okta and Entra send them by default. */
export const OKTA_ATTRIBUTES = (email: string) => ({ email: [email], firstName: ['Alice'], lastName: ['Anders'], groups: ['Everyone', 'Admins'] });
export const ENTRA_ATTRIBUTES = (email: string) => ({
  [`${CLAIMS}/emailaddress`]: [email],
  [`${CLAIMS}/givenname`]: ['Erin'],
  [`${CLAIMS}/surname`]: ['Entra'],
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['8a1f-admins'],
});

export interface ResponseOptions {
  key: IdpKey;
  acsUrl: string;
  audience: string;
  inResponseTo?: string | null;
  /** false: InResponseTo only on the Response, not in the (signed) SubjectConfirmationData */
  subjectInResponseTo?: boolean;
  email?: string;
  /** the NameID's inner XML, raw (for comment injection) */
  nameIdXml?: string;
  attributes?: Record<string, string[]>;
  issuer?: string;
  destination?: string | null;
  recipient?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  assertionId?: string;
  /** the Response's top-level StatusCode (default Success) and an optional second-level one */
  status?: { code: string; subCode?: string };
  signResponse?: boolean;
  signAssertion?: boolean;
  /** change the signed XML afterwards (tampering, wrapping, extra assertions) */
  afterSigning?: (xml: string) => string;
}

const SIG_ALG = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

function sign(xml: string, key: IdpKey, element: 'Response' | 'Assertion'): string {
  const path = element === 'Response' ? "/*[local-name(.)='Response']" : "//*[local-name(.)='Assertion']";
  const sig = new SignedXml({ privateKey: key.privateKeyPem, publicCert: key.certificatePem, signatureAlgorithm: SIG_ALG, canonicalizationAlgorithm: C14N });
  sig.addReference({
    xpath: path,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', C14N],
  });
  sig.computeSignature(xml, { location: { reference: `${path}/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
};

const statusXml = (s: { code: string; subCode?: string }) =>
  `<samlp:Status><samlp:StatusCode Value="${x(s.code)}"${s.subCode ? `><samlp:StatusCode Value="${x(s.subCode)}"/></samlp:StatusCode>` : '/>'}</samlp:Status>`;

export const newSamlId = () => `_${randomBytes(16).toString('hex')}`;

/** A signed SAML Response, base64 encoded as the HTTP-POST binding carries it. */
export function buildResponse(o: ResponseOptions): string {
  const now = Date.now();
  const iso = (d: Date) => d.toISOString();
  const notBefore = o.notBefore ?? new Date(now - 30_000);
  const notOnOrAfter = o.notOnOrAfter ?? new Date(now + 5 * 60_000);
  const issuer = o.issuer ?? IDP_ENTITY_ID;
  const irt = o.inResponseTo ? ` InResponseTo="${x(o.inResponseTo)}"` : '';
  const destination = o.destination === null ? '' : ` Destination="${x(o.destination ?? o.acsUrl)}"`;
  const attributes = Object.entries(o.attributes ?? {})
    .map(([name, values]) => `<saml:Attribute Name="${x(name)}">${values.map((v) => `<saml:AttributeValue>${x(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  const assertionId = o.assertionId ?? newSamlId();
  const assertion =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(new Date(now))}">` +
    `<saml:Issuer>${x(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${o.nameIdXml ?? x(o.email ?? 'alice@acme.test')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${o.subjectInResponseTo === false ? '' : irt} NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${x(o.recipient ?? o.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${x(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(new Date(now))}" SessionIndex="${newSamlId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newSamlId()}" Version="2.0" IssueInstant="${iso(new Date(now))}"${destination}${irt}>` +
    `<saml:Issuer>${x(issuer)}</saml:Issuer>` +
    statusXml(o.status ?? { code: STATUS.success }) +
    `${assertion}</samlp:Response>`;
  if (o.signAssertion ?? true) xml = sign(xml, o.key, 'Assertion');
  if (o.signResponse ?? true) xml = sign(xml, o.key, 'Response');
  if (o.afterSigning) xml = o.afterSigning(xml);
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** IdP metadata as an IdP publishes it. */
export function idpMetadata(certs: IdpKey[], opts: { entityId?: string; ssoUrl?: string | null } = {}): string {
  const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
  const keys = certs
    .map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(c.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('');
  const sso =
    opts.ssoUrl === null
      ? ''
      : `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${opts.ssoUrl ?? IDP_SSO_URL}/post"/>` +
        `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${opts.ssoUrl ?? IDP_SSO_URL}"/>`;
  return (
    `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${opts.entityId ?? IDP_ENTITY_ID}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}${sso}</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

/** What the IdP reads from our HTTP-Redirect: the AuthnRequest, the RelayState, and whether the signature verifies. */
export function readAuthnRedirect(location: string, spCertificatePem: string) {
  const url = new URL(location);
  const raw = url.search.slice(1).split('&');
  const param = (name: string) => raw.find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1);
  const request = inflateRawSync(Buffer.from(decodeURIComponent(param('SAMLRequest')!), 'base64')).toString('utf8');
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((p) => param(p) !== undefined).map((p) => `${p}=${param(p)}`).join('&');
  const signatureValid = createVerify('RSA-SHA256').update(signed).verify(spCertificatePem, decodeURIComponent(param('Signature') ?? ''), 'base64');
  return {
    url,
    request,
    id: /ID="([^"]+)"/.exec(request)![1]!,
    relayState: decodeURIComponent(param('RelayState')!),
    signatureValid,
  };
}
