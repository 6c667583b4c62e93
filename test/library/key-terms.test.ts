import { describe, expect, it } from 'vitest';
import { createPaper } from '../../src/corpus/paper.ts';
import { testBot, textOf } from '../helpers/bot.ts';
import { addPapers } from '../helpers/library.ts';

describe("a card's key terms follow the corpus", () => {
  it('stop offering a word once many papers share it (no stale key terms after new papers arrive)', async () => {
    const bot = await testBot();
    const before = textOf((await bot.exec('show monge gap')).reply);
    expect(before).toMatch(/Key terms: [^\n]*\bMonge\b/);
    // Forty new papers about Monge maps make "monge" a common word: it no longer tells this paper apart.
    await addPapers(bot, Array.from({ length: 40 }, (_, i) => createPaper({
      arxivId: `2501.${String(10_000 + i)}`, title: `Monge maps ${i}`, abstract: `Monge Monge Monge maps for problem ${i}.`, source: 'import',
    })));
    const after = textOf((await bot.exec('show monge gap')).reply);
    expect(after).toMatch(/Key terms: /);
    expect(after).not.toMatch(/Key terms: [^\n]*\bMonge\b/);
  });
});
