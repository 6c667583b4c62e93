/**
 * Writes the bundled corpus from a saved copy of the Hugging Face trending papers page:
 *   npm run bundle -- path/to/hf-trending-papers-page.txt
 * The result, data/bundled-papers.jsonl, is committed; the running bot never reads the page itself.
 */
import { readFileSync } from 'node:fs';
import { bundledCorpusPath } from '../corpus/bundled.ts';
import { parseTrendingPage } from '../corpus/sources/trending-page.ts';
import { writeJsonLinesFile } from '../corpus/sources/jsonl.ts';
import { createLogger } from '../logger.ts';

const [pagePath] = process.argv.slice(2);
if (!pagePath) {
  process.stderr.write('Usage: npm run bundle -- <trending-page.txt>\n');
  process.exit(1);
}
const { papers, rejected } = parseTrendingPage(readFileSync(pagePath, 'utf8'), createLogger('warn'));
writeJsonLinesFile(bundledCorpusPath, papers);
process.stdout.write(`${papers.length} papers written to ${bundledCorpusPath}; ${rejected.length} skipped\n`);
