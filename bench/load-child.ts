/**
 * A load generator in a child process, so its CPU (the fake platform, the people typing) is not counted as
 * the bot's. The child prints one JSON line saying where its fake listens, reads one JSON job from stdin,
 * and prints one JSON result: latency percentiles and how many requests were answered.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Percentiles } from './stats.ts';

/** What a load child reports. */
export type LoadResult = Percentiles & { answered: number; rejected: number };

/** A running load child: what it said on start, and the job to send it once the bot is up. */
export interface LoadChild<Hello> {
  hello: Hello;
  /** Sends the job and resolves with the result; throws unless all `expected` requests were answered and none refused. */
  run(job: unknown, expected: number): Promise<LoadResult>;
  stop(): void;
}

/** Starts `script` (a `.ts` file next to this one) and waits for its first line. */
export async function startLoadChild<Hello>(script: URL): Promise<LoadChild<Hello>> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const hello = JSON.parse(String((await lines.next()).value)) as Hello;
  return {
    hello,
    async run(job, expected) {
      child.stdin.write(`${JSON.stringify(job)}\n`);
      const result = JSON.parse(String((await lines.next()).value)) as LoadResult;
      if (result.answered !== expected || result.rejected > 0) throw new Error(`answered ${result.answered} of ${expected}, ${result.rejected} refused by the fake`);
      return result;
    },
    stop: () => { child.kill(); },
  };
}
