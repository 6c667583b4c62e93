import { PaperSchema, type ParseOutcome, type Paper } from '../paper.ts';
import type { Logger } from '../../logger.ts';

/**
 * Parses the project's own JSON Lines format: one normalized {@link Paper} per line (blank lines
 * ignored). A bad line is skipped with its line number and reason; the rest survive.
 */
export function parseJsonLines(text: string, log: Logger): ParseOutcome {
  const papers: Paper[] = [];
  const rejected: ParseOutcome['rejected'] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    let reason: string;
    try {
      const result = PaperSchema.safeParse(JSON.parse(line));
      if (result.success) {
        papers.push(result.data);
        continue;
      }
      const issue = result.error.issues[0];
      reason = `line ${index + 1}: ${issue?.path.join('.') || 'paper'}: ${issue?.message ?? 'invalid'}`;
    } catch {
      reason = `line ${index + 1}: not JSON`;
    }
    rejected.push({ index, reason });
    log.warn({ source: 'jsonl', line: index + 1, reason }, 'skipped an invalid line');
  }
  return { papers, rejected };
}

/** Serializes papers to JSON Lines, one per line, with a trailing newline. */
export function toJsonLines(papers: Iterable<Paper>): string {
  let out = '';
  for (const paper of papers) out += `${JSON.stringify(paper)}\n`;
  return out;
}
