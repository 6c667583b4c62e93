import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('logs an unhandled rejection and an uncaught exception with the request that caused them, and keeps the process alive', () => {
  // A child process: the test runner has handlers of its own for both events.
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/adapters/fixtures/guarded-process.ts'], { cwd: root, encoding: 'utf8' });
  const [records, last] = out.trim().split('\n');
  expect(JSON.parse(records!)).toEqual([
    { message: 'unhandled rejection; still serving', request: { platform: 'slack', kind: 'event', id: 'Ev1', name: 'app_mention' }, error: "TypeError: Cannot read properties of null (reading 'ssl_check')" },
    { message: 'uncaught exception; still serving', request: { platform: 'slack', kind: 'envelope:events_api', id: 'env-2' }, error: 'Error: thrown from a timer' },
  ]);
  expect(last).toBe('still serving');
});
