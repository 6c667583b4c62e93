import { expect, it } from 'vitest';
import { busyStretches, type CpuProfile } from '../../bench/busy-stretches.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

it('finds the stretches without an idle sample that outlast the threshold, and where their time went', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('ingest', 'file:///app/dist/src/library/paper-library.js', 9), children: [4, 5] },
      { id: 4, callFrame: frame('parse', 'file:///app/node_modules/zod/index.js', 0) },
      { id: 5, callFrame: frame('addPostings', 'file:///app/dist/src/index/postings.js', 41) },
    ],
    startTime: 0,
    // 1 ms apart: 5 idle, a 60 ms task (40 in postings, 20 in zod), 5 idle, a 10 ms task, idle.
    samples: [...Array(5).fill(2), ...Array(40).fill(5), ...Array(20).fill(4), ...Array(5).fill(2), ...Array(10).fill(5), 2],
    timeDeltas: Array(81).fill(1000),
  };
  const tasks = busyStretches(profile, 50);
  expect(tasks).toHaveLength(1);
  expect(tasks[0]).toMatchObject({ startMs: 5, durationMs: 60, samples: 60 });
  expect(tasks[0]!.self).toEqual([['addPostings dist/src/index/postings.js:42', 40], ['parse node_modules/zod/index.js:1', 20]]);
  // Only the project's own frames count as "ours", each once per sample.
  expect(tasks[0]!.own).toEqual([['ingest dist/src/library/paper-library.js:10', 60], ['addPostings dist/src/index/postings.js:42', 40]]);
  expect(busyStretches(profile, 5).map((t) => t.durationMs)).toEqual([60, 10]);
});
