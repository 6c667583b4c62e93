import type { Logger } from '../../logger.ts';
import {
  createPaper,
  InvalidPaperError,
  type Paper,
  type PaperDraft,
  type ParseOutcome,
  type Rejection,
  type SourceName,
} from '../paper.ts';

/**
 * The response body is not in the expected format at all: not JSON or not well-formed XML, no Atom
 * `<feed>` or RSS `<channel>` root, or not a JSON array where one is expected. Usually worth a retry
 * (arXiv sends an empty body when called too fast); never a per-item problem.
 */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

/** The arXiv API answered with its Error entry (e.g. `incorrect id format for 1234.12345`). */
export class ArxivApiError extends Error {
  override name = 'ArxivApiError';

  /**
   * @param message the Error entry's summary
   * @param errorId the Error entry's id (`http://arxiv.org/api/errors#…`)
   */
  constructor(
    message: string,
    readonly errorId?: string,
  ) {
    super(message);
  }
}

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
