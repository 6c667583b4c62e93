/**
 * Vitest global setup: without `TEST_DATABASE_URL` the PostgreSQL tests (`*.pg.test.ts`, excluded in
 * vitest.config.ts) do not run, and this says so in one line.
 */
export default function setup(): void {
  if (process.env.TEST_DATABASE_URL) return;
  process.stdout.write(
    'PostgreSQL tests skipped (TEST_DATABASE_URL is not set): run them with TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test\n',
  );
}
