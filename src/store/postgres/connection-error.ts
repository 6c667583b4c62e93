/**
 * Thrown when the PostgreSQL database in `DATABASE_URL` cannot be used: the server cannot be reached or
 * refuses the connection, or there is no schema to create the tables in. The message says what to fix.
 */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
}

/** Where a postgres URL points, for messages: host, port and database, never the user or password. */
export function describeServer(url: string): { server: string; database: string } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || parsed.searchParams.get('port') || '5432';
  return {
    server: host.startsWith('/') ? `the socket in ${host}` : `${host}:${port}`,
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'the default database',
  };
}

/** SQLSTATE codes of a server refusing a connection, and what to fix. */
const REFUSALS: Record<string, string> = {
  '28P01': 'fix the user and password in DATABASE_URL',
  '28000': 'fix the user in DATABASE_URL, or allow it in the server’s pg_hba.conf',
  '3D000': 'create the database, or fix its name in DATABASE_URL',
  '42501': 'grant the user in DATABASE_URL the right to connect and to create tables',
  '53300': 'the server has no free connection slots: raise its max_connections or close other clients',
  '57P03': 'the server is starting up or shutting down: try again in a moment',
};

/**
 * Turns a failure to connect into a {@link DatabaseConnectionError} whose message names `DATABASE_URL`, the
 * server and what to fix, without the password.
 */
export function explainConnectionError(error: unknown, url: string, timeoutMs: number): DatabaseConnectionError {
  const { server } = describeServer(url);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const prefix = `DATABASE_URL: cannot connect to the PostgreSQL server at ${server}`;
  if (code === 'ECONNREFUSED') {
    return new DatabaseConnectionError(`${prefix}: connection refused. Start the server, or fix the host and port in DATABASE_URL.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new DatabaseConnectionError(`${prefix}: the host is not known. Fix the host in DATABASE_URL.`);
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(message)) {
    return new DatabaseConnectionError(
      `${prefix}: no answer within ${timeoutMs / 1000} s. Check that the server runs and that the host and port in DATABASE_URL are right.`,
    );
  }
  if (typeof code === 'string' && code in REFUSALS) {
    return new DatabaseConnectionError(`${prefix}: the server refused the connection: ${message}. To fix it: ${REFUSALS[code]}.`);
  }
  return new DatabaseConnectionError(`${prefix}: ${message}. Check the user, password and sslmode in DATABASE_URL, and the server's log.`);
}
