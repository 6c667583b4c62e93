/**
 * The scale benchmark's report (issue #11): what one corpus size measured, the table with the targets
 * beside it, and the projection to 1M papers from the growth between the measured sizes. Pure: no I/O.
 */
import type { MaintenanceTurns } from './maintenance-turns.ts';

/** Minimum, median and maximum of repeated runs, in ms. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The spread of a list of values (empty: NaN everywhere). */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? NaN, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** Resident memory after a point, as read (`plain`) and after a forced full GC in the bot (`afterGc`, when it could be forced). */
export interface Memory {
  plainMb: number;
  afterGcMb?: number;
  /** After the GCs, from the bot's own /metrics: the JS heap in use and committed, the young generation's
   *  part of it, and memory outside the heap (typed arrays, buffers). */
  heapMb?: number;
  heapCommittedMb?: number;
  youngMb?: number;
  externalMb?: number;
}

/** CPU seconds spent in a phase by the bot and by whatever generated its load. */
export interface CpuSplit {
  botS: number;
  loadS: number;
  /** Who the load generator was (the benchmark process, the import process). */
  load: string;
}

/** The refreshes in a realistic mix, each serving papers already in the corpus (seen again) and new ones. */
export interface MixedRefreshes {
  refreshes: number;
  /** Papers already in the corpus each refresh serves, upvotes and comments raised. */
  existingEach: number;
  /** New papers each refresh serves. */
  newEach: number;
  /** Papers the bot logged as added and as updated, over all the refreshes. */
  added: number;
  updated: number;
  rssAfterStart: Memory;
  /** After the first refresh: the bot warmed up (its code compiled, its caches and the delta in use). */
  rssAfterFirstRefresh: Memory;
  rssAfterRefreshes: Memory;
  /** The bot's corpus (`/metrics`) after start and after the refreshes. */
  papersAtStart: number;
  papersAfterRefreshes: number;
  /** Longest event-loop stall in the first refresh, and min / median / max of each refresh's longest, ms. */
  stallFirstMs: number;
  stallEachMs: Spread;
  /** The benchmark's own longest delay in the same windows (the control). */
  controlStallMs: number;
  /** Median time from a refresh's first request to its papers being searchable, ms. */
  refreshMedianMs: number;
  cpu: CpuSplit;
}

/** Everything measured at one corpus size. */
export interface ScaleRow {
  papers: number;
  /** `npm start -- --once "search diffusion"`: wall time from spawn to exit, ms. */
  onceWall: Spread;
  /** Of that, opening the database and loading the papers (the bot's own `papers opened` log line), ms. */
  onceLoading: Spread;
  /** From spawn to the bot's first log line (Node and module loading), ms. */
  onceBoot: Spread;
  /** From spawn to the first `/papers search` acknowledged and answered, ms. */
  slackFirst: { ackMs: number; answerMs: number };
  discordFirst: { ackMs: number; answerMs: number };
  rssAfterStart: Memory;
  rssAfterRefreshes: Memory;
  /** The bot's corpus (`/metrics`) after start and after the all-new refreshes. */
  papersAtStart: number;
  papersAfterRefreshes: number;
  /** How many refreshes (of `refreshPapers` each) ran before `rssAfterRefreshes`. */
  refreshes: number;
  refreshPapers: number;
  /** Longest event-loop stall, ms (prom-client's monitorEventLoopDelay max, reset at each scrape). */
  stallStartMs: number;
  stallFirstRefreshMs: number;
  stallAnyRefreshMs: number;
  stallImportMs: number;
  /** The benchmark process's own longest event-loop delay in the same windows: high values mean a loaded machine. */
  controlStallMs: { start: number; refreshes: number; import: number };
  /** The same maintenance in one process with no load beside it: each phase's longest turn (bench/maintenance-turns.ts). */
  ownTurns: MaintenanceTurns;
  /** Median time a refresh took from its first request to its papers being searchable, ms. */
  refreshMedianMs: number;
  refreshCpu: CpuSplit;
  /** Import of `runningImportPapers` into the running bot: from the import's start until the bot searches them, ms. */
  runningImportPapers: number;
  runningImportWallMs: number;
  searchableAfterImportMs: number;
  runningImportCpu: CpuSplit;
  /** The same bot on a fresh copy of the data, refreshed with papers mostly already in the corpus. */
  mixed: MixedRefreshes;
  /** `npm run import` of the whole corpus into an empty database. */
  importWallMs: number;
  importPeakRssMb: number;
  importCpuS: number;
}

/** The issue's targets at 100k papers. */
export const SCALE_TARGETS = {
  onceWallMs: 2500,
  onceLoadingMs: 500,
  firstCommandMs: 2000,
  rssAfterStartMb: 350,
  rssGrowthShare: 0.1,
  stallMs: 50,
  importWallMs: 60_000,
  importPeakRssMb: 500,
} as const;

const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const millis = (ms: number): string => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a');
const megabytes = (mb: number): string => (Number.isFinite(mb) ? `${Math.round(mb)} MB` : 'n/a');
const spreadText = (s: Spread, unit: (n: number) => string): string => `${unit(s.min)} / ${unit(s.median)} / ${unit(s.max)}`;
const memoryText = (m: Memory): string => {
  const heap = m.heapCommittedMb === undefined ? megabytes(m.heapMb ?? NaN) : `${megabytes(m.heapMb ?? NaN)} used of ${megabytes(m.heapCommittedMb)} (young generation ${megabytes(m.youngMb ?? NaN)})`;
  const parts = m.heapMb === undefined || m.externalMb === undefined ? '' : `: JS heap ${heap}, external ${megabytes(m.externalMb)}`;
  return `${megabytes(m.plainMb)}${m.afterGcMb === undefined ? '' : ` (${megabytes(m.afterGcMb)} after GC${parts})`}`;
};
const cpuText = (c: CpuSplit): string => `bot ${c.botS.toFixed(1)} s, ${c.load} ${c.loadS.toFixed(1)} s`;
const count = (n: number): string => n.toLocaleString('en');
/** The after-GC figure when one could be forced, else the plain one. */
const settledMb = (m: Memory): number => m.afterGcMb ?? m.plainMb;
const perThousand = (mb: number, papers: number): string => `${(mb / (papers / 1000)).toFixed(2)} MB`;

/** RSS per 1,000 papers at start and after the all-new refreshes, and what each 1,000 added papers cost. */
function rssPerPaperText(r: ScaleRow): string {
  const start = settledMb(r.rssAfterStart);
  const after = settledMb(r.rssAfterRefreshes);
  const added = r.papersAfterRefreshes - r.papersAtStart;
  return `${perThousand(start, r.papersAtStart)} at start (${count(r.papersAtStart)} papers) → ${perThousand(after, r.papersAfterRefreshes)} after (${count(r.papersAfterRefreshes)}); `
    + `${added > 0 ? perThousand(after - start, added) : 'n/a'} per 1,000 added`;
}

/** One line of the table: what is measured, its target, and the value at each size. */
interface Line {
  what: string;
  target: string;
  value: (row: ScaleRow) => string;
}

const LINES: readonly Line[] = [
  { what: '`npm start -- --once "search diffusion"` wall, min / median / max', target: '≤ 2.5 s', value: (r) => spreadText(r.onceWall, seconds) },
  { what: '… of which loading data (database + papers, min / median / max)', target: '≤ 0.5 s', value: (r) => spreadText(r.onceLoading, seconds) },
  { what: '… of which Node and module loading before the first log line (median)', target: '', value: (r) => seconds(r.onceBoot.median) },
  { what: 'Slack-mode bot: spawn → first command acknowledged / answered', target: '≤ 2 s', value: (r) => `${seconds(r.slackFirst.ackMs)} / ${seconds(r.slackFirst.answerMs)}` },
  { what: 'Discord-mode bot: spawn → first command acknowledged / answered', target: '≤ 2 s', value: (r) => `${seconds(r.discordFirst.ackMs)} / ${seconds(r.discordFirst.answerMs)}` },
  { what: 'longest event-loop stall: start, after the adapters listen', target: '≤ 50 ms', value: (r) => millis(r.stallStartMs) },
  { what: 'RSS after start (Slack-mode bot of the all-new refreshes, settled)', target: '≤ 350 MB', value: (r) => memoryText(r.rssAfterStart) },
  { what: 'all-new refreshes: RSS after the refreshes (count × papers in the next line)', target: 'within 10% of start', value: (r) => `${memoryText(r.rssAfterRefreshes)}, ${growthText(r.rssAfterStart, r.rssAfterRefreshes)}` },
  { what: 'all-new refreshes run × papers each; median refresh to searchable', target: '20 × 1,000', value: (r) => `${r.refreshes} × ${r.refreshPapers.toLocaleString('en')}; ${seconds(r.refreshMedianMs)}` },
  { what: 'all-new refreshes: RSS per 1,000 papers in the bot (after GC), at start → after; per 1,000 papers added', target: '', value: rssPerPaperText },
  { what: 'all-new refreshes: longest stall in the first / any of them (index saves included)', target: '≤ 50 ms', value: (r) => `${millis(r.stallFirstRefreshMs)} / ${millis(r.stallAnyRefreshMs)}` },
  { what: 'mixed refreshes (a fresh copy of the data): RSS after start', target: '≤ 350 MB', value: (r) => memoryText(r.mixed.rssAfterStart) },
  { what: 'mixed refreshes: RSS after them', target: 'within 10% of start', value: (r) => `${memoryText(r.mixed.rssAfterRefreshes)}, ${growthText(r.mixed.rssAfterStart, r.mixed.rssAfterRefreshes)}` },
  { what: 'mixed refreshes: RSS after the first (warmed up) → after the last', target: '(flat)', value: (r) => `${memoryText(r.mixed.rssAfterFirstRefresh)} → ${megabytes(settledMb(r.mixed.rssAfterRefreshes))}, ${growthText(r.mixed.rssAfterFirstRefresh, r.mixed.rssAfterRefreshes)}` },
  {
    what: 'mixed refreshes run × (seen again + new); median refresh to searchable; the bot counted added / updated',
    target: '20 × (950 + 50)',
    value: (r) => `${r.mixed.refreshes} × (${count(r.mixed.existingEach)} + ${count(r.mixed.newEach)}); ${seconds(r.mixed.refreshMedianMs)}; ${count(r.mixed.added)} / ${count(r.mixed.updated)}`,
  },
  {
    what: 'mixed refreshes: longest stall in the first; each refresh\'s longest, min / median / max (control: the benchmark\'s own)',
    target: '≤ 50 ms',
    value: (r) => `${millis(r.mixed.stallFirstMs)}; ${spreadText(r.mixed.stallEachMs, millis)} (control ${millis(r.mixed.controlStallMs)})`,
  },
  { what: 'longest stall: `npm run import` into the running bot, until searchable', target: '≤ 50 ms', value: (r) => millis(r.stallImportMs) },
  { what: 'control: the benchmark\'s own longest stall in the same windows (start / all-new refreshes / import; high = machine busy)', target: '', value: (r) => `${millis(r.controlStallMs.start)} / ${millis(r.controlStallMs.refreshes)} / ${millis(r.controlStallMs.import)}` },
  {
    what: 'the bot\'s own longest turn in index maintenance, alone in one process (write 50 a transaction / catch-up / save; longest GC pause)',
    target: '≤ 50 ms',
    value: (r) => `${millis(r.ownTurns.writeMs)} / ${millis(r.ownTurns.catchUpMs)} / ${millis(r.ownTurns.saveMs)}; GC ${millis(r.ownTurns.gcMs)} (${r.ownTurns.rounds} × ${r.ownTurns.papersPerRound.toLocaleString('en')} papers, ${r.ownTurns.saves} saves)`,
  },
  { what: 'import into the running bot: papers; import wall; start → searchable in the bot', target: '≤ 30 s', value: (r) => `${r.runningImportPapers.toLocaleString('en')}; ${seconds(r.runningImportWallMs)}; ${seconds(r.searchableAfterImportMs)}` },
  { what: 'CPU during the all-new refreshes / the mixed refreshes', target: '', value: (r) => `${cpuText(r.refreshCpu)} / ${cpuText(r.mixed.cpu)}` },
  { what: 'CPU during the import into the running bot', target: '', value: (r) => cpuText(r.runningImportCpu) },
  { what: '`npm run import` of the corpus into an empty database: wall; peak RSS; CPU', target: '≤ 60 s; ≤ 500 MB', value: (r) => `${seconds(r.importWallMs)}; ${megabytes(r.importPeakRssMb)}; ${r.importCpuS.toFixed(1)} s` },
];

const bothAfterGc = (start: Memory, after: Memory): boolean => start.afterGcMb !== undefined && after.afterGcMb !== undefined;

/** RSS growth from `start` to `after`, on the after-GC figures when both have them. */
export function rssGrowth(start: Memory, after: Memory): number {
  const gc = bothAfterGc(start, after);
  const before = gc ? start.afterGcMb! : start.plainMb;
  return ((gc ? after.afterGcMb! : after.plainMb) - before) / before;
}

function growthText(start: Memory, after: Memory): string {
  const growth = rssGrowth(start, after);
  return `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)}%${bothAfterGc(start, after) ? ' after GC' : ''}`;
}

/** The table: one line per measurement, the target, then one column per corpus size. */
export function formatScaleTable(rows: readonly ScaleRow[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(['measured', 'target (100k)', ...rows.map((r) => `${r.papers.toLocaleString('en')} papers`)]),
    line(Array(2 + rows.length).fill('---')),
    ...LINES.map((l) => line([l.what, l.target, ...rows.map(l.value)])),
  ];
}

/** The notes printed under the table: how much each run of refreshes grew the corpus, which its RSS follows. */
export function formatScaleNotes(rows: readonly ScaleRow[]): string[] {
  const share = (from: number, to: number): string => `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%`;
  return rows.map((r) => `Note (${count(r.papers)}): the all-new run grows the corpus ${share(r.papersAtStart, r.papersAfterRefreshes)} `
    + `(${count(r.papersAtStart)} → ${count(r.papersAfterRefreshes)} papers) and the search index with it; `
    + `the mixed run grows it ${share(r.mixed.papersAtStart, r.mixed.papersAfterRefreshes)} (${count(r.mixed.papersAtStart)} → ${count(r.mixed.papersAfterRefreshes)}), so it is the one that tests flat memory.`);
}

/** A straight line through measured points: value = intercept + slope · papers. */
export interface LinearFit {
  intercept: number;
  slope: number;
}

/** Least-squares line through the points; undefined with fewer than two distinct sizes. */
export function fitLine(points: readonly (readonly [papers: number, value: number])[]): LinearFit | undefined {
  const usable = points.filter(([, value]) => Number.isFinite(value));
  if (new Set(usable.map(([papers]) => papers)).size < 2) return undefined;
  const n = usable.length;
  const meanX = usable.reduce((s, [x]) => s + x, 0) / n;
  const meanY = usable.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of usable) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

/** What is projected, how to read it from a row, and how to print it. */
const PROJECTED: readonly { what: string; value: (r: ScaleRow) => number; unit: (n: number) => string; per: (n: number) => string }[] = [
  { what: '`--once "search diffusion"` wall (median)', value: (r) => r.onceWall.median, unit: seconds, per: seconds },
  { what: 'loading data at start (median)', value: (r) => r.onceLoading.median, unit: seconds, per: seconds },
  { what: 'Slack-mode first command answered', value: (r) => r.slackFirst.answerMs, unit: seconds, per: seconds },
  { what: 'RSS after start', value: (r) => settledMb(r.rssAfterStart), unit: megabytes, per: megabytes },
  { what: 'longest stall in a 1,000-paper refresh (any)', value: (r) => r.stallAnyRefreshMs, unit: millis, per: millis },
  { what: '`npm run import` wall', value: (r) => r.importWallMs, unit: seconds, per: seconds },
  { what: '`npm run import` peak RSS', value: (r) => r.importPeakRssMb, unit: megabytes, per: megabytes },
];

/** The written projection to `target` papers, from a straight line through the measured sizes. */
export function formatProjection(rows: readonly ScaleRow[], target = 1_000_000): string[] {
  const sizes = rows.map((r) => r.papers.toLocaleString('en')).join(', ');
  const header = `Projection to ${target.toLocaleString('en')} papers (least-squares line through the sizes measured: ${sizes}; a straight line, so anything that grows faster than the corpus is underestimated):`;
  const lines: string[] = [];
  for (const p of PROJECTED) {
    const points = rows.map((r) => [r.papers, p.value(r)] as const);
    const fit = fitLine(points);
    if (!fit) continue;
    if (fit.slope <= 0) {
      // A figure that did not grow with the corpus (noise or load dominated it): a line would project nonsense.
      lines.push(`- ${p.what}: did not grow with the corpus here (${points.map(([, v]) => p.unit(v)).join(', ')}); no projection`);
      continue;
    }
    lines.push(`- ${p.what}: ${p.unit(fit.intercept + fit.slope * target)} (+${p.per(fit.slope * 100_000)} per 100k papers)`);
  }
  return lines.length === 0 ? [`Projection to ${target.toLocaleString('en')} papers: needs two or more sizes (e.g. --sizes 100000,300000).`] : [header, ...lines];
}
