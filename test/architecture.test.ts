import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function imports(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('import boundaries', () => {
  it('keeps platform SDKs out of the core and the commands', () => {
    const offenders = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'commands'))].flatMap((file) =>
      imports(file)
        .filter((spec) => /^(@slack\/|discord\.js|@discordjs\/)/.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the core independent of commands and adapters', () => {
    const offenders = sourceFiles(join(root, 'src')).flatMap((file) =>
      imports(file)
        .filter((spec) => /(^|\/)(commands|adapters)\//.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('dependencies', () => {
  it('leaves out zlib-sync and erlpack, so discord.js speaks plain JSON on the gateway', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    for (const name of ['zlib-sync', 'erlpack']) expect(() => require.resolve(name), name).toThrow();
    const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((path) => /node_modules\/(zlib-sync|erlpack)$/.test(path))).toEqual([]);
  });
});

describe('start-up cost', () => {
  /** Modules a file loads when it is evaluated: static imports and re-exports, not `import type` nor `import()`. */
  function staticImports(path: string): string[] {
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  }

  /** Every package loaded, directly or through project files, when `entry` is evaluated. */
  function packagesLoadedBy(entry: string): Set<string> {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) visit(join(file, '..', spec));
        else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    };
    visit(join(root, entry));
    return packages;
  }

  it('loads the chat SDKs, prom-client and pino-pretty only when they are configured (import() on demand)', () => {
    const loaded = packagesLoadedBy('main.ts');
    expect(loaded.has('better-sqlite3')).toBe(true); // the walk follows main's imports
    expect([...loaded].filter((name) => ['discord.js', '@slack/bolt', 'prom-client', 'pino-pretty'].includes(name))).toEqual([]);
  });

  it('imports prom-client in one module only, which owns the registry', () => {
    const importers = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'commands')), ...sourceFiles(join(root, 'adapters'))]
      .filter((file) => imports(file).includes('prom-client'))
      .map((file) => relative(root, file));
    expect(importers).toEqual(['src/metrics/prometheus-metrics.ts']);
  });
});
