import { isOriginAllowed, normalizeOrigin } from './origin';

describe('normalizeOrigin', () => {
  it.each([
    ['https://App.Example.com', 'https://app.example.com'],
    ['HTTPS://app.example.com:443', 'https://app.example.com'],
    ['http://app.example.com:8080/', 'http://app.example.com:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('%s -> %s', (text, origin) => {
    expect(normalizeOrigin(text)).toBe(origin);
  });

  it.each(['', 'null', 'not a url', 'file:///etc/passwd', 'ws://app.example.com'])('%j is not an origin', (text) => {
    expect(normalizeOrigin(text)).toBeUndefined();
  });
});

describe('isOriginAllowed', () => {
  const allowed = new Set(['https://app.example.com', 'http://localhost:8080']);

  it('allows any origin, even a malformed one, when no list is configured', () => {
    expect(isOriginAllowed(undefined, 'https://evil.example')).toBe(true);
    expect(isOriginAllowed(undefined, 'null')).toBe(true);
  });

  it('allows a request without Origin', () => {
    expect(isOriginAllowed(allowed, undefined)).toBe(true);
  });

  it('allows listed origins compared case-insensitively and without the default port', () => {
    expect(isOriginAllowed(allowed, 'https://APP.example.com:443')).toBe(true);
    expect(isOriginAllowed(allowed, 'http://localhost:8080')).toBe(true);
  });

  it('refuses other origins, other ports, other schemes and malformed values', () => {
    expect(isOriginAllowed(allowed, 'https://evil.example')).toBe(false);
    expect(isOriginAllowed(allowed, 'http://localhost:8081')).toBe(false);
    expect(isOriginAllowed(allowed, 'http://app.example.com')).toBe(false);
    expect(isOriginAllowed(allowed, 'null')).toBe(false);
    expect(isOriginAllowed(allowed, 'https://app.example.com, https://evil.example')).toBe(false);
  });
});
