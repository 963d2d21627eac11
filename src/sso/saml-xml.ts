import type { Document, Element } from '@xmldom/xmldom';
import { parseUntrustedXml } from './safe-xml';
import { SamlFailure } from './saml-failure';

export const SAML_RESPONSE_MAX_BASE64 = 256 * 1024;

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

function parseStrict(xml: string): Document {
  const doc = parseUntrustedXml(xml);
  if (typeof doc === 'string') throw new SamlFailure('malformed_response');
  return doc;
}

const children = (parent: Element, ns: string, name: string): Element[] =>
  Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);

/** What the raw, not yet verified response may be checked for before signature validation. */
export interface RawResponse {
  destination: string | null;
  inResponseTo: string | null;
  issuer: string | null;
}

/**
 * Checks that need no signature: size, well-formedness, the root element, a top-level status
 * of Success, and exactly one assertion in the whole document (an extra one anywhere — wrapped
 * in another element, in an Extensions or a Signature Object — is how signature-wrapping
 * attacks hide their copy).
 */
export function precheckResponse(samlResponseBase64: string): RawResponse {
  if (samlResponseBase64.length > SAML_RESPONSE_MAX_BASE64) throw new SamlFailure('response_too_large');
  const xml = Buffer.from(samlResponseBase64, 'base64').toString('utf8');
  const doc = parseStrict(xml);
  const root = doc.documentElement!;
  if (root.localName !== 'Response' || root.namespaceURI !== SAMLP) throw new SamlFailure('malformed_response');
  checkStatus(root);
  const assertions = doc.getElementsByTagNameNS(SAML, 'Assertion').length + doc.getElementsByTagNameNS(SAML, 'EncryptedAssertion').length;
  if (assertions > 1) throw new SamlFailure('multiple_assertions');
  if (assertions === 0) throw new SamlFailure('malformed_response');
  const issuer = children(root, SAML, 'Issuer')[0];
  return {
    destination: root.getAttribute('Destination'),
    inResponseTo: root.getAttribute('InResponseTo') || null,
    issuer: issuer ? (issuer.textContent ?? '').trim() : null,
  };
}

/**
 * The Response's own `Status/StatusCode` must be Success (a nested, second-level Success under
 * a failure never counts), and any second-level code under it must be Success too: a
 * `Success/AuthnFailed` contradicts itself, and the careful reading is the refusal.
 * node-saml 5 reads the status only when there is no assertion, so a signed assertion next to
 * an IdP's refusal (Responder/AuthnFailed) would otherwise sign the person in. Refusing needs
 * no signature: a forged status can only make a sign-in fail.
 */
function checkStatus(root: Element): void {
  const statuses = children(root, SAMLP, 'Status');
  const codes = statuses.length === 1 ? children(statuses[0]!, SAMLP, 'StatusCode') : [];
  if (codes.length !== 1) throw new SamlFailure('malformed_response');
  const value = codes[0]!.getAttribute('Value') ?? '';
  const subCodes = children(codes[0]!, SAMLP, 'StatusCode').map((c) => c.getAttribute('Value') ?? '');
  if (value !== STATUS_SUCCESS || subCodes.some((v) => v !== STATUS_SUCCESS)) {
    const sub = subCodes.find((v) => v !== STATUS_SUCCESS) ?? subCodes[0];
    // What the IdP said, for the admin reading the event (unsigned, so only shortened, never trusted).
    const details: Record<string, string> = { status_code: value.slice(0, 256) };
    if (sub) details.sub_status_code = sub.slice(0, 256);
    throw new SamlFailure('status_not_success', undefined, details);
  }
}

export interface VerifiedAssertion {
  id: string;
  issuer: string;
  nameId: { value: string; format: string | null };
  /** every SubjectConfirmation's data: Recipient and InResponseTo */
  confirmations: Array<{ recipient: string | null; inResponseTo: string | null; notOnOrAfter: string | null }>;
  notOnOrAfter: string | null;
  attributes: Record<string, string[]>;
}

/**
 * Reads the assertion that node-saml verified (its XML, never the raw response). Text is the
 * element's full text content, so a comment inside NameID (`alice@acme.com<!---->.evil.com`)
 * cannot truncate the value.
 */
export function readVerifiedAssertion(assertionXml: string): VerifiedAssertion {
  const assertion = parseStrict(assertionXml).documentElement!;
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== SAML) throw new SamlFailure('malformed_response');
  const subject = children(assertion, SAML, 'Subject')[0];
  const nameId = subject ? children(subject, SAML, 'NameID')[0] : undefined;
  const confirmations = subject
    ? children(subject, SAML, 'SubjectConfirmation').flatMap((c) =>
        children(c, SAML, 'SubjectConfirmationData').map((d) => ({
          recipient: d.getAttribute('Recipient'),
          inResponseTo: d.getAttribute('InResponseTo'),
          notOnOrAfter: d.getAttribute('NotOnOrAfter'),
        })),
      )
    : [];
  const attributes: Record<string, string[]> = {};
  for (const statement of children(assertion, SAML, 'AttributeStatement')) {
    for (const attr of children(statement, SAML, 'Attribute')) {
      const name = attr.getAttribute('Name');
      if (!name) continue;
      attributes[name] = [...(attributes[name] ?? []), ...children(attr, SAML, 'AttributeValue').map((v) => v.textContent ?? '')];
    }
  }
  const conditions = children(assertion, SAML, 'Conditions')[0];
  return {
    id: assertion.getAttribute('ID') ?? '',
    issuer: (children(assertion, SAML, 'Issuer')[0]?.textContent ?? '').trim(),
    nameId: { value: nameId?.textContent ?? '', format: nameId?.getAttribute('Format') || null },
    confirmations,
    notOnOrAfter: conditions?.getAttribute('NotOnOrAfter') || null,
    attributes,
  };
}
