import type { DomainRecord } from '../db/models';
import { iso } from '../shared/schemas';
import { FILE_PATH, META_NAME, TXT_PREFIX, TXT_VALUE_PREFIX } from './verifiers/check';

/** A domain as the admin API shows it, with the three ways to prove it (contract section 7). */
export function domainToApi(d: DomainRecord) {
  return {
    id: d.id,
    organization_id: d.organization_id,
    domain: d.domain,
    include_subdomains: Boolean(d.include_subdomains),
    status: d.status,
    method: d.method,
    verification: {
      token: d.token,
      dns_txt: { name: `${TXT_PREFIX}.${d.domain}`, value: `${TXT_VALUE_PREFIX}${d.token}` },
      meta_tag: { html: `<meta name="${META_NAME}" content="${d.token}">` },
      file: { url: `https://${d.domain}${FILE_PATH}`, content: d.token },
    },
    verified_at: iso(d.verified_at),
    last_checked_at: iso(d.last_checked_at),
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}
