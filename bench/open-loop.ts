/**
 * Open-loop load: requests sent at a fixed arrival rate whatever the answers do, as people using a bot
 * do (a closed loop with N in flight slows its own sending down when the bot slows, and so hides queueing).
 * Latency is measured from the moment each request was due, not when the generator got round to sending
 * it, so a late generator cannot hide a slow bot (coordinated omission); how late the generator was is
 * reported too.
 *
 * The generator side (`offerOpenLoop`) runs in the load child; the bot side (`measureOpenLoop`) runs in the
 * bot's process and reports the CPU of each beside the other.
 */
import type { LoadChild } from './load-child.ts';
import { percentiles, type Percentiles } from './stats.ts';

/** The arrival rates offered, requests per second. */
export const OPEN_LOOP_RATES = [50, 100, 200, 400] as const;
/** How long each rate is offered, by default. */
export const OPEN_LOOP_DURATION_MS = 5_000;
/** A request not answered this long after it was due counts as unanswered. */
export const ANSWER_TIMEOUT_MS = 10_000;
/** The saturation point is the highest rate whose answers' p99 stays under this. */
export const SATURATION_P99_MS = 100;

/** When one request was acknowledged and answered, in `performance.now()` milliseconds. */
export interface Timing {
  ackAt: number;
  answerAt: number;
}

/** What one offered rate measured, in the load child. */
export interface RateStep {
  rate: number;
  durationMs: number;
  sent: number;
  answered: number;
  /** From the request's due time to its acknowledgement (HTTP response / first interaction callback). */
  ack: Percentiles;
  /** From the request's due time to the posted answer (the same as the ack when the answer rides on it). */
  answer: Percentiles;
  /** Answers per second over the whole step, from the first due time to the last answer. */
  throughput: number;
  /** The latest the generator sent a request after it was due (its own scheduling delay). */
  maxSendLagMs: number;
  /** CPU the load child used during the step, in milliseconds (user + system). */
  generatorCpuMs: number;
  /** Wall time of the step, from the first due time until every request was answered or timed out. */
  wallMs: number;
  /** The first failures, for the report. */
  errors: string[];
}

/** A step as the bot's process saw it: the child's numbers plus the bot's CPU over the same interval. */
export interface OpenLoopStep extends RateStep {
  botCpuMs: number;
}

/** The job the bot's process sends the load child for one step. */
export interface StepJob {
  rate: number;
  durationMs: number;
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** Where the generator reads the time and waits: the real clock, or a test's. */
export interface GeneratorTimer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTimer: GeneratorTimer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sends `send(i)` at `rate` per second for `durationMs` (request i is due at start + i / rate), and waits
 * for every answer or its timeout.
 */
export async function offerOpenLoop(rate: number, durationMs: number, send: (i: number) => Promise<Timing>, timer: GeneratorTimer = realTimer): Promise<RateStep> {
  const count = Math.max(1, Math.round((rate * durationMs) / 1000));
  const cpuBefore = process.cpuUsage();
  const start = timer.now() + 5;
  const acks: number[] = [];
  const answers: number[] = [];
  const errors: string[] = [];
  let maxSendLagMs = 0;
  let lastAnswerAt = start;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - timer.now();
    if (wait > 1) await timer.sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, timer.now() - due);
    const timed = new Promise<Timing>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), due + ANSWER_TIMEOUT_MS - timer.now());
      send(i).then((timing) => { clearTimeout(timeout); resolve(timing); }, (error: unknown) => { clearTimeout(timeout); reject(error); });
    });
    pending.push(
      timed.then(
        (timing) => {
          acks.push(timing.ackAt - due);
          answers.push(timing.answerAt - due);
          lastAnswerAt = Math.max(lastAnswerAt, timing.answerAt);
        },
        (error: unknown) => { if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error)); },
      ),
    );
  }
  await Promise.all(pending);
  const wallMs = timer.now() - start;
  return {
    rate, durationMs, sent: count, answered: answers.length, ack: percentiles(acks), answer: percentiles(answers),
    throughput: answers.length / ((lastAnswerAt - start) / 1000), maxSendLagMs,
    generatorCpuMs: cpuMs(process.cpuUsage(cpuBefore)), wallMs, errors,
  };
}

/** The load child's side of the protocol: answers each step job sent on stdin with one result line. */
export function serveSteps(lines: AsyncIterator<string>, run: (job: StepJob) => Promise<RateStep>): Promise<void> {
  return (async () => {
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      const job = JSON.parse(next.value) as StepJob | { done: true };
      if ('done' in job) return;
      process.stdout.write(`${JSON.stringify(await run(job))}\n`);
    }
  })();
}

/** Offers a short warm-up, then each rate in turn, measuring the bot's CPU beside the generator's. */
export async function measureOpenLoop(load: LoadChild<unknown>, rates: readonly number[] = OPEN_LOOP_RATES, durationMs = OPEN_LOOP_DURATION_MS): Promise<OpenLoopStep[]> {
  // Warm-up (compiled code, open connections), as a bot running for a while would have.
  await load.run({ rate: 50, durationMs: 1_000 } satisfies StepJob);
  const steps: OpenLoopStep[] = [];
  for (const rate of rates) {
    const before = process.cpuUsage();
    const step = (await load.run({ rate, durationMs } satisfies StepJob)) as RateStep;
    steps.push({ ...step, botCpuMs: cpuMs(process.cpuUsage(before)) });
  }
  return steps;
}

/** The highest rate whose every request was answered with a p99 under {@link SATURATION_P99_MS}; 0 if none. */
export function saturationPoint(steps: readonly RateStep[]): number {
  let best = 0;
  for (const step of steps) if (step.answered === step.sent && step.answer.p99 < SATURATION_P99_MS) best = Math.max(best, step.rate);
  return best;
}

/** The open-loop steps of one platform at one corpus size, for the report. */
export interface OpenLoopRow {
  papers: number;
  platform: string;
  steps: readonly OpenLoopStep[];
}

/** The report's table of every step, then each row's saturation point. */
export function formatOpenLoop(rows: readonly OpenLoopRow[]): string[] {
  const ms = (n: number): string => (Number.isNaN(n) ? '–' : n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);
  const share = (cpu: number, wall: number): string => `${((100 * cpu) / wall).toFixed(0)}%`;
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [
    line(['papers', 'platform', 'offered', 'sent', 'answered', 'answers/s', 'ack p50', 'ack p99', 'answer p50', 'answer p99', 'answer max', 'generator late by (max)', 'bot CPU', 'generator CPU']),
    line(Array(14).fill('---')),
  ];
  for (const row of rows) {
    for (const s of row.steps) {
      out.push(line([
        row.papers.toLocaleString('en'), row.platform, `${s.rate}/s`, String(s.sent), String(s.answered), s.throughput.toFixed(0),
        ms(s.ack.p50), ms(s.ack.p99), ms(s.answer.p50), ms(s.answer.p99), ms(s.answer.max), ms(s.maxSendLagMs),
        share(s.botCpuMs, s.wallMs), share(s.generatorCpuMs, s.wallMs),
      ]));
    }
  }
  out.push('');
  for (const row of rows) {
    const point = saturationPoint(row.steps);
    const errors = [...new Set(row.steps.flatMap((s) => s.errors))];
    out.push(`${row.papers.toLocaleString('en')} papers, ${row.platform}: saturation point ${point > 0 ? `${point}/s` : `below ${row.steps[0]?.rate ?? '?'}/s`} (the highest offered rate answered in full with p99 under ${SATURATION_P99_MS} ms)${errors.length > 0 ? `; failures: ${errors.join('; ')}` : ''}`);
  }
  return out;
}
