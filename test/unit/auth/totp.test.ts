import { base32Decode, base32Encode, matchTotp, totpAt } from '../../../src/auth/totp';

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890" (8-digit vectors, last 6 digits)
const SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('at %i s the code is %s', (seconds, code) => {
    expect(totpAt(SECRET, Math.floor(seconds / 30))).toBe(code);
  });

  it('base32 round-trips', () => {
    expect(base32Decode(SECRET).toString()).toBe('12345678901234567890');
  });

  it('accepts one step of drift either side, not two, and refuses malformed codes', () => {
    const now = 1111111111_000;
    const step = Math.floor(now / 30_000);
    expect(matchTotp(SECRET, totpAt(SECRET, step - 1), now)).toBe(step - 1);
    expect(matchTotp(SECRET, totpAt(SECRET, step + 1), now)).toBe(step + 1);
    expect(matchTotp(SECRET, totpAt(SECRET, step - 2), now)).toBeNull();
    expect(matchTotp(SECRET, '12345', now)).toBeNull();
  });
});
