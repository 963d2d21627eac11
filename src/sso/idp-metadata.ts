import { ValidationError } from '../shared/errors';
import { parseUntrustedXml } from './safe-xml';
import { readCertificate, type CertificateInfo } from './x509';

export const METADATA_MAX_BYTES = 256 * 1024;

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: CertificateInfo[];
}

const bad = (message: string) =>
  new ValidationError(`idp_metadata_xml is invalid: ${message}`, { details: [{ path: 'idp_metadata_xml', message }] });

/**
 * Reads an IdP's EntityDescriptor: entityID, the SSO URL (HTTP-Redirect preferred, else
 * POST) and every signing certificate, parsed by parseUntrustedXml (no DOCTYPE, no entities).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (Buffer.byteLength(xml, 'utf8') > METADATA_MAX_BYTES) throw bad(`larger than ${METADATA_MAX_BYTES / 1024} KiB`);
  const doc = parseUntrustedXml(xml);
  if (doc === 'doctype') throw bad('a DOCTYPE or ENTITY declaration is not allowed');
  if (doc === 'malformed') throw bad('not well-formed XML');
  const root = doc.documentElement!;

  const descriptor =
    root.localName === 'EntityDescriptor' && root.namespaceURI === MD
      ? root
      : Array.from(root.getElementsByTagNameNS(MD, 'EntityDescriptor')).find((d) => d.getElementsByTagNameNS(MD, 'IDPSSODescriptor').length);
  if (!descriptor) throw bad('no md:EntityDescriptor element');
  const entityId = descriptor.getAttribute('entityID')?.trim();
  if (!entityId) throw bad('EntityDescriptor has no entityID');
  const idp = descriptor.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];
  if (!idp) throw bad('no IDPSSODescriptor (is this an identity provider?)');

  const services = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService'));
  const service = services.find((s) => s.getAttribute('Binding') === REDIRECT) ?? services.find((s) => s.getAttribute('Binding') === POST);
  const ssoUrl = service?.getAttribute('Location')?.trim();
  if (!ssoUrl) throw bad('no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding');
  if (!/^https?:\/\//i.test(ssoUrl)) throw bad('the SingleSignOnService Location is not an http(s) URL');

  const certificates: CertificateInfo[] = [];
  for (const key of Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
    if ((key.getAttribute('use') ?? 'signing') !== 'signing') continue;
    for (const node of Array.from(key.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const cert = readCertificate(node.textContent ?? '');
      if (!cert) throw bad('a signing X509Certificate cannot be read');
      if (!certificates.some((c) => c.fingerprint === cert.fingerprint)) certificates.push(cert);
    }
  }
  if (!certificates.length) throw bad('no signing certificate (KeyDescriptor use="signing" with X509Certificate)');
  return { entityId, ssoUrl, certificates };
}
