/**
 * `npm run build`: compiles the bot to plain JavaScript in dist/ with tsc (relative `.ts` imports become
 * `.js`), then adds what it reads at run time: the bundled papers and a package.json (ES modules, version).
 * `node dist/main.js` then runs with production dependencies only.
 *
 *   node scripts/build.js [--out-dir DIR]     a clean build (default dist/)
 *   node scripts/build.js --if-stale          builds dist/ only when a source is newer (npm start, the tests)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = ['main.ts', 'bot.ts', 'src', 'commands', 'adapters', 'data/bundled-papers.jsonl', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/**
 * Builds into `outDir` (incrementally when it holds an earlier build). Returns tsc's exit code; on 0 the
 * folder is complete.
 * @param {{ outDir?: string, clean?: boolean }} [options]
 * @returns {number}
 */
export function build({ outDir = dist, clean = false } = {}) {
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

/** The latest modification time under `path` (0 when it does not exist). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/**
 * Builds dist/ when it is missing or older than a source, saying so on stderr. A production install (dist/
 * without the sources or TypeScript) runs what was built. Returns 0 when dist/ is ready to run.
 * @returns {number}
 */
export function buildIfStale() {
  const built = statSync(join(dist, 'package.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const canBuild = existsSync(join(root, 'main.ts')) && existsSync(join(root, 'node_modules', 'typescript'));
  if (!canBuild) {
    if (built === 0) process.stderr.write('dist/ is missing: run `npm ci` and `npm run build` first.\n');
    return built === 0 ? 1 : 0;
  }
  if (built >= Math.max(...SOURCES.map((source) => newest(join(root, source))))) return 0;
  process.stderr.write(built === 0 ? 'Building Paperboy into dist/ (first start only; about 10 s)…\n' : 'The code changed: rebuilding dist/…\n');
  const code = build();
  if (code !== 0) process.stderr.write('The build failed (errors above). `npm run dev` runs the sources with tsx as they are.\n');
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out-dir');
  process.exitCode = process.argv.includes('--if-stale')
    ? buildIfStale()
    : build({ ...(at > 0 && process.argv[at + 1] ? { outDir: resolve(process.argv[at + 1]) } : {}), clean: true });
}
