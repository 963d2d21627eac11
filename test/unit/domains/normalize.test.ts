import { emailDomain, normalizeClaimedDomain, routingCandidates } from '../../../src/domains/normalize';

describe('normalizeClaimedDomain', () => {
  const accepted: Array<[string, string]> = [
    ['acme.com', 'acme.com'],
    ['  ACME.Com  ', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['eu.acme.com', 'eu.acme.com'],
    ['Bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['ＡＣＭＥ.com', 'acme.com'],
    ['acme.co.uk', 'acme.co.uk'],
    ['acme.github.io', 'acme.github.io'],
    ['a-b.example.org', 'a-b.example.org'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ];
  it.each(accepted)('when given %j, then it is %j', (input, expected) => {
    expect(normalizeClaimedDomain(input)).toEqual({ ok: true, domain: expected });
  });

  const rejected: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['https://acme.com', /not a URL/],
    ['acme.com/path', /path/],
    ['acme.com?x=1', /path/],
    ['user@acme.com', /user information/],
    ['acme.com:8080', /port/],
    ['*.acme.com', /wildcard/],
    ['127.0.0.1', /IP/],
    ['2130706433', /IP/],
    ['0177.0.0.1', /IP/],
    ['0x7f.0.0.1', /IP/],
    ['0x7f.1', /IP/],
    ['１２７.0.0.1', /IP/],
    ['::1', /IP/],
    ['[::1]', /IP/],
    ['[::ffff:127.0.0.1]', /IP/],
    ['acme..com', /empty label/],
    ['.acme.com', /empty label/],
    ['acme.com..', /empty label/],
    ['ac me.com', /invalid/],
    ['ex%41mple.com', /invalid/],
    ['acme_corp.com', /invalid/],
    ['-acme.com', /invalid/],
    ['acme-.com', /invalid/],
    [`${'a'.repeat(64)}.com`, /63/],
    [`${'abcdefghi.'.repeat(26)}com`, /253/],
    ['localhost', /two labels/],
    ['com', /two labels/],
    ['co.uk', /public suffix/],
    ['github.io', /public suffix/],
    ['s3.amazonaws.com', /public suffix/],
    ['gmail.com', /consumer/],
    ['GMAIL.COM.', /consumer/],
    ['outlook.com', /consumer/],
    ['hotmail.com', /consumer/],
    ['yahoo.com', /consumer/],
    ['icloud.com', /consumer/],
    ['mail.gmail.com', /consumer/],
  ];
  it.each(rejected)('when given %j, then it is refused (%s)', (input, reason) => {
    const result = normalizeClaimedDomain(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('emailDomain', () => {
  it.each([
    ['alice@acme.com', 'acme.com'],
    ['Alice@ACME.com', 'acme.com'],
    ['alice@bücher.de', 'xn--bcher-kva.de'],
    ['"odd@local"@acme.com', null],
    ['alice', null],
    ['@acme.com', null],
    ['alice@', null],
    ['alice@127.0.0.1', null],
    ['alice@[::1]', null],
    ['alice@acme..com', null],
    ['al ice@acme.com', null],
    ['alice@acme.com/x', null],
    [`${'a'.repeat(65)}@acme.com`, null],
  ])('when given %j, then %j', (email, expected) => {
    expect(emailDomain(email)).toBe(expected);
  });
});

describe('routingCandidates', () => {
  it.each([
    ['acme.com', ['acme.com']],
    ['a.b.eu.acme.com', ['a.b.eu.acme.com', 'b.eu.acme.com', 'eu.acme.com', 'acme.com']],
    ['eu.acme.co.uk', ['eu.acme.co.uk', 'acme.co.uk']],
    ['x.acme.github.io', ['x.acme.github.io', 'acme.github.io']],
    ['co.uk', ['co.uk']],
  ])('for %j, most specific first down to the registrable domain: %j', (domain, expected) => {
    expect(routingCandidates(domain)).toEqual(expected);
  });
});
