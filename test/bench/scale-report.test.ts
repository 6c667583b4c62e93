import { describe, expect, it } from 'vitest';
import { fitLine, formatProjection, formatScaleNotes, formatScaleTable, rssGrowth, spreadOf, type ScaleRow } from '../../bench/scale-report.ts';

/** A row whose every figure grows in a straight line with the corpus (start = 0.5 s + 1 s per 100k papers). */
function row(papers: number): ScaleRow {
  const k = papers / 100_000;
  const spread = (min: number, median = min, max = min) => ({ min, median, max });
  return {
    papers,
    onceWall: spread(500 + 1000 * k),
    onceLoading: spread(100 * k),
    onceBoot: spread(400),
    slackFirst: { ackMs: 1000 * k, answerMs: 1000 * k + 50 },
    discordFirst: { ackMs: 1200 * k, answerMs: 1200 * k },
    rssAfterStart: { plainMb: 100 + 100 * k, afterGcMb: 80 + 100 * k },
    rssAfterRefreshes: { plainMb: 300 + 100 * k, afterGcMb: 88 + 110 * k },
    papersAtStart: papers,
    papersAfterRefreshes: papers + 20_000,
    refreshes: 20,
    refreshPapers: 1000,
    stallStartMs: 20,
    stallFirstRefreshMs: 30,
    stallAnyRefreshMs: 40 * k,
    stallImportMs: 45,
    controlStallMs: { start: 11, refreshes: 12, import: 13 },
    ownTurns: { rounds: 6, papersPerRound: 1000, writeMs: 9, catchUpMs: 21, saveMs: 23, saves: 3, gcMs: 7 },
    refreshMedianMs: 900,
    refreshCpu: { botS: 10, loadS: 1, load: 'benchmark' },
    runningImportPapers: 10_000,
    runningImportWallMs: 5000,
    searchableAfterImportMs: 12_000,
    runningImportCpu: { botS: 3, loadS: 4, load: 'import process' },
    importWallMs: 30_000 * k,
    importPeakRssMb: 200,
    importCpuS: 25 * k,
    mixed: {
      refreshes: 20,
      existingEach: 950,
      newEach: 50,
      added: 1000,
      updated: 19_000,
      rssAfterStart: { plainMb: 200, afterGcMb: 180 },
      rssAfterFirstRefresh: { plainMb: 240, afterGcMb: 185 },
      rssAfterRefreshes: { plainMb: 260, afterGcMb: 189 },
      papersAtStart: papers,
      papersAfterRefreshes: papers + 1000,
      stallFirstMs: 31,
      stallEachMs: spread(20, 25, 44),
      controlStallMs: 15,
      refreshMedianMs: 800,
      cpu: { botS: 8, loadS: 1, load: 'benchmark' },
    },
  };
}

describe('the scale report', () => {
  it('gives min, median and max of repeated runs', () => {
    expect(spreadOf([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ min: 1, median: 2, max: 4 });
  });

  it('prints one column per size with the targets beside each measurement', () => {
    const table = formatScaleTable([row(100_000), row(300_000)]);
    expect(table[0]).toBe('| measured | target (100k) | 100,000 papers | 300,000 papers |');
    const start = table.find((l) => l.includes('--once'))!;
    expect(start).toContain('| ≤ 2.5 s | 1.50 s / 1.50 s / 1.50 s | 3.50 s / 3.50 s / 3.50 s |');
    expect(table.find((l) => l.includes('RSS after start'))).toContain('| ≤ 350 MB | 200 MB (180 MB after GC) |');
    // Growth over the refreshes is read on the after-GC figures: 198 MB against 180 MB.
    expect(table.find((l) => l.includes('RSS after the refreshes'))).toContain('| within 10% of start | 400 MB (198 MB after GC), +10% after GC |');
    // The mixed run from its warmed-up bot (after the first refresh): 185 MB → 189 MB.
    expect(table.find((l) => l.includes('after the first (warmed up)'))).toContain('| (flat) | 240 MB (185 MB after GC) → 189 MB, +2% after GC |');
    // Per 1,000 papers: 180 MB for 100,000 at start, 198 MB for 120,000 after; the 20,000 added cost 18 MB.
    expect(table.find((l) => l.includes('RSS per 1,000 papers'))).toContain('| 1.80 MB at start (100,000 papers) → 1.65 MB after (120,000); 0.90 MB per 1,000 added |');
  });

  it('prints the mixed refreshes beside the all-new ones, against the same targets', () => {
    const table = formatScaleTable([row(100_000)]);
    expect(table.find((l) => l.includes('mixed refreshes: RSS after them'))).toContain('| within 10% of start | 260 MB (189 MB after GC), +5% after GC |');
    expect(table.find((l) => l.includes('mixed refreshes run'))).toContain('| 20 × (950 + 50); 0.80 s; 1,000 / 19,000 |');
    expect(table.find((l) => l.includes('mixed refreshes: longest stall'))).toContain('| ≤ 50 ms | 31 ms; 20 ms / 25 ms / 44 ms (control 15 ms) |');
  });

  it('notes under the table how much each run of refreshes grew the corpus', () => {
    expect(formatScaleNotes([row(100_000)])).toEqual([
      'Note (100,000): the all-new run grows the corpus +20.0% (100,000 → 120,000 papers) and the search index with it; '
        + 'the mixed run grows it +1.0% (100,000 → 101,000), so it is the one that tests flat memory.',
    ]);
  });

  it('reads memory growth on the plain figures when no GC could be forced', () => {
    expect(rssGrowth({ plainMb: 200 }, { plainMb: 250, afterGcMb: 190 })).toBeCloseTo(0.25);
  });

  it('projects to 1M papers along the line through the measured sizes, and says when one size is not enough', () => {
    expect(fitLine([[100_000, 1500], [300_000, 3500]])).toEqual({ intercept: 500, slope: 0.01 });
    expect(fitLine([[100_000, 1500]])).toBeUndefined();
    const projection = formatProjection([row(100_000), row(300_000)]);
    expect(projection[0]).toMatch(/^Projection to 1,000,000 papers .*100,000, 300,000/);
    expect(projection).toContain('- `--once "search diffusion"` wall (median): 10.50 s (+1.00 s per 100k papers)');
    expect(projection).toContain('- RSS after start: 1080 MB (+100 MB per 100k papers)');
    // A figure that did not grow (here the stall: 40 ms at 100k, 30 ms at 300k) is not projected along a falling line.
    const noisy = formatProjection([row(100_000), { ...row(300_000), stallAnyRefreshMs: 30 }]);
    expect(noisy).toContain('- longest stall in a 1,000-paper refresh (any): did not grow with the corpus here (40 ms, 30 ms); no projection');
    expect(formatProjection([row(100_000)])).toEqual(['Projection to 1,000,000 papers: needs two or more sizes (e.g. --sizes 100000,300000).']);
  });
});
