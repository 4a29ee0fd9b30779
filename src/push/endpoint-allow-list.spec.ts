import { DEFAULT_PUSH_ENDPOINTS, parsePushEndpoints } from '../config/push-settings.js';
import { EndpointAllowList } from './endpoint-allow-list.js';

describe('EndpointAllowList', () => {
  const allows = (origins: readonly string[], url: string) => new EndpointAllowList(origins).allows(new URL(url));

  it('allows the browser vendors by default', () => {
    for (const url of [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://jmt17.google.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/abc',
      'https://db5p.notify.windows.com/w/?token=abc',
      'https://web.push.apple.com/QA-abc',
      'https://api.push.apple.com/3/device/abc',
    ]) {
      expect(allows(DEFAULT_PUSH_ENDPOINTS, url)).toBe(true);
    }
  });

  it('refuses other hosts, look-alikes, other ports, plain http and the bare domain of a wildcard', () => {
    for (const url of [
      'https://evil.example.com/fcm.googleapis.com',
      'https://fcm.googleapis.com.evil.example.com/x',
      'https://evilnotify.windows.com/x',
      'https://notify.windows.com/x',
      'https://fcm.googleapis.com:8443/x',
      'http://fcm.googleapis.com/x',
    ]) {
      expect(allows(DEFAULT_PUSH_ENDPOINTS, url)).toBe(false);
    }
  });

  it('reads PUSH_ENDPOINTS: origins normalized, a named port kept, bad entries reported', () => {
    const problems: string[] = [];
    const origins = parsePushEndpoints('HTTPS://Push.Example.com:443/, https://*.wns.example.org:8443, http://plain.example, push.example', (why) => problems.push(why));
    expect(origins).toEqual(['https://push.example.com', 'https://*.wns.example.org:8443']);
    expect(problems).toHaveLength(2);
    expect(allows(origins, 'https://push.example.com/send')).toBe(true);
    expect(allows(origins, 'https://a.wns.example.org:8443/send')).toBe(true);
    expect(allows(origins, 'https://a.wns.example.org/send')).toBe(false);
  });
});
