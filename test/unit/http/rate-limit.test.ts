import type { IncomingMessage } from 'node:http';
import { callerKey } from '../../../src/http/rate-limit';

const from = (remoteAddress: string) => ({ headers: {}, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('the client-address bucket of the rate limiter', () => {
  it('counts an IPv6 client by its /56: rotating addresses inside one subscriber prefix is no fresh budget', () => {
    const first = callerKey(from('2001:db8:abcd:1200::1'));
    expect(callerKey(from('2001:db8:abcd:1200:ffff:ffff:ffff:ffff'))).toBe(first);
    expect(callerKey(from('2001:db8:abcd:12ff:1:2:3:4'))).toBe(first);
    expect(callerKey(from('2001:db8:abcd:1300::1'))).not.toBe(first);
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, and IPv4 addresses one by one', () => {
    expect(callerKey(from('::ffff:203.0.113.7'))).toBe(callerKey(from('203.0.113.7')));
    expect(callerKey(from('203.0.113.8'))).not.toBe(callerKey(from('203.0.113.7')));
  });

  it('ignores X-Forwarded-For (no proxy is trusted): a made-up header is no fresh budget', () => {
    const spoofed = { headers: { 'x-forwarded-for': '198.51.100.1' }, socket: { remoteAddress: '203.0.113.7' } } as unknown as IncomingMessage;
    expect(callerKey(spoofed)).toBe(callerKey(from('203.0.113.7')));
  });
});
