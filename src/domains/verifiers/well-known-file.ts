import { FILE_PATH, type Check } from './check';
import { fetchFirstOk } from './fetch-both';
import { mediaType } from './meta-tag';
import type { SafeFetcher } from './safe-fetch';

/** https://<domain>/.well-known/orgbridge-verification.txt (then http://) holds exactly the token. */
export function checkWellKnownFile(fetcher: SafeFetcher, domain: string, token: string): Promise<Check> {
  return fetchFirstOk('file', fetcher, [`https://${domain}${FILE_PATH}`, `http://${domain}${FILE_PATH}`], (res) => {
    if (mediaType(res.contentType) !== 'text/plain') return `content type ${mediaType(res.contentType) || 'missing'} is not text/plain`;
    return res.body.trim() === token ? null : 'file content does not match the token';
  });
}
