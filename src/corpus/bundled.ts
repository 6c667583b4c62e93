import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Paper } from './paper.ts';
import { parseJsonLines } from './sources/jsonl.ts';
import type { Logger } from '../logger.ts';

/** The bundled corpus file: the 74 papers of the Hugging Face trending page, in page order. */
export const bundledCorpusPath = fileURLToPath(new URL('../../data/bundled-papers.jsonl', import.meta.url));

/** Reads the bundled corpus. It ships with the project, so a bad line is a bug: this throws on one. */
export function loadBundledPapers(log: Logger, path: string = bundledCorpusPath): Paper[] {
  const { papers, rejected } = parseJsonLines(readFileSync(path, 'utf8'), log);
  if (rejected.length > 0) throw new Error(`${path} has ${rejected.length} invalid lines; first: ${rejected[0]!.reason}`);
  return papers;
}
