/**
 * The one seam between the metadata store and its database: PGlite embedded or a PostgreSQL
 * server. Both speak the same dialect; every value travels as a `$n` parameter, never spliced
 * into the statement text.
 */
export interface SqlClient {
  query<T extends object>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Run `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** `pglite` or `postgres`, for logs and tests. */
  readonly kind: 'pglite' | 'postgres';
}

export type SqlExecutor = Pick<SqlClient, 'query'>;
