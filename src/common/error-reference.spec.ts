import { Logger } from '@nestjs/common';
import { HttpExceptionFilter } from '../http/http-exception.filter';
import { referenceUnexpectedError } from './error-reference';

describe('referenceUnexpectedError', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('tells the client only a fresh reference, and logs the details under it', () => {
    const message = referenceUnexpectedError('device request webhookRequest', new Error('secret detail'));
    const [, reference] = /^internal error \(reference ([0-9a-f-]{36})\); try again later$/.exec(message)!;
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(new RegExp(`^device request webhookRequest failed, reference ${reference}: Error: secret detail`));
    expect(referenceUnexpectedError('again', 'x')).not.toContain(reference);
  });

  it('is what the HTTP filter answers for an error that is not the client’s fault', () => {
    const body = new HttpExceptionFilter().toBody(new TypeError('secret detail'), 'POST /api/notifications');
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: expect.stringMatching(/^internal error \(reference [0-9a-f-]{36}\); try again later$/) });
    const [, reference] = /reference ([0-9a-f-]{36})/.exec(body.message)!;
    expect(logged[0]).toMatch(new RegExp(`^POST /api/notifications failed, reference ${reference}: TypeError: secret detail`));
  });
});
