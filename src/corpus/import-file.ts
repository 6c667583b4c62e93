import type { Logger } from '../logger.ts';
import type { ParseOutcome } from './paper.ts';
import { parseArxivAtom } from './sources/arxiv-atom.ts';
import { parseArxivRss } from './sources/arxiv-rss.ts';
import { ArxivApiError, MalformedResponseError } from './sources/errors.ts';
import { parseHfDailyPapers } from './sources/hf-daily.ts';
import { parseHfPaperDetail } from './sources/hf-paper.ts';
import { parseJsonLines } from './sources/jsonl.ts';
import { parseTrendingPage } from './sources/trending-page.ts';

/** The file formats the backfill command reads. */
export type ImportFormat = 'jsonl' | 'hf-daily' | 'hf-paper' | 'arxiv-atom' | 'arxiv-rss' | 'trending-page';

/**
 * Recognizes a file's format from its content (never from its name alone, which may lie). `text` may be
 * only the start of a large file (`truncated`). A first line holding one complete object with an abstract
 * means JSON Lines; a first line that is not a whole object is JSON Lines with a broken first line unless
 * the text is one pretty-printed object (a Hugging Face paper): a broken line is reported by its number,
 * never re-read as another format.
 */
export function detectFormat(text: string, truncated = false): ImportFormat | undefined {
  const start = text.trimStart();
  if (start.startsWith('<')) {
    if (/<feed[\s>]/.test(start.slice(0, 2000))) return 'arxiv-atom';
    if (/<rss[\s>]/.test(start.slice(0, 2000))) return 'arxiv-rss';
    return undefined;
  }
  if (start.startsWith('[')) return 'hf-daily';
  if (start.startsWith('{')) {
    const newline = start.indexOf('\n');
    const firstLine = (newline === -1 ? start : start.slice(0, newline)).trim();
    let first: unknown;
    try {
      first = JSON.parse(firstLine);
    } catch {
      first = undefined;
    }
    if (first && typeof first === 'object') {
      if ('abstract' in first || 'titleDisplay' in first) return 'jsonl';
      // One object alone in the file, without an abstract: a Hugging Face paper (its text is `summary`).
      return start.slice(firstLine.length).trim() === '' && !truncated ? 'hf-paper' : 'jsonl';
    }
    if (firstLine === '{') return 'hf-paper';
    return 'jsonl';
  }
  return start.length > 0 ? 'trending-page' : undefined;
}

/** What importing one file produced. */
export interface FileImport extends ParseOutcome {
  format: ImportFormat | undefined;
}

/**
 * Parses one file of any supported format into papers. A file-level problem (unknown format, not JSON,
 * an arXiv error feed) becomes a single rejection; item-level problems reject only those items.
 */
export function importText(text: string, options: { observedAt: Date; log: Logger }): FileImport {
  const result = parseByFormat(text, options);
  if (result.papers.length === 0 && result.rejected.length === 0) {
    return { ...result, rejected: [{ reason: 'no papers found in this file' }] };
  }
  return result;
}

function parseByFormat(text: string, options: { observedAt: Date; log: Logger }): FileImport {
  const format = detectFormat(text);
  const ctx = { observedAt: options.observedAt, log: options.log };
  try {
    switch (format) {
      case 'jsonl': return { format, ...parseJsonLines(text, options.log) };
      case 'hf-daily': return { format, ...parseHfDailyPapers(JSON.parse(text), ctx) };
      case 'hf-paper': return { format, ...parseHfPaperDetail(JSON.parse(text), ctx) };
      case 'arxiv-atom': {
        const { papers, rejected } = parseArxivAtom(text, ctx);
        return { format, papers, rejected };
      }
      case 'arxiv-rss': {
        const { papers, rejected } = parseArxivRss(text, ctx);
        return { format, papers, rejected };
      }
      case 'trending-page': return { format, ...parseTrendingPage(text, options.log) };
      case undefined: return { format, papers: [], rejected: [{ reason: 'not a format Paperboy reads (JSON Lines, HF JSON, arXiv Atom or RSS, trending page text)' }] };
    }
  } catch (error) {
    if (error instanceof SyntaxError) return { format, papers: [], rejected: [{ reason: `not valid JSON: ${error.message}` }] };
    if (error instanceof MalformedResponseError || error instanceof ArxivApiError) {
      return { format, papers: [], rejected: [{ reason: error.message }] };
    }
    throw error;
  }
}
