/**
 * Lists the busy stretches of a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --only scale --cpu-prof
 * DIR`): runs of consecutive samples that are not idle, longer than a threshold. An event-loop stall lies within
 * one, but a stretch is not always one stall: work sliced with `setImmediate` turns the loop between slices
 * without an idle sample. For each stretch it prints when it began, how long it lasted, and where the time went:
 * the functions that were on the CPU (self) and the project's own functions on the stack (inclusive).
 *   npx tsx bench/busy-stretches.ts FILE.cpuprofile [--over MS] [--top N]
 */
import { readFileSync } from 'node:fs';

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

/** One stretch without an idle sample. */
export interface BusyStretch {
  /** Milliseconds from the start of the profile. */
  startMs: number;
  durationMs: number;
  /** Frames and their sample counts, the most first. */
  self: [frame: string, samples: number][];
  own: [frame: string, samples: number][];
  samples: number;
}

const IDLE = '(idle)';

/** A frame as `name file:line` (the file's path from `dist/`, `src/` or `node_modules/` on). */
function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*?\/((dist|node_modules)\/)/, '$1');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** The stretches of consecutive non-idle samples that last longer than `overMs`. */
export function busyStretches(profile: CpuProfile, overMs: number, top = 6): BusyStretch[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const tasks: BusyStretch[] = [];
  let at = 0;
  let run: { start: number; end: number; ids: number[] } | undefined;
  const close = (): void => {
    if (run && (run.end - run.start) / 1000 > overMs) {
      const self = new Map<string, number>();
      const own = new Map<string, number>();
      for (const id of run.ids) {
        const leaf = frameName(byId.get(id)!.callFrame);
        self.set(leaf, (self.get(leaf) ?? 0) + 1);
        const seen = new Set<string>();
        for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
          const frame = byId.get(node)!.callFrame;
          if (!frame.url.includes('/dist/') || frame.url.includes('node_modules')) continue;
          const name = frameName(frame);
          if (!seen.has(name)) own.set(name, (own.get(name) ?? 0) + 1);
          seen.add(name);
        }
      }
      const most = (counts: Map<string, number>): [string, number][] => [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
      tasks.push({ startMs: run.start / 1000, durationMs: (run.end - run.start) / 1000, self: most(self), own: most(own), samples: run.ids.length });
    }
    run = undefined;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i]!;
    if (byId.get(id)?.callFrame.functionName === IDLE) {
      close();
      continue;
    }
    if (run) {
      run.end = at;
      run.ids.push(id);
    } else run = { start: at - (profile.timeDeltas[i] ?? 0), end: at, ids: [id] };
  }
  close();
  return tasks;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: npx tsx bench/busy-stretches.ts FILE.cpuprofile [--over MS] [--top N]');
  const option = (name: string, fallback: number): number => { const at = process.argv.indexOf(name); return at > 0 ? Number(process.argv[at + 1]) : fallback; };
  const tasks = busyStretches(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, option('--over', 50), option('--top', 6));
  for (const task of tasks) {
    process.stdout.write(`at ${(task.startMs / 1000).toFixed(2)} s: ${Math.round(task.durationMs)} ms (${task.samples} samples)\n`);
    process.stdout.write(`  on the CPU: ${task.self.map(([f, n]) => `${f} ×${n}`).join('; ')}\n`);
    process.stdout.write(`  ours on the stack: ${task.own.map(([f, n]) => `${f} ×${n}`).join('; ')}\n`);
  }
  process.stdout.write(`${tasks.length} busy stretches over ${option('--over', 50)} ms\n`);
}
