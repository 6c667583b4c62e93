/**
 * Writes every paper of the database out as JSON Lines, Paperboy's own format (what `npm run import`
 * reads back), in id order, page by page: any corpus size in little memory.
 *   npm run export -- FILE      (FILE '-' writes to standard output)
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ConfigError } from '../config.ts';
import type { PaperStore } from '../store/paper-store.port.ts';
import { DatabaseConnectionError } from '../store/postgres/connection-error.ts';
import { openCliStores } from './cli-stores.ts';

/** Papers read from the database per query. */
const PAGE = 1000;

/** Writes every paper as one JSON line to `out`; returns how many. */
export async function exportPapers(papers: PaperStore, out: Writable): Promise<number> {
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const page = await papers.list(after, PAGE);
    if (page.length === 0) return count;
    const chunk = page.map((paper) => `${JSON.stringify(paper)}\n`).join('');
    if (!out.write(chunk)) await once(out, 'drain');
    count += page.length;
    after = page.at(-1)!.id;
  }
}

async function main(args: string[]): Promise<number> {
  const [file] = args;
  if (!file || args.length > 1) {
    process.stderr.write('Usage: npm run export -- FILE   (every paper as JSON Lines; FILE - for standard output)\n');
    return 1;
  }
  const { stores } = await openCliStores();
  try {
    if (file === '-') {
      const count = await exportPapers(stores.papers, process.stdout);
      process.stderr.write(`Exported ${count} papers.\n`);
      return 0;
    }
    // Written beside the target and renamed, so a failed export never leaves half a file in its place.
    const temporary = `${file}.${process.pid}.tmp`;
    const out = createWriteStream(temporary);
    try {
      const count = await exportPapers(stores.papers, out);
      out.end();
      await once(out, 'finish');
      renameSync(temporary, file);
      process.stdout.write(`Exported ${count} papers to ${file}.\n`);
      return 0;
    } catch (error) {
      out.destroy();
      rmSync(temporary, { force: true });
      throw error;
    }
  } finally {
    await stores.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const reason = error instanceof DatabaseConnectionError ? error.message : String(error);
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Export failed: ${reason}\n`);
    process.exitCode = 1;
  },
);
