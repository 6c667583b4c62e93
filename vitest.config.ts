import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The PostgreSQL tests need a server: TEST_DATABASE_URL names it (test/postgres-notice.ts says when it is missing).
    exclude: process.env.TEST_DATABASE_URL ? configDefaults.exclude : [...configDefaults.exclude, 'test/**/*.pg.test.ts'],
    environment: 'node',
    // npm start runs dist/: build it once, before tests that start the bot that way.
    globalSetup: ['test/global-setup.ts', 'test/postgres-notice.ts'],
    testTimeout: 20_000,
  },
});
