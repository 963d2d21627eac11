import type { AttributeMapping } from '../db/models';

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

/**
 * Where each field is looked for when the connection does not name an attribute: the names
 * Okta's and Google's setup guides use, Entra's claim URIs, and common generic names. The
 * email falls back to NameID when NameID has the email format (or looks like an email).
 */
export const DEFAULT_ATTRIBUTES: Record<keyof AttributeMapping, string[]> = {
  email: ['email', `${CLAIMS}/emailaddress`, 'mail', 'Email', 'urn:oid:0.9.2342.19200300.100.1.3'],
  first_name: ['firstName', 'first_name', 'given_name', `${CLAIMS}/givenname`, 'urn:oid:2.5.4.42'],
  last_name: ['lastName', 'last_name', 'family_name', `${CLAIMS}/surname`, 'urn:oid:2.5.4.4'],
  groups: ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'memberOf'],
};

export type PartialMapping = Partial<AttributeMapping>;

export interface SignedInPerson {
  email: string;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
}

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** Reads the person from verified assertion attributes; null when no usable email is found. */
export function readPerson(
  attributes: Record<string, unknown>,
  nameId: { value: string; format: string | null },
  mapping: PartialMapping,
): SignedInPerson | null {
  const values = (field: keyof AttributeMapping): string[] => {
    const names = mapping[field] ? [mapping[field]] : DEFAULT_ATTRIBUTES[field];
    for (const name of names) {
      const raw = attributes[name];
      const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string');
      if (list.length) return list.map((v) => v.trim()).filter(Boolean);
    }
    return [];
  };
  const first = (field: keyof AttributeMapping) => values(field)[0] ?? null;
  let email = first('email');
  if (!email && !mapping.email && (nameId.format === EMAIL_FORMAT || EMAIL.test(nameId.value))) email = nameId.value.trim();
  if (!email || !EMAIL.test(email)) return null;
  return { email, firstName: first('first_name'), lastName: first('last_name'), groups: values('groups') };
}
