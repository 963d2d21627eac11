import { isEmailAddress } from '../../../src/shared/schemas';
import { decodeCursor, encodeCursor, toPage } from '../../../src/shared/pagination';
import { TtlCache } from '../../../src/shared/ttl-cache';
import { isId, newId } from '../../../src/shared/ids';
import { safeEqual } from '../../../src/shared/crypto';
import { slugify, withSuffix } from '../../../src/orgs/slug';
import { highestRole } from '../../../src/orgs/roles.service';
import { effectiveSettings, fullAuthSettings, fullBranding, mergePatch } from '../../../src/tenants/settings';

describe('ids', () => {
  it('are prefixed, sortable by creation and recognisable', () => {
    const ids = Array.from({ length: 100 }, () => newId('org'));
    expect([...ids].sort()).toEqual(ids);
    expect(isId(ids[0]!, 'org')).toBe(true);
    expect(isId(ids[0]!, 'usr')).toBe(false);
    expect(isId('org_acme', 'org')).toBe(false);
  });
});

describe('cursors', () => {
  it('round-trip, and garbage is a 400', () => {
    expect(decodeCursor(encodeCursor('org_1'))).toBe('org_1');
    expect(decodeCursor(encodeCursor(42))).toBe('42');
    expect(() => decodeCursor('%%%')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString('base64url'))).toThrow(/cursor/);
  });
  it('toPage uses the extra row only to say there is more', () => {
    expect(toPage([1, 2, 3], 2, String, (x) => x)).toEqual({ data: [1, 2], next_cursor: encodeCursor('2') });
    expect(toPage([1, 2], 2, String, (x) => x)).toEqual({ data: [1, 2], next_cursor: null });
  });
});

describe('TtlCache', () => {
  it('never serves an entry at or past its TTL, and stays bounded', () => {
    let now = 0;
    const cache = new TtlCache<number>(1000, 2, () => now);
    cache.set('a', 1);
    now = 999;
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });
});

describe('slugs', () => {
  it.each([
    ['Acme', 'acme'],
    ['Acme Corp. (EU)', 'acme-corp-eu'],
    ['Ünïcode Straße', 'unicode-strasse'],
    ['Øresund Bølge', 'oresund-bolge'],
    ['---', 'org'],
    ['日本', 'org'],
    ['a'.repeat(80), 'a'.repeat(64)],
  ])('%s → %s', (name, slug) => expect(slugify(name)).toBe(slug));
  it('suffixing stays within 64 characters', () => {
    expect(withSuffix('a'.repeat(64), 'abc123')).toHaveLength(64);
  });
});

describe('role ranking', () => {
  it('picks the highest rank; on a tie the key that sorts first', () => {
    expect(highestRole([{ key: 'member', rank: 200 }, { key: 'admin', rank: 300 }])!.key).toBe('admin');
    expect(highestRole([{ key: 'zeta', rank: 150 }, { key: 'alpha', rank: 150 }])!.key).toBe('alpha');
    expect(highestRole([])).toBeUndefined();
  });
});

describe('settings inheritance', () => {
  const tenant = { branding: fullBranding({ primary_color: '#000000' }), auth_settings: fullAuthSettings({ session_ttl_hours: 8 }) };
  it.each([
    ['organization value wins', { session_ttl_hours: 2 }, 2],
    ['null inherits the tenant', { session_ttl_hours: null }, 8],
  ])('%s', (_c, orgAuth, expected) => {
    const org = { branding: fullBranding(null), auth_settings: fullAuthSettings(orgAuth) };
    expect(effectiveSettings(org, tenant).auth_settings.session_ttl_hours).toBe(expected);
  });
  it('falls back to built-in defaults', () => {
    const eff = effectiveSettings(null, { branding: fullBranding(null), auth_settings: fullAuthSettings(null) });
    expect(eff.auth_settings).toEqual({
      password_min_length: 8,
      require_mfa: false,
      session_ttl_hours: 24,
      max_login_attempts: 10,
      lockout_duration_minutes: 15,
      default_connection_id: null,
    });
    expect(eff.branding.primary_color).toBeNull();
  });
  it('mergePatch: absent stays, null resets, a null patch resets all', () => {
    expect(mergePatch({ a: 1, b: 2 } as Record<string, number | null>, { b: null })).toEqual({ a: 1, b: null });
    expect(mergePatch({ a: 1, b: 2 } as Record<string, number | null>, null)).toEqual({ a: null, b: null });
  });
});

describe('isEmailAddress (the admin API and login routing share it)', () => {
  it.each(['a@@x.example', 'a@b@x.example', '@x.example', 'a@', 'a b@x.example', 'a@x..example', 'a@-x.example', '.a@x.example', 'a@localhost', 'a@127.0.0.1', `${'a'.repeat(65)}@x.example`, `a@${'b'.repeat(64)}.example`])(
    'refuses %s',
    (email) => expect(isEmailAddress(email)).toBe(false),
  );
  it.each(['a@x.example', 'a+tag@x.example', "o'neil@x.example", 'ADA@X.EXAMPLE', 'anna@bücher.example', 'anna@xn--bcher-kva.example'])('accepts %s', (email) =>
    expect(isEmailAddress(email)).toBe(true),
  );
});
