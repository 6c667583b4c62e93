import { referenceTime, type Paper } from '../corpus/paper.ts';
import type { PaperFacts } from '../index/paper-index.ts';

/** The trending windows users can ask for. */
export const TRENDING_WINDOWS = ['today', 'week', 'month'] as const;
/** A trending window. */
export type TrendingWindow = (typeof TRENDING_WINDOWS)[number];

/** Days a paper stays in each window, counted back from now. */
export const WINDOW_DAYS: Record<TrendingWindow, number> = { today: 1, week: 7, month: 30 };

/** Attention halves every this many days of age, per window: a month list forgives age more. */
export const HALF_LIFE_DAYS: Record<TrendingWindow, number> = { today: 1, week: 3, month: 10 };

/** Weights of the attention sum. */
export const ATTENTION_WEIGHTS = { upvote: 1, recentUpvote: 2, comment: 3, starsLog2: 5 } as const;

/** Velocity is measured over this span. */
export const VELOCITY_WINDOW_MS = 24 * 3_600_000;

/** Everything the score is computed from, returned beside it so a card can say why a paper ranks. */
export interface TrendingInputs {
  upvotes?: number;
  /** Upvotes gained over `gainedOverHours` (at most 24 h), from signal snapshots. */
  upvotesGained?: number;
  gainedOverHours?: number;
  comments?: number;
  githubStars?: number;
  /** Hours since the paper was featured (or published); undefined for undated papers. */
  ageHours?: number;
  /** Position on the bundled trending page, for papers without signals. */
  bundledRank?: number;
}

/** One ranked paper with its score and the inputs behind it. */
export interface TrendingEntry {
  paper: Paper;
  score: number;
  inputs: TrendingInputs;
}

/** One ranked paper, known by its facts only (the paper itself is read for the few that are shown). */
export interface RankedFacts {
  facts: PaperFacts;
  score: number;
  inputs: TrendingInputs;
}

/** Where upvote velocity comes from (the signal history). */
export type VelocitySource = (paperId: string, now: Date, windowMs: number) => { gained: number; hours: number } | undefined;

/** The facts of a paper that ranking reads. */
export function factsOfPaper(paper: Paper): PaperFacts {
  const reference = referenceTime(paper);
  const facts: PaperFacts = { id: paper.id };
  if (reference !== undefined) facts.referenceMs = reference;
  if (paper.signals?.upvotes !== undefined) facts.upvotes = paper.signals.upvotes;
  if (paper.signals?.comments !== undefined) facts.comments = paper.signals.comments;
  if (paper.signals?.githubStars !== undefined) facts.githubStars = paper.signals.githubStars;
  if (paper.bundledRank !== undefined) facts.bundledRank = paper.bundledRank;
  return facts;
}

/** The inputs of the score for one paper at `now`. */
export function trendingInputs(facts: PaperFacts, now: Date, velocity: VelocitySource): TrendingInputs {
  const gained = velocity(facts.id, now, VELOCITY_WINDOW_MS);
  const inputs: TrendingInputs = {
    upvotes: facts.upvotes,
    upvotesGained: gained?.gained,
    gainedOverHours: gained?.hours,
    comments: facts.comments,
    githubStars: facts.githubStars,
    ageHours: facts.referenceMs === undefined ? undefined : Math.max(0, (now.getTime() - facts.referenceMs) / 3_600_000),
    bundledRank: facts.bundledRank,
  };
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => v !== undefined)) as TrendingInputs;
}

/**
 * The trending score, in one place:
 *
 *   attention = upvotes + 2 × upvotes gained in the last 24 h + 3 × comments + 5 × log2(1 + GitHub stars)
 *   score     = attention × 0.5 ^ (age in days / half-life of the window)
 *
 * Half-lives: today 1 day, week 3 days, month 10 days. Undated papers are not decayed. Papers with no
 * signals score 0 and keep their source order (the bundled page rank).
 */
export function trendingScore(inputs: TrendingInputs, window: TrendingWindow): number {
  const w = ATTENTION_WEIGHTS;
  const attention =
    w.upvote * (inputs.upvotes ?? 0) +
    w.recentUpvote * (inputs.upvotesGained ?? 0) +
    w.comment * (inputs.comments ?? 0) +
    w.starsLog2 * Math.log2(1 + (inputs.githubStars ?? 0));
  if (inputs.ageHours === undefined) return attention;
  return attention * 0.5 ** (inputs.ageHours / 24 / HALF_LIFE_DAYS[window]);
}

/** Whether a dated paper belongs in a window (undated papers are decided by {@link rankTrending}). */
export function inWindow(facts: PaperFacts, window: TrendingWindow, now: Date): boolean {
  if (facts.referenceMs === undefined) return false;
  const age = now.getTime() - facts.referenceMs;
  return age <= WINDOW_DAYS[window] * 86_400_000 && age >= -86_400_000;
}

/**
 * Ranks papers for a window: score, then bundled page order, then newest, then id. Undated papers (the
 * bundled trending page) stand in only when no dated paper falls in the window, so they never crowd out
 * what the sources brought.
 */
export function rankTrending(
  papers: Iterable<PaperFacts>,
  options: { window: TrendingWindow; now: Date; velocity: VelocitySource; limit?: number },
): RankedFacts[] {
  const dated: PaperFacts[] = [];
  const undated: PaperFacts[] = [];
  for (const facts of papers) {
    if (facts.referenceMs === undefined) undated.push(facts);
    else if (inWindow(facts, options.window, options.now)) dated.push(facts);
  }
  const entries = (dated.length > 0 ? dated : undated).map((facts) => {
    const inputs = trendingInputs(facts, options.now, options.velocity);
    return { facts, inputs, score: trendingScore(inputs, options.window) };
  });
  entries.sort(
    (a, b) =>
      b.score - a.score ||
      (a.inputs.bundledRank ?? Infinity) - (b.inputs.bundledRank ?? Infinity) ||
      (b.facts.referenceMs ?? 0) - (a.facts.referenceMs ?? 0) ||
      a.facts.id.localeCompare(b.facts.id),
  );
  return options.limit === undefined ? entries : entries.slice(0, options.limit);
}

/** `1234` → `1.2k`, `12345` → `12k`, `1_500_000` → `1.5M`. */
export function compactNumber(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${n < 10_000 ? (n / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

function ageText(hours: number): string {
  if (hours < 1) return 'new';
  if (hours < 24) return `${Math.floor(hours)} h old`;
  const days = Math.floor(hours / 24);
  return `${days} ${days === 1 ? 'day' : 'days'} old`;
}

/** Why a paper ranks, in one line: `▲ 142 (+38 in 24 h) · 💬 9 · ★ 1.2k · 2 days old`. */
export function explainTrending(inputs: TrendingInputs): string {
  const parts: string[] = [];
  if (inputs.upvotes !== undefined) {
    const gained = inputs.upvotesGained
      ? ` (+${inputs.upvotesGained} in ${Math.max(1, Math.round(inputs.gainedOverHours ?? 24))} h)`
      : '';
    parts.push(`▲ ${compactNumber(inputs.upvotes)}${gained}`);
  }
  if (inputs.comments !== undefined) parts.push(`💬 ${compactNumber(inputs.comments)}`);
  if (inputs.githubStars !== undefined) parts.push(`★ ${compactNumber(inputs.githubStars)}`);
  if (inputs.ageHours !== undefined) parts.push(ageText(inputs.ageHours));
  if (parts.length === 0 && inputs.bundledRank !== undefined) parts.push(`#${inputs.bundledRank} on the trending page`);
  return parts.join(' · ');
}
