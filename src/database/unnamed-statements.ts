import pg from 'pg';

/**
 * A pg client that runs every statement unnamed, for a pool behind a transaction pooler
 * (PgBouncer before 1.21): a named prepared statement is parsed on one server connection, and
 * the pooler may run the next execution on another, which answers "prepared statement does not
 * exist". Unnamed, the statement is parsed, bound and run in one round trip on whichever
 * connection the pooler lends; the repositories keep their names for the direct case.
 */
export class UnnamedStatementsClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [statement] = args;
    if (typeof statement === 'object' && statement !== null && 'name' in statement) {
      const { name: _unused, ...unnamed } = statement as pg.QueryConfig;
      args[0] = unnamed;
    }
    return (super.query as (...queryArgs: unknown[]) => never)(...args);
  }
}
