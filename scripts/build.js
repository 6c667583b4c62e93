/**
 * `npm run build`: compiles the bot to plain JavaScript in dist/ with tsc (relative `.ts` imports become
 * `.js`), then adds what it reads at run time: the bundled papers and a package.json (ES modules, version).
 * `node dist/main.js` then runs with production dependencies only.
 *
 *   node scripts/build.js [--out-dir DIR]     (default dist/)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds into `outDir` (incrementally when it holds an earlier build). Returns tsc's exit code; on 0 the
 * folder is complete.
 * @param {{ outDir?: string, clean?: boolean }} [options]
 * @returns {number}
 */
export function build({ outDir = join(root, 'dist'), clean = false } = {}) {
  if (clean) rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, '--incremental', '--tsBuildInfoFile', join(outDir, '.tsbuildinfo')], { stdio: 'inherit' });
  if (compiled.status !== 0) return compiled.status ?? 1;
  mkdirSync(join(outDir, 'data'), { recursive: true });
  copyFileSync(join(root, 'data', 'bundled-papers.jsonl'), join(outDir, 'data', 'bundled-papers.jsonl'));
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name, version, private: true, type: 'module' }, null, 2)}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out-dir');
  process.exitCode = build({ ...(at > 0 && process.argv[at + 1] ? { outDir: resolve(process.argv[at + 1]) } : {}), clean: true });
}
