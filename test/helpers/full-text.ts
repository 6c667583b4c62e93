import { readFileSync } from 'node:fs';
import { ManualClock } from '../../src/clock.ts';
import { createPaper, type Paper } from '../../src/corpus/paper.ts';
import { SourceHttpClient } from '../../src/corpus/http/source-http.ts';
import { createArxivHtmlFetcher, FullTextLibrary } from '../../src/fulltext/full-text-library.ts';
import { parseLatexml } from '../../src/fulltext/latexml.ts';
import type { PaperText } from '../../src/fulltext/paper-text.ts';
import type { Logger } from '../../src/logger.ts';
import type { FullTextStore } from '../../src/store/full-text-store.port.ts';
import type { ThreadRef } from '../../src/chat/refs.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import type { Stores } from '../../src/store/store.ts';
import type { FakeSourcesServer } from '../fakes/fake-sources-server.ts';
import { testBot, type TestBotOptions } from './bot.ts';
import { addPapers, testLibrary } from './library.ts';

/** The arXiv ids of the full-text fixtures (`test/fixtures/fulltext/<id>.html`). */
export const FULL_TEXT_FIXTURES = ['2507.04211', '2507.05832', '2507.06120', '2507.07345', '2507.08019', '2507.09264'] as const;

/** A full-text fixture: its parsed text and the paper built from it (as arXiv's API would give it). */
export function fullTextFixture(arxivId: string): { paper: Paper; text: PaperText } {
  const html = readFileSync(new URL(`../fixtures/fulltext/${arxivId}.html`, import.meta.url), 'utf8');
  const text = parseLatexml(html);
  if (!text?.title || !text.abstract) throw new Error(`fixture ${arxivId} has no title or abstract`);
  return { paper: createPaper({ arxivId, title: text.title, abstract: text.abstract, source: 'arxiv-api' }), text };
}

/** The full-text library as main.ts builds it (the arXiv client's pace and retries), on the fake sources server. */
export function fakeArxivLibrary(server: FakeSourcesServer, deps: { store: FullTextStore; clock: ManualClock; log: Logger }): FullTextLibrary {
  const http = new SourceHttpClient({
    source: 'arxiv', baseUrl: server.url, minIntervalMs: 3000, maxAttempts: 2, backoffBaseMs: 100, userAgent: 'paperboy-test', clock: deps.clock, log: deps.log, random: () => 1,
  });
  return new FullTextLibrary({ ...deps, fetch: createArxivHtmlFetcher(http, `${server.url}/html`) });
}

/**
 * A test bot whose corpus also has the six full-text fixture papers and whose arXiv is the fake `server`,
 * driven through its inbound API as an adapter would: `discuss`, `command` (optionally in a thread), `ask`.
 */
export async function fullTextBot(server: FakeSourcesServer, options: { stores?: Stores; writer?: TestBotOptions['writer'] } = {}) {
  const stores = options.stores ?? createMemoryStores();
  const library = await testLibrary({ now: '2025-07-24T12:00:00Z', stores });
  await addPapers(library, FULL_TEXT_FIXTURES.map((id) => fullTextFixture(id).paper));
  const fullText = fakeArxivLibrary(server, { store: stores.fullTexts, clock: library.clock, log: new MemoryLogger() });
  const bot = await testBot({ library, fullText, ...(options.writer ? { writer: options.writer } : {}) });
  return {
    ...bot,
    discuss: bot.exec,
    command: (line: string, thread?: ThreadRef) => (thread ? bot.execIn(thread, line) : bot.exec(line)),
    ask: async (thread: ThreadRef, question: string) => {
      const answer = await bot.say(thread, `@paperboy ${question}`);
      if (!answer) throw new Error('no answer');
      return answer;
    },
  };
}
