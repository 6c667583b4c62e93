/**
 * The answers section of `npm run bench`: a synthetic 50-page paper in arXiv's LaTeXML structure (sentences
 * drawn from the bundled abstracts and the full-text fixtures, seeded), parsed, cached in SQLite, read back
 * as a restarted bot would, then 500 questions answered extractively. Prints parse, cache and first-answer
 * times, answer latency percentiles after caching, the longest event-loop stall while parsing, and the
 * answer quality on the question set. Asserts nothing about time.
 *
 *   npx tsx bench/answer-latency.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../src/clock.ts';
import { loadBundledPapers } from '../src/corpus/bundled.ts';
import { createPaper } from '../src/corpus/paper.ts';
import { splitSentences } from '../src/corpus/sentences.ts';
import { answerFromPaper } from '../src/discussions/answer.ts';
import { preparePassages } from '../src/discussions/paper-passages.ts';
import { FullTextLibrary } from '../src/fulltext/full-text-library.ts';
import { parseLatexmlInSlices } from '../src/fulltext/latexml.ts';
import { openPaperLibrary } from '../src/library/open-library.ts';
import { silentLogger } from '../src/logger.ts';
import { openSqliteStores } from '../src/store/sqlite/sqlite-store.ts';
import { FULL_TEXT_FIXTURES, fullTextFixture } from '../test/helpers/full-text.ts';
import { evaluateQuestionSet, formatQuality, quality, readQuestionSet, type Quality } from './answer-quality.ts';
import { createRng, type Rng } from './rng.ts';
import { percentiles, type Percentiles } from './stats.ts';

/** Words on a page of a two-column ML paper, roughly. */
const WORDS_PER_PAGE = 500;
const PAGES = 50;
const QUESTIONS = 500;
const SEED = 20260717;

/** What the section measured. */
export interface AnswerMeasurement {
  pages: number;
  words: number;
  htmlKb: number;
  passages: number;
  sections: number;
  parseMs: number;
  /** Longest event-loop stall while the page was parsed in slices. */
  parseStallMs: number;
  storeMs: number;
  /** Reading the cached text from SQLite in a fresh library (a restarted bot's first question). */
  loadMs: number;
  /** Building the paper's sentence index in slices before its first question, and the longest stall meanwhile. */
  prepareMs: number;
  prepareStallMs: number;
  /** The first question once the index is built. */
  firstAnswerMs: number;
  /** Every later question. */
  latency: Percentiles;
  quality: { fullText: Quality; abstracts: Quality };
}

/** A paragraph of `words` words or more, sentences drawn from `pool`, with a citation and some inline math. */
function paragraph(rng: Rng, pool: readonly string[], words: number): string {
  const sentences: string[] = [];
  let count = 0;
  while (count < words) {
    const sentence = rng.pick(pool);
    sentences.push(sentence.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    count += sentence.split(/\s+/).length;
  }
  if (rng.chance(0.5)) sentences.push(`This follows <cite class="ltx_cite ltx_citemacro_citep">(<a class="ltx_ref" href="#bib.bib${rng.int(80)}">Author et al., ${2015 + rng.int(10)}</a>)</cite>.`);
  if (rng.chance(0.4)) sentences.push(`We set <math alttext="\\lambda=${rng.int(9)}\\times 10^{-${rng.between(2, 5)}}" class="ltx_Math" display="inline"><semantics><mi>λ</mi></semantics></math> throughout.`);
  return sentences.join(' ');
}

/** A LaTeXML page of about `pages` pages: 10 sections of 4 subsections, paragraphs, figures, a bibliography. */
export function syntheticPaperHtml(rng: Rng, pool: readonly string[], pages: number): { html: string; words: number } {
  const target = pages * WORDS_PER_PAGE;
  const titles = ['Introduction', 'Related Work', 'Background', 'Method', 'Datasets', 'Implementation details', 'Results', 'Ablations', 'Limitations', 'Conclusion'];
  const perSection = target / titles.length;
  let words = 0;
  const body: string[] = [];
  titles.forEach((title, s) => {
    body.push(`<section class="ltx_section" id="S${s + 1}"><h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">${s + 1} </span>${title}</h2>`);
    for (let ss = 1; ss <= 4; ss++) {
      body.push(`<section class="ltx_subsection" id="S${s + 1}.SS${ss}"><h3 class="ltx_title ltx_title_subsection"><span class="ltx_tag ltx_tag_subsection">${s + 1}.${ss} </span>${rng.pick(pool).split(' ').slice(0, 4).join(' ')}</h3>`);
      let sectionWords = 0;
      for (let p = 1; sectionWords < perSection / 4; p++) {
        const text = paragraph(rng, pool, rng.between(60, 160));
        const n = text.split(/\s+/).length;
        sectionWords += n;
        words += n;
        body.push(`<div class="ltx_para" id="S${s + 1}.SS${ss}.p${p}"><p class="ltx_p">${text}</p></div>`);
        if (p % 5 === 0) {
          body.push(`<figure class="ltx_figure" id="S${s + 1}.SS${ss}.F${p}"><img src="x.png" alt=""/><figcaption class="ltx_caption"><span class="ltx_tag ltx_tag_figure">Figure ${p}: </span>${rng.pick(pool)}</figcaption></figure>`);
        }
      }
      body.push('</section>');
    }
    body.push('</section>');
  });
  const bibliography = Array.from({ length: 80 }, (_, i) => `<li class="ltx_bibitem" id="bib.bib${i}"><span class="ltx_bibblock">${rng.pick(pool)}</span></li>`).join('');
  const html =
    '<!DOCTYPE html><html><head><title>A long paper</title></head><body><nav class="ltx_page_navbar">Contents</nav>' +
    '<div class="ltx_page_main"><div class="ltx_page_content"><article class="ltx_document">' +
    '<h1 class="ltx_title ltx_title_document">A Long Synthetic Paper on Efficient Transformers</h1>' +
    `<div class="ltx_abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6><p class="ltx_p">${paragraph(rng, pool, 180)}</p></div>` +
    `${body.join('\n')}<section class="ltx_bibliography" id="bib"><ul class="ltx_biblist">${bibliography}</ul></section>` +
    '</article></div></div></body></html>';
  return { html, words };
}

/** Runs the section. */
export async function measureAnswers(): Promise<AnswerMeasurement> {
  const rng = createRng(SEED);
  const bundled = loadBundledPapers(silentLogger);
  const fixtures = FULL_TEXT_FIXTURES.map((id) => fullTextFixture(id));
  const pool = [
    ...bundled.flatMap((p) => splitSentences(p.abstractDisplay)),
    ...fixtures.flatMap((f) => f.text.passages.flatMap((p) => splitSentences(p.text))),
  ].filter((s) => s.length > 30);
  const { html, words } = syntheticPaperHtml(rng, pool, PAGES);

  const stall = monitorEventLoopDelay({ resolution: 1 });
  stall.enable();
  let started = performance.now();
  const text = await parseLatexmlInSlices(html);
  const parseMs = performance.now() - started;
  stall.disable();
  if (!text?.abstract || !text.title) throw new Error('the synthetic paper did not parse');

  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-answers-'));
  try {
    const clock = new ManualClock('2025-07-24T12:00:00Z');
    const paper = createPaper({ arxivId: '2599.00001', title: text.title, abstract: text.abstract, source: 'arxiv-api' });
    const stores = openSqliteStores(join(dir, 'bench.db'));
    started = performance.now();
    await stores.fullTexts.put({ paperId: paper.id, url: 'https://arxiv.org/html/2599.00001', fetchedAt: clock.now().toISOString(), status: 'found', text });
    const storeMs = performance.now() - started;

    // A restarted bot: a fresh library reads the cached text from the database.
    const library = new FullTextLibrary({ store: stores.fullTexts, clock, log: silentLogger });
    started = performance.now();
    const cached = await library.forPaper(paper);
    const loadMs = performance.now() - started;
    if (cached.status !== 'found') throw new Error('the cached text did not load');

    const papers = await openPaperLibrary({ stores, log: silentLogger, clock });
    await stores.papers.upsert([paper, ...fixtures.map((f) => f.paper)]);
    await papers.catchUp();
    const weight = (term: string): number => papers.idfOf(term);
    const questions = readQuestionSet().fullText.map((q) => q.question);

    const prepareStall = monitorEventLoopDelay({ resolution: 1 });
    prepareStall.enable();
    started = performance.now();
    await preparePassages(paper, cached.text);
    const prepareMs = performance.now() - started;
    prepareStall.disable();
    started = performance.now();
    answerFromPaper(paper, questions[0]!, weight, cached.text);
    const firstAnswerMs = performance.now() - started;

    const times: number[] = [];
    for (let i = 0; i < QUESTIONS; i++) {
      const question = questions[i % questions.length]!;
      const t = performance.now();
      const outcome = await library.forPaper(paper);
      answerFromPaper(paper, question, weight, outcome.status === 'found' ? outcome.text : undefined);
      times.push(performance.now() - t);
    }
    await stores.close();
    const evaluated = await evaluateQuestionSet();
    return {
      pages: PAGES, words, htmlKb: Buffer.byteLength(html) / 1024, passages: text.passages.length, sections: text.sections.length,
      parseMs, parseStallMs: stall.max / 1e6, storeMs, loadMs, prepareMs, prepareStallMs: prepareStall.max / 1e6, firstAnswerMs, latency: percentiles(times),
      quality: { fullText: quality(evaluated.fullText), abstracts: quality(evaluated.abstracts) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The section as text. */
export function formatAnswers(m: AnswerMeasurement): string {
  return [
    `Answers from the full text: a synthetic ${m.pages}-page paper (${m.words.toLocaleString('en')} words, ${Math.round(m.htmlKb)} KB of LaTeXML HTML, ${m.sections} sections, ${m.passages.toLocaleString('en')} passages)`,
    `parse in slices ${ms(m.parseMs)} ms (longest event-loop stall ${ms(m.parseStallMs)} ms) · cache in SQLite ${ms(m.storeMs)} ms · read back by a restarted bot ${ms(m.loadMs)} ms`,
    `its sentence index built in slices before the first question ${ms(m.prepareMs)} ms (longest event-loop stall ${ms(m.prepareStallMs)} ms) · first question ${ms(m.firstAnswerMs)} ms`,
    `extractive answer after caching, ${m.latency.count} questions: p50 ${ms(m.latency.p50)} ms · p95 ${ms(m.latency.p95)} ms · p99 ${ms(m.latency.p99)} ms · max ${ms(m.latency.max)} ms`,
    'Answer quality on the question set (test/fixtures/answer-questions.json, extractive):',
    formatQuality(`full text (${FULL_TEXT_FIXTURES.length} papers)`, m.quality.fullText),
    formatQuality('abstracts (bundled papers)', m.quality.abstracts),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${formatAnswers(await measureAnswers())}\n`);
}
