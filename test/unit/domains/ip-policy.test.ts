import { AddressPolicy } from '../../../src/domains/verifiers/address-policy';

describe('AddressPolicy (default: public unicast only)', () => {
  const policy = new AddressPolicy(false);
  it.each([
    ['8.8.8.8', true],
    ['93.184.216.34', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['127.1.2.3', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['169.254.0.1', false],
    ['100.64.0.1', false],
    ['100.127.255.254', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['192.0.2.1', false],
    ['::1', false],
    ['[::1]', false],
    ['::', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['fd00:ec2::254', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::7f00:1', false],
    ['2002:7f00:1::', false],
    ['2130706433', false],
    ['0177.0.0.1', false],
    ['0x7f.0.0.1', false],
    ['not-an-ip', false],
  ])('%s → %s', (address, allowed) => {
    expect(policy.allows(address)).toBe(allowed);
  });
});

describe('AddressPolicy with DOMAIN_FETCH_ALLOW_PRIVATE', () => {
  it('true allows every address', () => {
    const policy = new AddressPolicy(true);
    for (const a of ['127.0.0.1', '169.254.169.254', '::1', '10.1.1.1']) expect(policy.allows(a)).toBe(true);
  });
  it('a list allows those addresses and CIDRs, and public ones, but no other private address', () => {
    const policy = new AddressPolicy(['127.0.0.2', '10.9.0.0/16', '::2']);
    expect(policy.allows('127.0.0.2')).toBe(true);
    expect(policy.allows('::ffff:127.0.0.2')).toBe(true);
    expect(policy.allows('10.9.200.1')).toBe(true);
    expect(policy.allows('::2')).toBe(true);
    expect(policy.allows('8.8.8.8')).toBe(true);
    for (const a of ['127.0.0.1', '127.0.0.3', '10.10.0.1', '169.254.169.254', '::1']) expect(policy.allows(a)).toBe(false);
  });
});
