/**
 * The answer quality on the question set kept in `test/fixtures/answer-questions.json` (extractive answers
 * only): for questions the paper answers, how often the first quote is a right passage (full text) or
 * sentence (abstracts), and how often the bot wrongly says the paper does not say; for questions it does
 * not answer, how often the bot says so. Used by `npm run bench` and by its test.
 *
 *   npx tsx bench/answer-quality.ts [--misses]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Paper } from '../src/corpus/paper.ts';
import { answerFromPaper, type PaperAnswer } from '../src/discussions/answer.ts';
import type { PaperText } from '../src/fulltext/paper-text.ts';
import { systemClock } from '../src/clock.ts';
import { openPaperLibrary } from '../src/library/open-library.ts';
import { silentLogger } from '../src/logger.ts';
import { createMemoryStores } from '../src/store/memory/memory-store.ts';
import { FULL_TEXT_FIXTURES, fullTextFixture } from '../test/helpers/full-text.ts';

const fixtures = new URL('../test/fixtures/', import.meta.url);

/** A question about a full-text fixture, labelled with the passages that answer it (none: not in the paper). */
export interface FullTextQuestion {
  paper: string;
  question: string;
  answers: string[];
}

/** A question about a bundled abstract, labelled with fragments of the sentence that answers it (null: not in it). */
export interface AbstractQuestion {
  paper: string;
  question: string;
  answer: string | string[] | null;
}

/** The question set. */
export interface QuestionSet {
  fullText: FullTextQuestion[];
  abstracts: AbstractQuestion[];
}

/** Reads the question set. */
export function readQuestionSet(): QuestionSet {
  return JSON.parse(readFileSync(new URL('answer-questions.json', fixtures), 'utf8')) as QuestionSet;
}

/** How one question went. */
export interface Outcome {
  paper: string;
  question: string;
  answerable: boolean;
  covered: boolean;
  /** The first quote is a right passage (or sentence) and the answer says the paper covers it. */
  right: boolean;
  first?: string;
}

/** The measures over a list of outcomes. */
export interface Quality {
  questions: number;
  answerable: number;
  /** Share of answerable questions whose first quote is right. */
  rightFirst: number;
  /** Share of answerable questions answered "does not say". */
  falseDoesNotSay: number;
  unanswerable: number;
  /** Share of unanswerable questions answered "does not say". */
  rightDoesNotSay: number;
}

/** The measures of a list of outcomes. */
export function quality(outcomes: readonly Outcome[]): Quality {
  const answerable = outcomes.filter((o) => o.answerable);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const share = (n: number, of: number): number => (of === 0 ? NaN : n / of);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    rightFirst: share(answerable.filter((o) => o.right).length, answerable.length),
    falseDoesNotSay: share(answerable.filter((o) => !o.covered).length, answerable.length),
    unanswerable: unanswerable.length,
    rightDoesNotSay: share(unanswerable.filter((o) => !o.covered).length, unanswerable.length),
  };
}

/** The id of the passage a quote comes from: `abstract` for the abstract and summary. */
function passageOf(answer: PaperAnswer): string | undefined {
  const first = answer.quotes[0];
  if (!first) return undefined;
  return first.source === 'body' ? first.passage?.id : 'abstract';
}

/** Answers every question of the set with the extractive answerer, corpus weights from the bundled papers and the fixtures. */
export async function evaluateQuestionSet(set: QuestionSet = readQuestionSet()): Promise<{ fullText: Outcome[]; abstracts: Outcome[] }> {
  const texts = new Map<string, { paper: Paper; text: PaperText }>(FULL_TEXT_FIXTURES.map((id) => [id, fullTextFixture(id)]));
  const stores = createMemoryStores();
  const library = await openPaperLibrary({ stores, log: silentLogger, clock: systemClock });
  await stores.papers.upsert([...texts.values()].map((f) => f.paper));
  await library.catchUp();
  const weight = (term: string): number => library.idfOf(term);
  const fullText = set.fullText.map((q): Outcome => {
    const fixture = texts.get(q.paper);
    if (!fixture) throw new Error(`no full-text fixture ${q.paper}`);
    const answer = answerFromPaper(fixture.paper, q.question, weight, fixture.text);
    const first = passageOf(answer);
    return {
      paper: q.paper, question: q.question, answerable: q.answers.length > 0, covered: answer.covered,
      right: answer.covered && first !== undefined && q.answers.includes(first),
      ...(answer.quotes[0] ? { first: `${first}: ${answer.quotes[0].text}` } : {}),
    };
  });
  const bundled = new Map((await library.getMany([...new Set(set.abstracts.map((q) => q.paper))])).map((p) => [p.id, p]));
  const abstracts = set.abstracts.map((q): Outcome => {
    const paper = bundled.get(q.paper);
    if (!paper) throw new Error(`no bundled paper ${q.paper}`);
    const answer = answerFromPaper(paper, q.question, weight);
    const fragments = q.answer === null ? [] : Array.isArray(q.answer) ? q.answer : [q.answer];
    const first = answer.quotes[0]?.text;
    return {
      paper: q.paper, question: q.question, answerable: fragments.length > 0, covered: answer.covered,
      right: answer.covered && first !== undefined && fragments.some((f) => first.includes(f)),
      ...(first ? { first } : {}),
    };
  });
  return { fullText, abstracts };
}

const percent = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);

/** One line per set: right first, false "does not say", right "does not say". */
export function formatQuality(name: string, q: Quality): string {
  return (
    `${name.padEnd(28)} right passage first ${percent(q.rightFirst).padStart(6)} of ${q.answerable}` +
    ` · false "does not say" ${percent(q.falseDoesNotSay).padStart(6)}` +
    ` · "does not say" when not in the paper ${percent(q.rightDoesNotSay).padStart(6)} of ${q.unanswerable}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { fullText, abstracts } = await evaluateQuestionSet();
  process.stdout.write(`${formatQuality(`full text (${FULL_TEXT_FIXTURES.length} papers)`, quality(fullText))}\n`);
  process.stdout.write(`${formatQuality(`abstracts (${new Set(abstracts.map((o) => o.paper)).size} papers)`, quality(abstracts))}\n`);
  if (process.argv.includes('--misses')) {
    for (const o of [...fullText, ...abstracts]) {
      if (o.answerable ? !o.right : o.covered) process.stdout.write(`${o.answerable ? (o.covered ? 'WRONG' : 'NO-SAY') : 'FALSE-ANSWER'} ${o.paper} ${o.question}\n    → ${o.first?.slice(0, 160) ?? ''}\n`);
    }
  }
}
