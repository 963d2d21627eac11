/** Delays before each automatic retry: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** A receiver's Retry-After is honoured up to this. */
const MAX_RETRY_AFTER_MS = 36_000_000;

/**
 * When to try again after a failed attempt at schedule step `step` (0 = the first try), or null
 * when the schedule is spent. ±10 % jitter keeps many failing deliveries from retrying in
 * lockstep; a longer `Retry-After` wins over the schedule.
 */
export function nextAttemptAt(step: number, now: Date, retryAfterMs: number | null, random = Math.random): Date | null {
  const delay = RETRY_DELAYS_MS[step];
  if (delay === undefined) return null;
  const jittered = delay * (0.9 + 0.2 * random());
  const wait = Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return new Date(now.getTime() + Math.round(wait));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
