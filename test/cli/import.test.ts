import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createPaper } from '../../src/corpus/paper.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = (name: string) => join(root, 'test/fixtures', name);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-import-'));
  dirs.push(dir);
  return dir;
}

async function cli(script: 'import' | 'export', args: string[], dataDir: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

async function paperCount(dataDir: string): Promise<number> {
  const stores = openSqliteStores(join(dataDir, 'paperboy.db'));
  try {
    return await stores.papers.count();
  } finally {
    await stores.close();
  }
}

/** One minimal JSON Lines paper about wombats. */
function wombat(i: number): string {
  return JSON.stringify({ id: `2701.${String(i).padStart(5, '0')}`, title: `Wombat study ${i}`, abstract: 'We look at wombats.' });
}

/** A JSON Lines file of `count` minimal papers (`2701.NNNNN`), each with a word of its own to search for. */
function minimalLines(count: number, word = 'wombat'): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `2701.${String(i).padStart(5, '0')}`;
    lines.push(JSON.stringify({ id, title: `${word} study number ${i}`, abstract: `We look at ${word}s, case ${i}, in depth.`, authors: ['Ada Lovelace', 'Alan Turing'], date: '2027-01-15', upvotes: i % 50 }));
  }
  return `${lines.join('\n')}\n`;
}

describe('npm run import (backfill into the database)', { timeout: 120_000 }, () => {
  it('loads every supported format and reports added, updated and rejected with reasons', async () => {
    const dataDir = tempDir();
    const archive = join(dataDir, 'archive.jsonl');
    const garbage = join(dataDir, 'notes.txt');
    const paper = createPaper({ arxivId: '2601.04242', title: 'Wombat Attention for Burrow Mapping', abstract: 'We map burrows.', source: 'import' });
    writeFileSync(archive, `${JSON.stringify(paper)}\n{"id": "broken"}\n`);
    writeFileSync(garbage, 'shopping list\n\nmilk\n');
    const { stdout, code } = await cli('import', [fixtures('hf-daily-papers.json'), fixtures('arxiv-query.atom.xml'), fixtures('arxiv-rss-cs-LG.xml'), archive, garbage], dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain('hf-daily-papers.json: hf-daily, 8 papers read, 0 rejected');
    expect(stdout).toContain('arxiv-rss-cs-LG.xml: arxiv-rss, 4 papers read, 0 rejected');
    // 8 HF + 5 arXiv API + 2 RSS-only + 1 from the archive; RSS repeats Titans and DeepSeek-R1.
    expect(stdout).toContain('Added 16, updated 2, unchanged 0, rejected 2. Corpus: 16 papers.');
    expect(stdout).toMatch(/rejected: .*archive\.jsonl #2: line 2: needs "id" or "arxivId"|rejected: .*archive\.jsonl #2: line 2: /);
    expect(stdout).toMatch(/rejected: .*notes\.txt: no papers found in this file/);

    const again = await cli('import', [fixtures('arxiv-query.atom.xml'), archive], dataDir);
    expect(again.stdout).toContain('Added 0,');
    expect(again.stdout).toContain('Corpus: 16 papers.');
  });

  it('fails with a usage line when given no files, and with a reason for a missing one', async () => {
    const dataDir = tempDir();
    expect((await cli('import', [], dataDir)).code).toBe(1);
    const missing = await cli('import', [join(dataDir, 'nope.json')], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/nope\.json: refused: cannot read \(ENOENT\)/);
  });

  it('takes minimal JSON Lines and fills in the rest; reports each bad line by number and keeps the others', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'mine.jsonl');
    writeFileSync(file, [
      '{"id": "2501.12948", "title": "DeepSeek-R1", "abstract": "Reasoning via RL.", "authors": "Ada Lovelace, Alan Turing", "publishedAt": "2025-01-22", "upvotes": 7}',
      '{"arxivId": "https://arxiv.org/abs/2302.04953v2", "title": "The Monge Gap", "abstract": "A regularizer.", "url": "https://example.org/monge"}',
      '{"id": "not-an-id", "title": "T", "abstract": "A"}',
      '{"title": "No id", "abstract": "x"}',
      '{"id": "2501.00001", "title": "Half a line',
      '',
      '{"id": "2501.00002", "title": "Fine after the broken ones", "abstract": "ok"}',
    ].join('\n'));
    const { stdout, code } = await cli('import', [file], dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain('mine.jsonl: jsonl, 3 papers read, 3 rejected');
    expect(stdout).toMatch(/mine\.jsonl #3: line 3: id: "not-an-id" is not an arXiv id/);
    expect(stdout).toMatch(/mine\.jsonl #4: line 4: .*needs "id" or "arxivId"/);
    expect(stdout).toMatch(/mine\.jsonl #5: line 5: not JSON/);
    const stores = openSqliteStores(join(dataDir, 'paperboy.db'));
    try {
      const r1 = (await stores.papers.get('2501.12948'))!;
      expect(r1).toMatchObject({ authors: ['Ada Lovelace', 'Alan Turing'], publishedAt: '2025-01-22T00:00:00.000Z', signals: { upvotes: 7 }, sources: ['import'] });
      expect(r1.links.abs).toBe('https://arxiv.org/abs/2501.12948');
      expect((await stores.papers.get('2302.04953'))?.links.project).toBe('https://example.org/monge');
    } finally {
      await stores.close();
    }
  });

  it('never re-reads a JSON Lines file as another format because its first line is broken', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'broken-first.jsonl');
    writeFileSync(file, `{"id": "2501.00001", "title": "Cut sho\n${wombat(2)}\n${wombat(3)}\n`);
    const { stdout, code } = await cli('import', [file], dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain('broken-first.jsonl: jsonl, 2 papers read, 1 rejected');
    expect(stdout).toMatch(/broken-first\.jsonl #1: line 1: not JSON/);
  });

  it('refuses binary files and XML with entity definitions, imports the other files, and caps oversized fields', async () => {
    const dataDir = tempDir();
    const binary = join(dataDir, 'photo.jsonl');
    writeFileSync(binary, Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02]));
    const bomb = join(dataDir, 'bomb.xml');
    writeFileSync(bomb, '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>\n');
    const huge = join(dataDir, 'huge.jsonl');
    const longAbstract = 'word '.repeat(40_000);
    const authors = Array.from({ length: 3000 }, (_, i) => `Author ${i}`);
    writeFileSync(huge, [
      JSON.stringify({ id: '2601.11111', title: 'A paper with a very long abstract', abstract: longAbstract, authors }),
      JSON.stringify({ id: '2601.22222', title: 'T'.repeat(5000), abstract: 'x' }),
      JSON.stringify({ id: '2601.33333', title: 'An ordinary paper', abstract: 'Short.' }),
    ].join('\n'));
    const { stdout, code } = await cli('import', [binary, bomb, huge, fixtures('hf-daily-papers.json')], dataDir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/photo\.jsonl: refused: not a text file \(it contains NUL bytes\)/);
    expect(stdout).toMatch(/bomb\.xml: refused: XML with a DOCTYPE or entity definitions is refused/);
    expect(stdout).toContain('huge.jsonl: jsonl, 2 papers read, 1 rejected, 1 cut to size');
    expect(stdout).toMatch(/huge\.jsonl #2: line 2: the title is 5000 characters long/);
    expect(stdout).toContain('hf-daily-papers.json: hf-daily, 8 papers read, 0 rejected');
    const stores = openSqliteStores(join(dataDir, 'paperboy.db'));
    try {
      const cut = (await stores.papers.get('2601.11111'))!;
      expect(cut.abstract.length).toBeLessThanOrEqual(20_000);
      expect(cut.abstract.endsWith('…')).toBe(true);
      expect(cut.authors).toHaveLength(500);
    } finally {
      await stores.close();
    }
  });

  it('exits 1 only when nothing at all could be imported', async () => {
    const dataDir = tempDir();
    const binary = join(dataDir, 'a.bin');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3]));
    expect((await cli('import', [binary], dataDir)).code).toBe(1);
  });

  it('exports every paper as JSON Lines that import back to the same papers', async () => {
    const dataDir = tempDir();
    await cli('import', [fixtures('hf-daily-papers.json'), fixtures('arxiv-query.atom.xml')], dataDir);
    const out = join(dataDir, 'export.jsonl');
    const exported = await cli('export', [out], dataDir);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 13 papers');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(13);
    const elsewhere = tempDir();
    const reimported = await cli('import', [out], elsewhere);
    expect(reimported.stdout).toContain('Added 13, updated 0, unchanged 0, rejected 0. Corpus: 13 papers.');
    const back = join(elsewhere, 'back.jsonl');
    await cli('export', [back], elsewhere);
    expect(readFileSync(back, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('leaves a consistent database when killed mid-import, and a rerun completes it with every paper once', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'big.jsonl');
    const total = 20_000;
    writeFileSync(file, minimalLines(total));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], { cwd: root, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' }, stdio: 'ignore' });
    const dbPath = join(dataDir, 'paperboy.db');
    // Kill it once some batches have landed, while it is still writing.
    for (let waited = 0; ; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      let landed = 0;
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try { landed = (db.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n; } finally { db.close(); }
      } catch { /* not created yet */ }
      if (landed > 0 || waited > 60_000) break;
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const partial = await paperCount(dataDir);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);
    expect(partial % 500).toBe(0); // whole batches only
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const rerun = await cli('import', [file], dataDir);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`Added ${total - partial}, updated 0, unchanged ${partial}, rejected 0. Corpus: ${total} papers.`);
  });
});
