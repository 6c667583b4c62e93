import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { PaperSchema, type ParseOutcome, type Paper } from '../paper.ts';
import type { Logger } from '../../logger.ts';

/** Characters of JSON written at a time, so a large file never becomes one string. */
const WRITE_CHUNK_CHARS = 256 * 2 ** 10;

/** Collects papers from JSON Lines, one line at a time, skipping (and logging) bad lines. */
class JsonLinesCollector {
  readonly papers: Paper[] = [];
  readonly rejected: ParseOutcome['rejected'] = [];
  private lineNo = 0;

  constructor(private readonly log: Logger) {}

  line(raw: string): void {
    const index = this.lineNo++;
    const line = raw.trim();
    if (line === '') return;
    let reason: string;
    try {
      const result = PaperSchema.safeParse(JSON.parse(line));
      if (result.success) {
        this.papers.push(shareDisplayText(result.data));
        return;
      }
      const issue = result.error.issues[0];
      reason = `line ${index + 1}: ${issue?.path.join('.') || 'paper'}: ${issue?.message ?? 'invalid'}`;
    } catch {
      reason = `line ${index + 1}: not JSON`;
    }
    this.rejected.push({ index, reason });
    this.log.warn({ source: 'jsonl', line: index + 1, reason }, 'skipped an invalid line');
  }
}

/** Most papers' display text equals their raw text: keep one string, not two equal copies. */
function shareDisplayText(paper: Paper): Paper {
  if (paper.titleDisplay === paper.title) paper.titleDisplay = paper.title;
  if (paper.abstractDisplay === paper.abstract) paper.abstractDisplay = paper.abstract;
  return paper;
}

/**
 * Parses the project's own JSON Lines format: one normalized {@link Paper} per line (blank lines
 * ignored). A bad line is skipped with its line number and reason; the rest survive.
 */
export function parseJsonLines(text: string, log: Logger): ParseOutcome {
  const collector = new JsonLinesCollector(log);
  for (const line of text.split('\n')) collector.line(line);
  return { papers: collector.papers, rejected: collector.rejected };
}

/** Writes items as JSON Lines to a temporary file renamed into place, so a crash never leaves a truncated file. */
export function writeJsonLinesFile(path: string, items: Iterable<unknown>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    let chunk = '';
    for (const item of items) {
      chunk += `${JSON.stringify(item)}\n`;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
