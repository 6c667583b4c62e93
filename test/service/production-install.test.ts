/*
 * The install the Dockerfile makes, done here without a container engine: build dist/, then in a clean
 * folder holding only what the image holds (dist/, package.json, package-lock.json) `npm ci --omit=dev`
 * from the lock file, offline from this machine's npm cache (tests talk only to 127.0.0.1), and run the bot.
 *
 * better-sqlite3's install script downloads a prebuilt binary from GitHub (what an install with internet
 * access does) and compiles one from source when it cannot (minutes on 2 cores). Offline, the test hands
 * it the prebuilt binary it would have downloaded, packed from the one already in this checkout's
 * node_modules, through prebuild-install's documented local-prebuilds setting.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'paperboy-production-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The prebuilt better-sqlite3 binary for this Node, as prebuild-install names and unpacks it. */
async function localPrebuild(): Promise<string> {
  const sqlite = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string };
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(dir, name), '-C', sqlite, 'build/Release/better_sqlite3.node']);
  return dir;
}

it('the Dockerfile makes this install: dist/ and the lock file, production dependencies, node dist/main.js, as a non-root user', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  expect(final).toMatch(/^\nFROM node:20-slim\n/);
  expect(final).toContain('COPY package.json package-lock.json ./');
  expect(final).toContain('COPY --from=build /app/dist ./dist');
  expect(dockerfile).toContain('RUN npm ci --omit=dev');
  expect(final).toContain('USER node');
  expect(final).toContain('VOLUME /data');
  expect(final).toMatch(/HEALTHCHECK [^\n]*\\\n {2}CMD .*\/healthz/);
  expect(final).toContain('CMD ["node", "dist/main.js"]');
});

it('installs with production dependencies only and answers --once from dist/', async () => {
  const app = join(work, 'app');
  await run(process.execPath, ['scripts/build.js', '--out-dir', join(app, 'dist')], { cwd: root });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(app, file));

  await run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
    cwd: app,
    env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: await localPrebuild() },
    maxBuffer: 16 * 2 ** 20,
  });
  // Every package the lock file marks as needed only for development is absent.
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev).map(([path]) => path);
  expect(devOnly).toEqual(expect.arrayContaining(['node_modules/tsx', 'node_modules/typescript', 'node_modules/vitest']));
  expect(devOnly.filter((path) => existsSync(join(app, path)))).toEqual([]);
  expect(existsSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);

  const dataDir = join(work, 'data');
  const answer = await run(process.execPath, ['dist/main.js', '--once', 'search diffusion'], { cwd: app, env: { ...process.env, DATA_DIR: dataDir } });
  expect(answer.stdout).toMatch(/^1–5 of \d+ papers for "diffusion"\n/);
  expect(answer.stderr).toBe('');
  expect(readFileSync(join(dataDir, 'paperboy.log'), 'utf8')).toContain('"msg":"paperboy starting"');

  // What --once never loads loads too: both chat adapters, and the metrics behind HEALTH_PORT.
  const loaded = await run(process.execPath, ['--input-type=module', '-e', [
    "await import('./dist/adapters/slack/app.js');",
    "await import('./dist/adapters/discord/app.js');",
    "await import('./dist/src/metrics/prometheus-metrics.js');",
    "console.log('loaded');",
  ].join(' ')], { cwd: app });
  expect(loaded.stdout).toBe('loaded\n');
}, 300_000);
