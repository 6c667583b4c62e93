import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // npm start runs dist/: build it once, before tests that start the bot that way.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
  },
});
