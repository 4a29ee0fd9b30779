import { appendForwardedFor, delegateHeaders } from './delegate-request';

describe('appendForwardedFor', () => {
  it('is the peer alone when no proxy forwarded the request', () => {
    expect(appendForwardedFor(undefined, '198.51.100.4')).toBe('198.51.100.4');
  });

  it('appends the peer to the existing chain', () => {
    expect(appendForwardedFor('203.0.113.7', '10.0.0.2')).toBe('203.0.113.7, 10.0.0.2');
    expect(appendForwardedFor('203.0.113.7, 10.0.0.1', '10.0.0.2')).toBe('203.0.113.7, 10.0.0.1, 10.0.0.2');
  });

  it('joins repeated headers in order', () => {
    expect(appendForwardedFor(['203.0.113.7', '10.0.0.1'], '10.0.0.2')).toBe('203.0.113.7, 10.0.0.1, 10.0.0.2');
  });

  it('writes an IPv4-mapped IPv6 peer as plain IPv4 and keeps real IPv6', () => {
    expect(appendForwardedFor(undefined, '::ffff:192.0.2.9')).toBe('192.0.2.9');
    expect(appendForwardedFor(undefined, '2001:db8::1')).toBe('2001:db8::1');
  });

  it('keeps the chain when the peer is unknown (socket already gone) and is absent when both are', () => {
    expect(appendForwardedFor('203.0.113.7', undefined)).toBe('203.0.113.7');
    expect(appendForwardedFor(undefined, undefined)).toBeUndefined();
    expect(appendForwardedFor('', undefined)).toBeUndefined();
  });
});

describe('delegateHeaders', () => {
  it('forwards Cookie, Authorization and Origin unchanged, and nothing else but X-Forwarded-For', () => {
    const headers = delegateHeaders(
      { cookie: 'sid=a b; theme=dark', authorization: 'Bearer xyz', origin: 'https://app.example.com', host: 'pns', 'user-agent': 'x', 'x-auth-token': 't' },
      '127.0.0.1',
    );
    expect(headers).toEqual({ Cookie: 'sid=a b; theme=dark', Authorization: 'Bearer xyz', Origin: 'https://app.example.com', 'X-Forwarded-For': '127.0.0.1' });
  });

  it('leaves out the headers the device did not send', () => {
    expect(delegateHeaders({}, '127.0.0.1')).toEqual({ 'X-Forwarded-For': '127.0.0.1' });
  });
});
