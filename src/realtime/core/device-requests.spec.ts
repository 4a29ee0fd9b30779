import { DEFAULT_LIMIT, DeviceRequestError, MAX_LIMIT, parseDeviceRequest } from './device-requests';

function refusal(text: string): DeviceRequestError {
  try {
    parseDeviceRequest(text);
  } catch (error) {
    if (error instanceof DeviceRequestError) return error;
    throw error;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseDeviceRequest', () => {
  it('reads the bare string form with the default limit', () => {
    expect(parseDeviceRequest('"unseenNotificationDataRequest"')).toEqual({ name: 'unseenNotificationDataRequest', params: { limit: DEFAULT_LIMIT } });
  });

  it('reads the object forms with their limits and request ids', () => {
    expect(parseDeviceRequest('{"unseenNotificationDataRequest": {}, "requestId": 7}')).toEqual({
      name: 'unseenNotificationDataRequest',
      params: { limit: DEFAULT_LIMIT },
      requestId: 7,
    });
    expect(parseDeviceRequest(`{"unseenNotificationDataRequest": {"limit": ${MAX_LIMIT}}, "requestId": "a"}`)).toMatchObject({ params: { limit: MAX_LIMIT }, requestId: 'a' });
    expect(parseDeviceRequest('{"seenNotificationsRequest": {"receivedAfter": "2024-05-01T12:00:00.250Z", "limit": 1}}')).toEqual({
      name: 'seenNotificationsRequest',
      params: { receivedAfter: new Date('2024-05-01T12:00:00.250Z'), limit: 1 },
    });
  });

  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00.123456+02:00', '2024-05-01T10:00:00.123Z'],
    ['2024-05-01T12:00:00-0130', '2024-05-01T13:30:00.000Z'],
  ])('reads receivedAfter %s as %s (no offset: UTC)', (text, iso) => {
    const request = parseDeviceRequest(JSON.stringify({ seenNotificationsRequest: { receivedAfter: text } }));
    expect(request.params).toEqual({ receivedAfter: new Date(iso), limit: DEFAULT_LIMIT });
  });

  it.each([
    ['not JSON', '{unseen', /not JSON/],
    ['an unknown bare string', '"unseenNotificationData"', /unknown request "unseenNotificationData"/],
    ['an array', '["unseenNotificationDataRequest"]', /expected a request object/],
    ['a number', '42', /expected a request object/],
    ['null', 'null', /expected a request object/],
    ['an unknown request', '{"deleteEverything": {}}', /unknown request "deleteEverything"/],
    ['no request', '{"requestId": 1}', /exactly one request per frame, got 0/],
    ['two requests', '{"unseenNotificationDataRequest": {}, "seenNotificationsRequest": {}}', /exactly one request per frame, got 2/],
    ['parameters that are not an object', '{"unseenNotificationDataRequest": 5}', /unseenNotificationDataRequest must be an object/],
    ['a limit of 0', '{"unseenNotificationDataRequest": {"limit": 0}}', /limit must be an integer from 1 to 500 \(got 0\)/],
    ['a limit of 501', '{"unseenNotificationDataRequest": {"limit": 501}}', /limit must be an integer from 1 to 500/],
    ['a fractional limit', '{"unseenNotificationDataRequest": {"limit": 1.5}}', /limit must be an integer/],
    ['a limit as text', '{"unseenNotificationDataRequest": {"limit": "5"}}', /limit must be an integer/],
    ['an unknown parameter', '{"unseenNotificationDataRequest": {"limt": 5}}', /unseenNotificationDataRequest.limt is not a parameter/],
    ['no receivedAfter', '{"seenNotificationsRequest": {}}', /receivedAfter must be an ISO-8601 date-time/],
    ['a receivedAfter that is no date', '{"seenNotificationsRequest": {"receivedAfter": "yesterday"}}', /receivedAfter must be an ISO-8601/],
    ['a receivedAfter as a number', '{"seenNotificationsRequest": {"receivedAfter": 1714560000000}}', /receivedAfter must be an ISO-8601/],
    ['a day past the end of the month', '{"seenNotificationsRequest": {"receivedAfter": "2024-02-30"}}', /receivedAfter must be an ISO-8601/],
    ['month 13', '{"seenNotificationsRequest": {"receivedAfter": "2024-13-01T00:00:00Z"}}', /receivedAfter must be an ISO-8601/],
    ['hour 25', '{"seenNotificationsRequest": {"receivedAfter": "2024-01-01T25:00:00Z"}}', /receivedAfter must be an ISO-8601/],
    ['a requestId that is an object', '{"unseenNotificationDataRequest": {}, "requestId": {}}', /requestId must be a string or a number/],
  ])('refuses %s', (_, text, message) => {
    expect(refusal(text).message).toMatch(message);
  });

  it('keeps the requestId of a refused request, to echo it', () => {
    expect(refusal('{"unseenNotificationDataRequest": {"limit": 0}, "requestId": "r1"}').requestId).toBe('r1');
    expect(refusal('{"nope": {}, "requestId": 3}').requestId).toBe(3);
  });

  it('does not mistake inherited properties for requests', () => {
    expect(refusal('{"constructor": {}}').message).toMatch(/unknown request "constructor"/);
    expect(refusal('{"__proto__": {}}').message).toMatch(/unknown request "__proto__"/);
  });
});
