import { Webhook } from 'standardwebhooks';
import { matches } from '../../src/webhooks/delivery.worker';
import { nextAttemptAt, parseRetryAfter, RETRY_DELAYS_MS } from '../../src/webhooks/retry-schedule';
import { newWebhookSecret, signatureHeader } from '../../src/webhooks/signature';

describe('webhook signatures', () => {
  it('are what the standardwebhooks library computes', () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"a":1}';
    expect(signatureHeader([secret], 'evt_1', ts, body)).toBe(new Webhook(secret).sign('evt_1', new Date(ts * 1000), body));
  });
});

describe('the retry schedule', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('jitters ±10 % and ends after the last step', () => {
    expect(nextAttemptAt(0, now, null)!.getTime()).toBe(now.getTime());
    expect(nextAttemptAt(1, now, null, () => 0)!.getTime() - now.getTime()).toBe(4500);
    expect(nextAttemptAt(1, now, null, () => 1)!.getTime() - now.getTime()).toBe(5500);
    expect(nextAttemptAt(RETRY_DELAYS_MS.length, now, null)).toBeNull();
  });
  it('honours a longer Retry-After (seconds or a date), capped at 10 h', () => {
    expect(nextAttemptAt(1, now, 60_000, () => 0.5)!.getTime() - now.getTime()).toBe(60_000);
    expect(nextAttemptAt(1, now, 1000, () => 0.5)!.getTime() - now.getTime()).toBe(5000);
    expect(nextAttemptAt(1, now, 99 * 3_600_000, () => 0.5)!.getTime() - now.getTime()).toBe(10 * 3_600_000);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('event filters', () => {
  it('match *, an exact type, or a prefix ending in a dot', () => {
    expect(matches(['*'], 'a.b')).toBe(true);
    expect(matches(['membership.'], 'membership.role_changed')).toBe(true);
    expect(matches(['membership.'], 'memberships.x')).toBe(false);
    expect(matches(['organization.created'], 'organization.created')).toBe(true);
    expect(matches(['organization.created'], 'organization.created.x')).toBe(false);
  });
});
