import { DEFAULT_PREFERENCES, parsePreferences, pushAllowed } from './preferences';

describe('parsePreferences', () => {
  it('reads a full document', () => {
    const sent = {
      default: { inbox: true, push: false },
      categories: { marketing: { inbox: false }, security: { push: true } },
      quietHours: { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' },
    };
    expect(parsePreferences(sent)).toEqual(sent);
  });

  it('fills what is omitted with the defaults', () => {
    expect(parsePreferences({})).toEqual(DEFAULT_PREFERENCES);
    expect(parsePreferences({ default: { push: false } })).toEqual({ ...DEFAULT_PREFERENCES, default: { inbox: true, push: false } });
  });

  it('keeps the canonical zone name', () => {
    expect(parsePreferences({ quietHours: { timeZone: 'utc', from: '00:00', to: '23:59' } }).quietHours).toEqual({ timeZone: 'UTC', from: '00:00', to: '23:59' });
  });

  it.each([
    ['not an object', [], /preferences must be an object/],
    ['an unknown top-level field', { mute: true }, /unknown field mute/],
    ['an unknown switch', { default: { inbox: true, email: false } }, /default: unknown field email/],
    ['a switch that is not boolean', { default: { push: 'no' } }, /default.push must be true or false/],
    ['categories as a list', { categories: ['a'] }, /categories must be an object/],
    ['an unknown field in a category', { categories: { a: { sms: true } } }, /categories.a: unknown field sms/],
    ['a category switch that is not boolean', { categories: { a: { inbox: 0 } } }, /categories.a.inbox must be true or false/],
    ['an unknown zone', { quietHours: { timeZone: 'Mars/Olympus', from: '22:00', to: '07:00' } }, /IANA time zone/],
    ['a UTC offset for a zone', { quietHours: { timeZone: '+01:00', from: '22:00', to: '07:00' } }, /IANA time zone/],
    ['an hour past 23', { quietHours: { timeZone: 'UTC', from: '24:00', to: '07:00' } }, /quietHours.from/],
    ['a time without leading zero', { quietHours: { timeZone: 'UTC', from: '22:00', to: '7:00' } }, /quietHours.to/],
    ['minutes past 59', { quietHours: { timeZone: 'UTC', from: '22:60', to: '07:00' } }, /quietHours.from/],
    ['an unknown field in quiet hours', { quietHours: { timeZone: 'UTC', from: '22:00', to: '07:00', days: [1] } }, /quietHours: unknown field days/],
    ['quiet hours missing a bound', { quietHours: { timeZone: 'UTC', from: '22:00' } }, /quietHours.to/],
  ])('refuses %s', (_case, sent, message) => {
    expect(() => parsePreferences(sent)).toThrow(message);
  });
});

describe('pushAllowed', () => {
  const preferences = parsePreferences({ default: { push: false }, categories: { security: { push: true }, marketing: { inbox: false } } });

  it('lets a category override the default push switch', () => {
    expect(pushAllowed(preferences, 'security')).toBe(true);
  });

  it('uses the default for other categories, those that set only their inbox switch, and none', () => {
    expect(pushAllowed(preferences, 'marketing')).toBe(false);
    expect(pushAllowed(preferences, 'orders')).toBe(false);
    expect(pushAllowed(preferences, null)).toBe(false);
  });
});
