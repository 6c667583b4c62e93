import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createPaper } from '../../src/corpus/paper.ts';
import { CORPUS_FILES } from '../../src/corpus/corpus-file.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = (name: string) => join(root, 'test/fixtures', name);
const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-import-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function importFiles(files: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...files], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { stdout: failed.stdout, code: failed.code };
  }
}

describe('npm run import (backfill)', () => {
  const archive = join(dataDir, 'archive.jsonl');
  const garbage = join(dataDir, 'notes.txt');
  const paper = createPaper({ arxivId: '2601.04242', title: 'Wombat Attention for Burrow Mapping', abstract: 'We map burrows.', source: 'import' });
  writeFileSync(archive, `${JSON.stringify(paper)}\n{"id": "broken"}\n`);
  writeFileSync(garbage, 'shopping list\n\nmilk\n');

  it('loads every supported format and reports added, updated and rejected with reasons', async () => {
    const { stdout, code } = await importFiles([
      fixtures('hf-daily-papers.json'),
      fixtures('arxiv-query.atom.xml'),
      fixtures('arxiv-rss-cs-LG.xml'),
      archive,
      garbage,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('hf-daily-papers.json: hf-daily, 8 papers read, 0 rejected');
    expect(stdout).toContain('arxiv-rss-cs-LG.xml: arxiv-rss, 4 papers read, 0 rejected');
    // 8 HF + 5 arXiv API + 2 RSS-only + 1 from the archive; RSS repeats Titans and DeepSeek-R1.
    expect(stdout).toContain('Added 16, updated 2, unchanged 0, rejected 2. Corpus: 90 papers.');
    expect(stdout).toMatch(/rejected: .*archive\.jsonl #2: line 2: /);
    expect(stdout).toMatch(/rejected: .*notes\.txt: no papers found in this file/);
    expect(existsSync(join(dataDir, CORPUS_FILES.index))).toBe(true);
    const saved = readFileSync(join(dataDir, CORPUS_FILES.papers), 'utf8').trim().split('\n');
    expect(saved).toHaveLength(90);
  });

  it('adds nothing twice when the same files are imported again', async () => {
    const { stdout } = await importFiles([fixtures('arxiv-query.atom.xml'), archive]);
    expect(stdout).toContain('Added 0,');
    expect(stdout).toContain('Corpus: 90 papers.');
  });

  it('fails with a usage line when given no files, and with a reason for a missing one', async () => {
    expect((await importFiles([])).code).toBe(1);
    const missing = await importFiles([join(dataDir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/nope\.json: cannot read \(ENOENT\)/);
  });
});
