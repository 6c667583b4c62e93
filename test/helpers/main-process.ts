import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The real main.ts in a process of its own (through tsx, as `npm run dev`), with what it prints so far. */
export interface MainProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Starts main.ts with `args`, no sources and info logs, and `env` over this process's environment. */
export function startMain(args: readonly string[], env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts', ...args], {
    cwd: root, env: { ...process.env, SOURCES: '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => { output.stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output.stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, get stdout() { return output.stdout; }, get stderr() { return output.stderr; }, exited };
}
