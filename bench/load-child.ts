/**
 * A load generator in a child process, so its CPU (the fake platform, the people typing) is not counted as
 * the bot's. The child prints one JSON line saying where its fake listens, then answers each JSON job it
 * reads from stdin with one JSON result line.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running load child: what it said on start, and the jobs to send it once the bot is up. */
export interface LoadChild<Hello> {
  hello: Hello;
  /** Sends one line that expects no answer (the set-up). */
  send(message: unknown): void;
  /** Sends one job and resolves with the child's result line, parsed. */
  run(job: unknown): Promise<unknown>;
  stop(): void;
}

/** Starts `script` (a `.ts` file next to this one) and waits for its first line. */
export async function startLoadChild<Hello>(script: URL): Promise<LoadChild<Hello>> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const hello = JSON.parse(String((await lines.next()).value)) as Hello;
  return {
    hello,
    send(message) { child.stdin.write(`${JSON.stringify(message)}\n`); },
    async run(job) {
      child.stdin.write(`${JSON.stringify(job)}\n`);
      const line = await lines.next();
      if (line.done) throw new Error('the load child exited');
      return JSON.parse(String(line.value)) as unknown;
    },
    stop: () => { child.kill(); },
  };
}
