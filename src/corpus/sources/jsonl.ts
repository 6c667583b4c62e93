import { closeSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { runSteps, type Steps } from '../../util/steps.ts';
import { StringDecoder } from 'node:string_decoder';
import { PaperSchema, type ParseOutcome, type Paper } from '../paper.ts';
import type { Logger } from '../../logger.ts';

/** Lines are read and written in chunks of this size, so a 100k-paper file never becomes one string. */
const CHUNK_BYTES = 4 * 2 ** 20;
/** Characters of JSON written per slice: about 10 ms of serializing, so the event loop is never held long. */
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

/** Calls `onLine` for each line of a UTF-8 file, reading it in chunks. */
export function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const lines = (pending + decoder.write(buffer.subarray(0, read))).split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    }
    pending += decoder.end();
    if (pending !== '') onLine(pending);
  } finally {
    closeSync(fd);
  }
}

/** Reads a JSON Lines file of papers without holding the whole file in memory. */
export function readJsonLinesFile(path: string, log: Logger): ParseOutcome {
  const collector = new JsonLinesCollector(log);
  forEachLine(path, (line) => collector.line(line));
  return { papers: collector.papers, rejected: collector.rejected };
}

/**
 * Writes items as JSON Lines in chunks, to a temporary file renamed into place, so a crash mid-write
 * never leaves a truncated file where a good one was. Pauses after each chunk (see {@link Steps}).
 */
export function* jsonLinesFileSteps(path: string, items: Iterable<unknown>): Steps<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    let chunk = '';
    for (const item of items) {
      chunk += `${JSON.stringify(item)}\n`;
      if (chunk.length >= WRITE_CHUNK_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
        yield;
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** {@link jsonLinesFileSteps} at once. */
export function writeJsonLinesFile(path: string, items: Iterable<unknown>): void {
  runSteps(jsonLinesFileSteps(path, items));
}
