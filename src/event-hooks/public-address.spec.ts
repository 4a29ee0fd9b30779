import { isPublicAddress } from './public-address';

describe('isPublicAddress', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '[2001:4860:4860::8888]', '::ffff:8.8.8.8', '64:ff9b::808:808'])('lets %s through', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, elsewhere in 127/8', '127.255.0.9'],
    ['private', '10.1.2.3'],
    ['private', '172.31.255.255'],
    ['private', '192.168.0.1'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['unspecified', '0.0.0.0'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 unspecified', '::'],
    ['IPv6 loopback', '::1'],
    ['IPv6 loopback, bracketed', '[::1]'],
    ['IPv6 unique-local', 'fd12:3456::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped private, in hex', '::ffff:a00:1'],
    ['IPv4-mapped loopback, written out', '0:0:0:0:0:ffff:7f00:0001'],
    ['NAT64 of a private address', '64:ff9b::10.0.0.1'],
    ['not an address', 'example.com'],
  ])('refuses %s %s', (_kind, address) => expect(isPublicAddress(address)).toBe(false));
});
