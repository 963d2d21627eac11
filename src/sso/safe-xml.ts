import { DOMParser, type Document } from '@xmldom/xmldom';

export type XmlRefusal = 'doctype' | 'malformed';

/**
 * Parses XML that comes from outside. A DOCTYPE (and with it any entity declaration) is
 * refused before parsing, so no external or expanding entity is ever resolved; any parser
 * error or warning about structure makes the document malformed.
 */
export function parseUntrustedXml(xml: string): Document | XmlRefusal {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return 'doctype';
  const errors: string[] = [];
  try {
    const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(xml, 'text/xml');
    return errors.length || !doc?.documentElement ? 'malformed' : doc;
  } catch {
    return 'malformed';
  }
}
