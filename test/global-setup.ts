import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once before the tests when a source is newer, so the tests that run `npm start` (which
 * would otherwise build it, several at once) find it ready.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed: see above');
}
