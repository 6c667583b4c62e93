/**
 * `npm start`: runs the compiled bot (dist/main.js) in this process, building it first when dist/ is
 * missing or older than any source file. Starting from JavaScript reaches the prompt in about half the
 * time tsx takes to load the TypeScript (README, "Run it as a service"); `npm run dev` runs the sources
 * with tsx instead.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, root } from './build.js';

/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = ['main.ts', 'bot.ts', 'src', 'commands', 'adapters', 'data/bundled-papers.jsonl', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The latest modification time under `path` (0 when it does not exist). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = statSync(join(root, 'dist', 'package.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
// A production install holds dist/ without the sources or TypeScript: it runs what was built.
const canBuild = existsSync(join(root, 'main.ts')) && existsSync(join(root, 'node_modules', 'typescript'));
if (built === 0 && !canBuild) {
  process.stderr.write('dist/ is missing: run `npm ci` and `npm run build` first.\n');
  process.exit(1);
}
if (canBuild && built < Math.max(...SOURCES.map((source) => newest(join(root, source))))) {
  process.stderr.write(built === 0 ? 'Building Paperboy into dist/ (first start only; about 10 s)…\n' : 'The code changed: rebuilding dist/…\n');
  const code = build();
  if (code !== 0) {
    process.stderr.write('The build failed (errors above). `npm run dev` runs the sources with tsx as they are.\n');
    process.exit(code);
  }
}
await import('../dist/main.js');
