import { checkNewPassword, hashPassword, verifyPassword } from '../../../src/auth/passwords';
import { ValidationError } from '../../../src/shared/errors';

describe('hashPassword / verifyPassword', () => {
  it('stores scrypt with its parameters and a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('Tr0ub4dor&3 horse');
    const b = await hashPassword('Tr0ub4dor&3 horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Tr0ub4dor&3 horse', a)).toBe(true);
    expect(await verifyPassword('Tr0ub4dor&3 horsE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it.each([['plain'], ['scrypt$1$2$3'], ['bcrypt$1$2$3$4$5'], ['scrypt$x$8$1$aa$bb'], ['scrypt$99999999$8$1$aa$bb']])(
    'a malformed stored hash (%s) never matches',
    async (stored) => {
      expect(await verifyPassword('anything', stored)).toBe(false);
    },
  );
});

describe('checkNewPassword', () => {
  const ok = (password: string, minLength = 8, email = 'ann@example.com') => () => checkNewPassword(password, { minLength, email });

  it.each([
    ['shorter than the minimum', 'aB3$xyz', 8, /at least 8/],
    ['shorter than an organization minimum of 12', 'aB3$xyz9Qw!', 12, /at least 12/],
    ['longer than 256', 'a'.repeat(257), 8, /at most 256/],
    ['a breached password', 'Password123', 8, /too common/],
    ['a breached password in another case', 'QWERTYUIOP', 8, /too common/],
    ['the email', 'Ann@Example.com', 8, /email/],
    ['the local part of the email', 'ANN', 1, /email/],
  ])('refuses a password %s with a 400 naming the field', (_case, password, min, message) => {
    let error: unknown;
    try {
      ok(password, min)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).details).toEqual(expect.arrayContaining([{ path: 'password', message: expect.any(String) }]));
  });

  it('accepts a long uncommon passphrase, counting characters rather than bytes', () => {
    expect(ok('correct horse battery staple')).not.toThrow();
    expect(ok('ééééééé€', 8)).not.toThrow();
  });
});
