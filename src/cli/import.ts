/**
 * Backfill: loads papers from files into the database, while the bot runs or not.
 *   npm run import -- FILE...
 * Reads JSON Lines (Paperboy's export format, or minimal lines with an arXiv id, title and abstract) of any
 * size line by line, and Hugging Face Daily Papers or paper JSON, arXiv API Atom, arXiv RSS or the trending
 * page text (up to 64 MB each). Papers are written in transactions of a few hundred; a running bot picks
 * them up within seconds. Exits 1 only when nothing could be imported.
 */
import { systemClock } from '../clock.ts';
import { ConfigError } from '../config.ts';
import { importFile, type FileImportReport, type ImportProgress } from '../library/importer.ts';
import { DatabaseConnectionError } from '../store/postgres/connection-error.ts';
import { openCliStores } from './cli-stores.ts';

const SHOWN_REASONS = 5;
/** How often the progress line is redrawn on a terminal. */
const PROGRESS_EVERY_MS = 250;

async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('Usage: npm run import -- FILE...\n  (JSON Lines, HF daily_papers/paper JSON, arXiv Atom or RSS XML, trending page text)\n');
    return 1;
  }
  const { stores, log } = await openCliStores();
  const started = performance.now();
  const reports: FileImportReport[] = [];
  try {
    for (const file of files) {
      const progress = progressLine(file, performance.now());
      const report = await importFile(file, { store: stores.papers, observedAt: systemClock.now(), log, onProgress: progress.update });
      progress.done();
      reports.push(report);
      process.stdout.write(`${fileSummary(report)}\n`);
    }
    const total = sum(reports);
    const papers = await stores.papers.count();
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `Added ${total.added}, updated ${total.updated}, unchanged ${total.unchanged}, rejected ${total.rejected}` +
        `${total.cut > 0 ? `, cut to size ${total.cut}` : ''}. Corpus: ${papers} papers. ` +
        `${total.read.toLocaleString('en')} papers in ${seconds.toFixed(1)} s.\n`,
    );
    const reasons = reports.flatMap((r) =>
      r.refused ? [`${r.file}: ${r.refused}`] : r.rejected.map((x) => `${r.file}${x.index !== undefined ? ` #${x.index + 1}` : ''}: ${x.reason}`),
    );
    for (const reason of reasons.slice(0, SHOWN_REASONS)) process.stdout.write(`  rejected: ${reason}\n`);
    if (reasons.length > SHOWN_REASONS) process.stdout.write(`  … and ${reasons.length - SHOWN_REASONS} more\n`);
    return total.read === 0 && (total.rejected > 0 || reports.some((r) => r.refused)) ? 1 : 0;
  } finally {
    await stores.close();
  }
}

function fileSummary(report: FileImportReport): string {
  if (report.refused) return `${report.file}: refused: ${report.refused}`;
  const cut = report.cut > 0 ? `, ${report.cut} cut to size` : '';
  return `${report.file}: ${report.format ?? 'unknown format'}, ${plural(report.read, 'paper')} read, ${report.rejected.length} rejected${cut}`;
}

function sum(reports: readonly FileImportReport[]) {
  const total = { read: 0, added: 0, updated: 0, unchanged: 0, rejected: 0, cut: 0 };
  for (const r of reports) {
    total.read += r.read;
    total.added += r.added;
    total.updated += r.updated;
    total.unchanged += r.unchanged;
    total.rejected += r.rejected.length + (r.refused ? 1 : 0);
    total.cut += r.cut;
  }
  return total;
}

/** A progress line redrawn on stderr when it is a terminal (papers, rate, share of the file, ETA); silent otherwise. */
function progressLine(file: string, started: number): { update: (p: ImportProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const rate = p.papers / Math.max(0.001, (now - started) / 1000);
      const share = p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0;
      const eta = share > 0 && share < 1 ? ((now - started) / 1000) * (1 / share - 1) : 0;
      process.stderr.write(`\r${file}: ${p.papers.toLocaleString('en')} papers · ${Math.round(rate).toLocaleString('en')}/s · ${Math.round(share * 100)}% · ETA ${Math.ceil(eta)} s   `);
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const reason = error instanceof DatabaseConnectionError ? error.message : String(error);
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Import failed: ${reason}\n`);
    process.exitCode = 1;
  },
);
