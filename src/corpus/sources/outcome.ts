/* What parsing a response produced: papers gathered one by one (bad items skipped and logged), and pages joined. */
import type { Logger } from '../../logger.ts';
import { createPaper, InvalidPaperError, type Paper, type PaperDraft, type ParseOutcome, type Rejection, type SourceName } from '../paper.ts';

/**
 * Gathers one response's papers and the items skipped on the way. Every skip is recorded with its reason
 * and logged as `skipped an invalid item`, the same way for all sources.
 */
export class OutcomeCollector {
  private readonly papers: Paper[] = [];
  private readonly rejected: Rejection[] = [];

  constructor(
    readonly source: SourceName,
    private readonly log: Logger,
  ) {}

  /** Normalizes `draft` into a paper, or skips the item with the reason {@link createPaper} gives. */
  add(item: Omit<Rejection, 'reason'>, draft: PaperDraft): void {
    try {
      this.papers.push(createPaper(draft));
    } catch (error) {
      if (!(error instanceof InvalidPaperError)) throw error;
      this.reject(item, error.message);
    }
  }

  /** Skips an item: records it with `reason` and logs a warning. */
  reject(item: Omit<Rejection, 'reason'>, reason: string): void {
    this.rejected.push({ ...item, reason });
    this.log.warn({ source: this.source, ...item, reason }, 'skipped an invalid item');
  }

  /** The papers and rejections so far. */
  outcome(): ParseOutcome {
    return { papers: [...this.papers], rejected: [...this.rejected] };
  }
}

/**
 * Joins the outcomes of several pages into one: papers in order with later duplicates (same id)
 * dropped, rejections with their `index` shifted to the position in the joined batch.
 */
export function mergeOutcomes(pages: ReadonlyArray<{ outcome: ParseOutcome; offset: number }>): ParseOutcome {
  const seen = new Set<string>();
  const merged: ParseOutcome = { papers: [], rejected: [] };
  for (const { outcome, offset } of pages) {
    for (const paper of outcome.papers) {
      if (seen.has(paper.id)) continue;
      seen.add(paper.id);
      merged.papers.push(paper);
    }
    for (const rejection of outcome.rejected) {
      merged.rejected.push(rejection.index === undefined ? rejection : { ...rejection, index: rejection.index + offset });
    }
  }
  return merged;
}
