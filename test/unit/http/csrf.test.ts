import type { Request } from 'express';
import { checkCsrf, issueCsrf } from '../../../src/http/csrf';

const request = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as unknown as Request;
const KEY = 'k'.repeat(40);

describe('form CSRF', () => {
  const issued = issueCsrf(KEY, 'bind-1', { path: '/t/acme/invitations/accept', secure: true });
  const cookie = issued.cookie.split(';')[0]!;

  it('sets an HttpOnly, SameSite=Strict, Secure cookie scoped to the form path', () => {
    expect(issued.cookie).toMatch(/^ob_csrf=[A-Za-z0-9_-]{22}; Path=\/t\/acme\/invitations\/accept; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/);
  });

  it('accepts the matching cookie and field only', () => {
    expect(checkCsrf(KEY, 'bind-1', request(`other=1; ${cookie}`), issued.field)).toBe(true);
    expect(checkCsrf(KEY, 'bind-2', request(cookie), issued.field)).toBe(false);
    expect(checkCsrf('x'.repeat(40), 'bind-1', request(cookie), issued.field)).toBe(false);
    expect(checkCsrf(KEY, 'bind-1', request(), issued.field)).toBe(false);
    expect(checkCsrf(KEY, 'bind-1', request(cookie), undefined)).toBe(false);
    expect(checkCsrf(KEY, 'bind-1', request(cookie), ['x'])).toBe(false);
    expect(checkCsrf(KEY, 'bind-1', request('ob_csrf=forged'), issued.field)).toBe(false);
  });
});
