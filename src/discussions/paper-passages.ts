/*
 * A paper cut into the sentences an answer may quote: the source's AI summary, the abstract, and, when the
 * full text is known, every sentence of its paragraphs, captions and footnotes, each with where it is
 * (section label and titles), its stemmed terms, and which kinds of answer it looks like. Built once per
 * paper (and full text) and kept while the paper object lives, so a question costs one scoring pass.
 */
import type { Paper } from '../corpus/paper.ts';
import { splitSentences, stem } from '../corpus/sentences.ts';
import type { PaperText, PassageKind, SectionHeading } from '../fulltext/paper-text.ts';
import { tokenize } from '../index/tokenize.ts';
import { runSteps, runStepsYielding, type Steps } from '../util/steps.ts';
import { DATA_AMOUNT, HARDWARE_NAME, INTENTS, NAMED_THING, SYNONYM_GROUPS } from './question-intents.ts';

/** Where a quoted sentence comes from. */
export type QuoteSource = 'abstract' | 'summary' | 'body';

/** The passage of the full text a sentence belongs to. */
export interface PassageRef {
  /** LaTeXML id (`S4.SS2.p2`, `S3.F1`, `footnote1`). */
  id: string;
  kind: PassageKind;
  /** `§4.2 Implementation details`; absent before the first section. */
  section?: string;
}

/** A sentence an answer may quote. */
export interface Candidate {
  text: string;
  source: QuoteSource;
  /** Stemmed term → count. */
  counts: ReadonlyMap<string, number>;
  /** Number of terms. */
  length: number;
  /** Stems of the titles of its sections (innermost and up). */
  sectionStems: ReadonlySet<string>;
  /** Bit `i` is set when `INTENTS[i].evidence` matches the sentence. */
  evidence: number;
  /** Bit `i` is set when one of its section titles matches `INTENTS[i].sections`. */
  inSection: number;
  /** How much its place counts: related work and acknowledgements answer little about the paper itself. */
  prior: number;
  passage?: PassageRef;
  /** The sentences of its passage, and its position there (to quote a neighbour along). */
  siblings: readonly string[];
  position: number;
}

/** A paper ready to be asked. */
export interface PaperPassages {
  candidates: Candidate[];
  /** Stem → number of candidates that have it. */
  df: ReadonlyMap<string, number>;
  /** Stem → the surface forms the paper uses (for corpus weight look-ups). */
  forms: ReadonlyMap<string, ReadonlySet<string>>;
  averageLength: number;
  /** Whether the full text is in (else only the abstract and summary). */
  hasBody: boolean;
  /** Every stem of the paper: its title, sentences and section titles (to tell a word it never uses). */
  vocabulary: ReadonlySet<string>;
  /** Bits of the intents whose evidence some sentence has. */
  evidence: number;
  /** The paper's words as written, by length (where a misspelt question word is looked for). */
  wordsByLength: ReadonlyMap<number, readonly string[]>;
}

/** Multipliers of a sentence's score by where it is. */
export const SECTION_PRIORS: readonly { title: RegExp; prior: number }[] = [
  { title: /related work|background|prior work|literature|preliminar/i, prior: 0.6 },
  { title: /acknowledg|funding/i, prior: 0.3 },
  { title: /introduction/i, prior: 0.85 },
];

/**
 * {@link stem}, then a trailing `iz` or `at` dropped (keeping 4 characters), so that the verb meets its
 * noun: `regularizer`/`regularization` → `regular`, `evaluate`/`evaluation` → `evalu`.
 */
export function termStem(term: string): string {
  // Short verbs ending in a double consonant keep their -ing/-ed in `stem` (`adding`, `added`): meet `add` here.
  const short = /^(\w*([b-df-hj-np-tv-z])\2)(?:ing|ed)$/.exec(term);
  if (short && stem(term) === term) return short[1]!;
  let stemmed = stem(term);
  // `successfully` → `successful` → `success`; `carefully` → `careful` → `care`.
  if (/ful$/.test(stemmed) && stemmed.length >= 7) stemmed = stemmed.slice(0, -3);
  if (/(?:iz|at|ic)$/.test(stemmed) && stemmed.length >= 6) return stemmed.slice(0, -2);
  return /[yi]$/.test(stemmed) && stemmed.length >= 5 ? stemmed.slice(0, -1) : stemmed;
}

/** Stem → the other stems of its synonym groups. */
export const SYNONYMS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of SYNONYM_GROUPS) {
    const stems = [...new Set(group.map(termStem))];
    for (const s of stems) {
      let set = map.get(s);
      if (!set) map.set(s, (set = new Set()));
      for (const other of stems) if (other !== s) set.add(other);
    }
  }
  return new Map([...map].map(([s, others]) => [s, [...others]]));
})();

function termCounts(text: string, forms: Map<string, Set<string>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of tokenize(text)) {
    const stemmed = termStem(term);
    counts.set(stemmed, (counts.get(stemmed) ?? 0) + 1);
    let set = forms.get(stemmed);
    if (!set) forms.set(stemmed, (set = new Set()));
    set.add(term);
  }
  return counts;
}

function bits(test: (index: number) => boolean): number {
  let mask = 0;
  INTENTS.forEach((_, i) => {
    if (test(i)) mask |= 1 << i;
  });
  return mask;
}

/** The paper's own shorthand: words of its title and acronyms it defines in parentheses (`(TTA)`). */
function ownNames(paper: Paper, text: PaperText | undefined): Set<string> {
  const names = new Set<string>();
  for (const word of paper.titleDisplay.split(/[^\p{L}\p{N}-]+/u)) if (word) names.add(word.toLowerCase());
  const body = [paper.abstractDisplay, ...(text?.passages.slice(0, 40).map((p) => p.text) ?? [])].join(' ');
  for (const match of body.matchAll(/\(([A-Z][\w-]{1,15})\)/g)) names.add(match[1]!.toLowerCase());
  return names;
}

/** The evidence bits of a sentence; a named thing that is only the paper's own shorthand does not count. */
function evidenceOf(sentence: string, own: ReadonlySet<string>): number {
  return bits((i) => {
    const intent = INTENTS[i]!;
    if (intent.name !== 'data') return intent.evidence.test(sentence);
    const names = sentence.match(NAMED_THING) ?? [];
    return names.some((name) => !own.has(name.toLowerCase()) && !HARDWARE_NAME.test(name)) || DATA_AMOUNT.test(sentence);
  });
}

function sectionPrior(titles: readonly string[]): number {
  for (const { title, prior } of SECTION_PRIORS) if (titles.some((t) => title.test(t))) return prior;
  return 1;
}

interface Section {
  label: string | undefined;
  titles: string[];
}

/** Each section's label (`§4.2 Implementation details`) and titles from innermost up. */
function sectionsOf(text: PaperText): Map<string, Section> {
  const byId = new Map<string, SectionHeading>(text.sections.map((s) => [s.id, s]));
  const result = new Map<string, Section>();
  for (const section of text.sections) {
    const titles: string[] = [];
    let label: string | undefined;
    const unnumbered: string[] = [];
    for (let s: SectionHeading | undefined = section, depth = 0; s && depth < 8; s = s.parent ? byId.get(s.parent) : undefined, depth++) {
      titles.push(s.title);
      if (label === undefined && s.number) label = `§${s.number} ${s.title}`;
      else if (label === undefined) unnumbered.unshift(s.title);
    }
    const parts = [label, ...unnumbered].filter((p): p is string => p !== undefined);
    result.set(section.id, { label: parts.length > 0 ? parts.join(' › ') : undefined, titles });
  }
  return result;
}

const NO_TEXT = {};
const cache = new WeakMap<Paper, WeakMap<object, PaperPassages>>();
const building = new WeakMap<Paper, WeakMap<object, Promise<PaperPassages>>>();
/** Passages handled between two pauses of {@link preparePassages}: a few milliseconds of work. */
export const PASSAGES_PER_SLICE = 16;

function cached(paper: Paper, text: PaperText | undefined): PaperPassages | undefined {
  return cache.get(paper)?.get(text ?? NO_TEXT);
}

function remember(paper: Paper, text: PaperText | undefined, built: PaperPassages): PaperPassages {
  let byText = cache.get(paper);
  if (!byText) cache.set(paper, (byText = new WeakMap()));
  byText.set(text ?? NO_TEXT, built);
  return built;
}

/** The paper's candidates: summary, abstract, then the full text's passages (when given), without repeats. Built at once when not prepared. */
export function paperPassages(paper: Paper, text?: PaperText): PaperPassages {
  return cached(paper, text) ?? remember(paper, text, runSteps(buildSteps(paper, text)));
}

/**
 * Builds the paper's candidates ahead of a question, pausing every {@link PASSAGES_PER_SLICE} passages so
 * a long paper (a 50-page one takes over 100 ms) never holds the event loop; later questions find them built.
 */
export async function preparePassages(paper: Paper, text?: PaperText): Promise<PaperPassages> {
  const done = cached(paper, text);
  if (done) return done;
  let byText = building.get(paper);
  if (!byText) building.set(paper, (byText = new WeakMap()));
  const key = text ?? NO_TEXT;
  let running = byText.get(key);
  if (!running) {
    running = runStepsYielding(buildSteps(paper, text)).then((built) => remember(paper, text, built));
    byText.set(key, running);
  }
  return running;
}

function* buildSteps(paper: Paper, text: PaperText | undefined): Steps<PaperPassages> {
  const forms = new Map<string, Set<string>>();
  const own = ownNames(paper, text);
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const none: ReadonlySet<string> = new Set();
  const add = (sentences: readonly string[], source: QuoteSource, place?: { passage: PassageRef; section?: Section }): void => {
    const titles = place?.section?.titles ?? [];
    const sectionStems = titles.length > 0 ? new Set(titles.flatMap((t) => tokenize(t).map(termStem))) : none;
    const inSection = bits((i) => INTENTS[i]!.sections?.test(titles.join(' · ')) ?? false);
    const prior = sectionPrior(titles) * (place?.passage.kind === 'caption' ? 0.9 : 1);
    sentences.forEach((sentence, position) => {
      const key = sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (key === '' || seen.has(key)) return;
      seen.add(key);
      const counts = termCounts(sentence, forms);
      let length = 0;
      for (const count of counts.values()) length += count;
      candidates.push({
        text: sentence, source, counts, length, sectionStems, evidence: evidenceOf(sentence, own), inSection, prior,
        ...(place ? { passage: place.passage } : {}), siblings: sentences, position,
      });
    });
  };
  const summary = paper.aiSummary?.trim();
  if (summary) add([summary], 'summary');
  add(splitSentences(paper.abstractDisplay), 'abstract');
  if (text) {
    const sections = sectionsOf(text);
    for (const [index, passage] of text.passages.entries()) {
      if (index % PASSAGES_PER_SLICE === PASSAGES_PER_SLICE - 1) yield;
      const section = passage.section ? sections.get(passage.section) : undefined;
      const ref: PassageRef = { id: passage.id, kind: passage.kind, ...(section?.label ? { section: section.label } : {}) };
      add(splitSentences(passage.text), 'body', { passage: ref, ...(section ? { section } : {}) });
    }
  }
  const df = new Map<string, number>();
  const vocabulary = new Set(tokenize(paper.titleDisplay).map(termStem));
  let total = 0;
  let evidence = 0;
  for (const candidate of candidates) {
    total += candidate.length;
    evidence |= candidate.evidence;
    for (const s of candidate.counts.keys()) df.set(s, (df.get(s) ?? 0) + 1);
    for (const s of candidate.sectionStems) vocabulary.add(s);
  }
  for (const s of df.keys()) vocabulary.add(s);
  const wordsByLength = new Map<number, string[]>();
  for (const word of new Set([...forms.values()].flatMap((set) => [...set]))) {
    const list = wordsByLength.get(word.length);
    if (list) list.push(word);
    else wordsByLength.set(word.length, [word]);
  }
  return {
    candidates, df, forms, vocabulary, evidence, wordsByLength,
    averageLength: Math.max(1, total / Math.max(1, candidates.length)),
    hasBody: text !== undefined && text.passages.length > 0,
  };
}
