import { createECDH, randomBytes } from 'node:crypto';
import { InvalidInputError } from '../common/errors.js';
import { parsePushSubscription } from './push-subscription.js';

const anywhere = () => true;

function keys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

describe('parsePushSubscription', () => {
  it('reads a browser subscription and an FCM token', () => {
    const k = keys();
    expect(parsePushSubscription({ webpush: { endpoint: 'https://push.example/s/1', keys: k, expirationTime: null } }, anywhere)).toEqual({
      kind: 'webpush',
      endpoint: 'https://push.example/s/1',
      ...k,
    });
    expect(parsePushSubscription({ fcm: { token: 'tok', platform: 'ios' } }, anywhere)).toEqual({ kind: 'fcm', token: 'tok', platform: 'ios' });
    expect(parsePushSubscription({ fcm: { token: 'tok' } }, anywhere)).toEqual({ kind: 'fcm', token: 'tok', platform: null });
  });

  it.each([
    ['a compressed point', { webpush: { endpoint: 'https://push.example/1', keys: { ...keys(), p256dh: Buffer.concat([Buffer.from([2]), randomBytes(32)]).toString('base64url') } } }],
    ['65 bytes that are not an uncompressed point', { webpush: { endpoint: 'https://push.example/1', keys: { ...keys(), p256dh: Buffer.concat([Buffer.from([5]), randomBytes(64)]).toString('base64url') } } }],
    ['credentials in the endpoint', { webpush: { endpoint: 'https://user:pw@push.example/1', keys: keys() } }],
    ['an endpoint that is no URL', { webpush: { endpoint: 'push.example/1', keys: keys() } }],
    ['an unknown platform', { fcm: { token: 'tok', platform: 'windows' } }],
    ['an empty token', { fcm: { token: '' } }],
    ['a token PostgreSQL cannot store', { fcm: { token: 'a\u0000b' } }],
    ['an array', [{ fcm: { token: 'tok' } }]],
    ['another kind', { apns: { token: 'tok' } }],
  ])('refuses %s', (_what, value) => {
    expect(() => parsePushSubscription(value, anywhere)).toThrow(InvalidInputError);
  });

  it('asks the allow-list about the endpoint', () => {
    expect(() => parsePushSubscription({ webpush: { endpoint: 'https://push.example/1', keys: keys() } }, () => false)).toThrow(/not an allowed push service/);
  });
});
