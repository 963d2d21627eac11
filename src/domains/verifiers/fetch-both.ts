import type { VerificationMethod } from '../../db/models';
import type { Check } from './check';
import { FetchError, type FetchResponse, type SafeFetcher } from './safe-fetch';

/**
 * Tries each URL in turn (https first) until one proves the token. `judge` returns null when
 * the response proves it, else why not. The detail names what each URL answered.
 */
export async function fetchFirstOk(
  method: VerificationMethod,
  fetcher: SafeFetcher,
  urls: string[],
  judge: (res: FetchResponse) => string | null,
): Promise<Check> {
  const reasons: string[] = [];
  for (const url of urls) {
    let reason: string | null;
    try {
      const res = await fetcher.get(url);
      reason = res.status === 200 ? judge(res) : `HTTP ${res.status}`;
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      reason = err.message;
    }
    if (reason === null) return { method, ok: true, detail: `found at ${url}` };
    reasons.push(`${url}: ${reason}`);
  }
  return { method, ok: false, detail: reasons.join('; ') };
}
