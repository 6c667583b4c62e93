/**
 * Backfill: loads papers from files into the corpus and index in the data directory.
 *   npm run import -- FILE...
 * Reads JSON Lines (one Paper per line), Hugging Face Daily Papers or paper JSON, arXiv API Atom, arXiv
 * RSS, or the trending page text; reports how many papers were added, updated and rejected.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../clock.ts';
import { ConfigError, readConfig } from '../config.ts';
import { importText } from '../corpus/import-file.ts';
import { createLogger } from '../logger.ts';
import { openPaperLibrary, saveLibrary } from '../paper-library.ts';
import { snapshotsOf } from '../scheduler/source-refresh.ts';
import { parseDatabaseUrl } from '../store/database-url.ts';
import { openSqliteStores } from '../store/sqlite/sqlite-store.ts';

const SHOWN_REASONS = 5;

async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('Usage: npm run import -- FILE...\n  (JSON Lines, HF daily_papers/paper JSON, arXiv Atom or RSS XML, trending page text)\n');
    return 1;
  }
  if (typeof process.loadEnvFile === 'function') {
    try { process.loadEnvFile(); } catch { /* no .env file */ }
  }
  const config = readConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = parseDatabaseUrl(config.databaseUrl);
  if (database.kind !== 'sqlite') throw new ConfigError('DATABASE_URL: the PostgreSQL store does not exist yet; use sqlite:./data/paperboy.db');
  const stores = openSqliteStores(database.path, { log });
  const library = await openPaperLibrary({ dataDir: config.dataDir, log, clock: systemClock });
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  const reasons: string[] = [];
  let rejected = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      rejected++;
      reasons.push(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    const result = importText(text, { observedAt: systemClock.now(), log });
    const report = library.ingest(result.papers);
    await stores.snapshots.append(snapshotsOf(result.papers));
    added += report.added.length;
    updated += report.updated.length;
    unchanged += report.unchanged;
    rejected += result.rejected.length;
    for (const r of result.rejected) reasons.push(`${file}${r.index !== undefined ? ` #${r.index + 1}` : ''}: ${r.reason}`);
    process.stdout.write(`${file}: ${result.format ?? 'unknown format'}, ${plural(result.papers.length, "paper")} read, ${result.rejected.length} rejected\n`);
  }
  await saveLibrary(library, config.dataDir);
  await stores.close();
  process.stdout.write(`Added ${added}, updated ${updated}, unchanged ${unchanged}, rejected ${rejected}. Corpus: ${library.corpus.size} papers.\n`);
  for (const reason of reasons.slice(0, SHOWN_REASONS)) process.stdout.write(`  rejected: ${reason}\n`);
  if (reasons.length > SHOWN_REASONS) process.stdout.write(`  … and ${reasons.length - SHOWN_REASONS} more\n`);
  return rejected > 0 && added + updated + unchanged === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Import failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
