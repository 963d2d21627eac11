import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import type { SignedMode } from '../db/models';
import type { SigningConnection } from './connections.service';
import { spUrls } from './sp-urls';

/** Tolerated clock difference between the IdP and us, for NotBefore/NotOnOrAfter. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * Which signatures node-saml must find. `either`: neither flag is set, and node-saml then
 * requires the assertion to be signed whenever the response is not (never nothing signed).
 */
const SIGNATURES: Record<SignedMode, { wantAuthnResponseSigned: boolean; wantAssertionsSigned: boolean }> = {
  either: { wantAuthnResponseSigned: false, wantAssertionsSigned: false },
  response: { wantAuthnResponseSigned: true, wantAssertionsSigned: false },
  assertion: { wantAuthnResponseSigned: false, wantAssertionsSigned: true },
  both: { wantAuthnResponseSigned: true, wantAssertionsSigned: true },
};

/**
 * One node-saml instance per request, built from the connection, with every security
 * option written out. InResponseTo is checked against the database by saml.service (node-saml
 * would need its own cache), and Destination/Recipient too (node-saml checks neither).
 */
export function samlFor(c: SigningConnection, publicUrl: string, tenantSlug: string, requestId?: string): SAML {
  const sp = spUrls(publicUrl, tenantSlug, c.connection.id);
  const config: SamlConfig = {
    callbackUrl: sp.acs_url,
    entryPoint: c.connection.idp_sso_url,
    issuer: sp.entity_id,
    audience: sp.entity_id,
    idpIssuer: c.connection.idp_entity_id,
    idpCert: c.certificates.map((cert) => cert.pem),
    privateKey: c.spPrivateKey,
    publicCert: c.connection.sp_certificate,
    ...SIGNATURES[c.connection.signed],
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.never,
    authnRequestBinding: 'HTTP-Redirect',
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  };
  return new SAML(config);
}
