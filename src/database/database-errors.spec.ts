import { UnavailableError } from '../common/errors';
import { asUnavailableWhenDatabaseIsDown, isDatabaseDataError, isDatabaseUnavailable } from './database-errors';

const withFields = (message: string, fields: object) => Object.assign(new Error(message), fields);

describe('database errors', () => {
  it.each([
    ['a refused connection', withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 })],
    ['an admin shutdown', withFields('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' })],
    ['a server shutting down', withFields('the database system is shutting down', { code: '57P03' })],
    ['a connection exception', withFields('connection failure', { code: '08006' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a Prisma P1001', withFields("Can't reach database server", { code: 'P1001' })],
    ['an adapter error', withFields('DriverAdapterError', { cause: { kind: 'DatabaseNotReachable' } })],
    ['a cause two layers down', withFields('query failed', { cause: withFields('wrapped', { cause: withFields('x', { code: 'ECONNRESET' }) }) })],
  ])('takes %s for an outage', (_why, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(asUnavailableWhenDatabaseIsDown(error)).toBeInstanceOf(UnavailableError);
  });

  it.each([
    ['a data error', withFields('unsupported Unicode escape sequence', { code: '22P05' })],
    ['a unique violation', withFields('duplicate key', { code: '23505' })],
    ['a plain error', new TypeError('x is undefined')],
    ['not an error', 'text'],
  ])('does not take %s for an outage', (_why, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(asUnavailableWhenDatabaseIsDown(error)).toBe(error);
  });

  it('tells data errors (SQLSTATE class 22) from the rest', () => {
    expect(isDatabaseDataError(withFields('invalid input syntax for type json', { code: '22P02' }))).toBe(true);
    expect(isDatabaseDataError(withFields('wrapped', { cause: withFields('x', { code: '22021' }) }))).toBe(true);
    expect(isDatabaseDataError(withFields('duplicate key', { code: '23505' }))).toBe(false);
    expect(isDatabaseDataError(withFields('connect ECONNREFUSED', { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
