/**
 * Answers a question asked in a paper's discussion thread from the paper itself: the sentences of its
 * abstract (and the source's one-line AI summary) that best answer the question, ranked by BM25 over the
 * paper's sentences with corpus-level term weights. Pure and deterministic.
 */
import type { Paper } from '../corpus/paper.ts';
import { representativeSentence, splitSentences, stem } from '../corpus/sentences.ts';
import { tokenize } from '../index/tokenize.ts';

/** What a question in a discussion thread asks for. */
export type QuestionKind = 'about-paper' | 'related' | 'empty';

/** Where a quoted sentence comes from: the abstract, or the source's one-line AI summary. */
export type QuoteSource = 'abstract' | 'summary';

/** One quoted sentence of an answer. */
export interface Quote {
  text: string;
  source: QuoteSource;
  /** The sentence's BM25 score for the question; 0 for an overview answer (see {@link answerFromPaper}). */
  score: number;
}

/** The answer to a question about one paper. */
export interface PaperAnswer {
  /** Whether the paper answers the question; when false, `quotes` are only the closest sentences. */
  covered: boolean;
  /** Best first. */
  quotes: Quote[];
}

/** BM25 term-frequency saturation. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation (0: none, 1: full), relative to the paper's average sentence length. */
export const BM25_B = 0.75;
/**
 * How much a term's spread over the paper's sentences lowers its weight: the corpus idf is multiplied by
 * `(idf_paper / idf_paper_max) ^ PAPER_IDF_EXPONENT` (1 for a term in one sentence, near 0 for one in all).
 */
export const PAPER_IDF_EXPONENT = 0.5;
/** Corpus weight of a word the corpus does not know (`termWeight` gave 0 for every form): it still counts. */
export const UNKNOWN_TERM_WEIGHT = 0.5;
/**
 * A matched term is informative when its corpus idf is at least this (it is in fewer than about 37% of
 * papers), or when the corpus does not know it at all; an answer needs one.
 */
export const INFORMATIVE_WEIGHT = 1;
/**
 * The best sentence covers the question when it matches at least this share of the question's corpus
 * weight… Calibrated on the test pairs: questions a paper never addresses matched at most 28% (a generic
 * word such as `model`, `training`), while right answers to two-word questions ("is the code out?",
 * "how many datasets did they test?") matched 37–40%.
 */
export const COVERED_WEIGHT_SHARE = 0.3;
/** …or at least this many informative terms. */
export const COVERED_MIN_TERMS = 2;
/** A second quote is given when its score is at least this share of the first's. */
export const SECOND_QUOTE_RATIO = 0.75;
/** How many quotes an uncovered answer offers. */
export const UNCOVERED_QUOTES = 2;
/** Score bonus (a share) of a sentence with a number when the question asks for an amount ("how many…"). */
export const NUMBER_BONUS = 0.5;
/** A question's terms beyond this many (the heaviest are kept) are ignored: a pasted page costs no more. */
export const MAX_QUERY_TERMS = 32;

/**
 * Words that only shape a question ("what do they use", "is there any", "tell me") and never say what it is
 * about. They are dropped from every question (the index already drops `what`, `which`, `how`, `does`…).
 */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  (
    'did done doing am any anything anyone tell me my please paperboy kind type sort exactly actually really ' +
    'he she use used uses using try tried get got also types kinds sorts need needs require requires many much'
  ).split(' '),
);

/**
 * Words that, in a question about a paper, point at the paper's contribution rather than at a topic:
 * "what method do they propose?", "what is the main idea?", "what's this paper about?". They are dropped
 * when the question has other words ("what do they propose to avoid forgetting?" asks about forgetting);
 * a question made of nothing else is an overview question, answered with the summary or the paper's
 * representative sentence (which favours the "we propose…" sentence).
 */
export const OVERVIEW_WORDS: ReadonlySet<string> = new Set(
  (
    'paper papers work study article authors author propose proposed proposes method methods approach ' +
    'main idea ideas gist summary summarize summarise tldr tl dr about overview point core essence ' +
    'contribution contributions key takeaway takeaways novelty new'
  ).split(' '),
);

/** Phrasings that ask for other papers: "any similar papers?", "what else is like this?", "related work?". */
const RELATED_PATTERNS: readonly RegExp[] = [
  /\b(?:related|similar|comparable|analogous)\s+(?:papers?|works?|research|stud(?:y|ies)|articles?|publications?|ones|reads?|reading)\b/,
  /\b(?:papers?|works?|research|stud(?:y|ies)|articles?|publications?|anything|something|stuff|ones)\s+(?:(?:that\s+(?:is|are)\s+)?(?:similar|related|comparable)\s+to|like)\s+(?:this|that|it|these|this\s+one)\b/,
  /\b(?:what|anything|something|who)\s+else\b.*\b(?:like|similar|related|comparable)\b/,
  /\bother\s+(?:papers?|works?|research|stud(?:y|ies)|articles?|publications?)\b/,
  /\bmore\s+like\s+(?:this|it|that)\b/,
  /\b(?:any|some)\s+(?:similar|related)\s*(?:ones)?\s*[?!.]*$/,
  /^\s*(?:related|similar)\s*[?!.]*\s*$/,
  /\brecommend\b.*\b(?:papers?|reading|reads?)\b|\bfurther\s+reading\b|\bread\s+next\b/,
];

/**
 * What a discussion question asks for:
 * - `empty`: it has no letter or digit (whitespace, punctuation, emoji only);
 * - `related`: it asks for related, similar or comparable papers, other work like this one ("any similar
 *   papers?", "what else is like this?", "related work?", "other papers on this?"), so the caller answers
 *   with related papers. Asking how the paper compares to something it names ("is it similar to LoRA?")
 *   is a question about the paper;
 * - `about-paper`: anything else, answered by {@link answerFromPaper}.
 */
export function classifyQuestion(question: string): QuestionKind {
  if (!/[\p{L}\p{N}]/u.test(question)) return 'empty';
  const text = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  return RELATED_PATTERNS.some((pattern) => pattern.test(text)) ? 'related' : 'about-paper';
}

/** A sentence the answer may quote, with its stemmed term counts. */
interface Candidate {
  text: string;
  source: QuoteSource;
  counts: Map<string, number>;
  length: number;
}

/** A question term: its stem, and its weight in the scoring. */
interface QueryTerm {
  stem: string;
  /** The corpus idf: how much the word says (or {@link UNKNOWN_TERM_WEIGHT}). */
  corpus: number;
  /** Whether the corpus knows none of its forms (a word that specific is informative when it matches). */
  unknown: boolean;
  /** The weight BM25 uses: the corpus idf, lowered by the term's spread over the paper's sentences. */
  weight: number;
}

/** A question asking for an amount ("how many…", "how fast…", "what accuracy…"), answered by a number. */
const QUANTITY_QUESTION =
  /\bhow\s+(?:many|much|fast|quick(?:ly)?|slow|big|large|small|long|well|accurate|good)\b|\bwhat\s+(?:accuracy|score|speed(?:up)?|size|percentage|number)\b/i;
/** A number standing on its own in a sentence (`3,000`, `86%`, `500M`), not part of a name (`ResNet-50`, `O3`). */
const STANDALONE_NUMBER = /(?:^|[\s(~≈])\d/;

/** A candidate's BM25 score and the question terms it matched. */
interface Scored {
  candidate: Candidate;
  index: number;
  score: number;
  matchedWeight: number;
  matchedInformative: number;
}

/**
 * {@link stem}, then a trailing `iz` or `at` dropped (keeping 4 characters), so that the verb meets its
 * noun: `regularizer`/`regularization` → `regular`, `evaluate`/`evaluation` → `evalu`.
 */
function termStem(term: string): string {
  const stemmed = stem(term);
  return /(?:iz|at)$/.test(stemmed) && stemmed.length >= 6 ? stemmed.slice(0, -2) : stemmed;
}

/** Stemmed term counts of a sentence, and the surface forms each stem had (for corpus weight look-ups). */
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

/** The summary (when present) then the abstract's sentences, without repeats. */
function candidates(paper: Paper, forms: Map<string, Set<string>>): Candidate[] {
  const texts: [string, QuoteSource][] = [];
  const summary = paper.aiSummary?.trim();
  if (summary) texts.push([summary, 'summary']);
  for (const sentence of splitSentences(paper.abstractDisplay)) texts.push([sentence, 'abstract']);
  const seen = new Set<string>();
  const result: Candidate[] = [];
  for (const [text, source] of texts) {
    const key = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (seen.has(key)) continue;
    seen.add(key);
    const counts = termCounts(text, forms);
    let length = 0;
    for (const count of counts.values()) length += count;
    result.push({ text, source, counts, length });
  }
  return result;
}

/** BM25 idf of a term found in `df` of `n` sentences (the same form the corpus index uses). */
function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * The question's words that say what it is about: {@link QUESTION_WORDS} and {@link OVERVIEW_WORDS} left
 * out, unique, in order. Empty for an overview question.
 */
function topicWords(question: string): string[] {
  const words = tokenize(question).filter((word) => !QUESTION_WORDS.has(word) && !OVERVIEW_WORDS.has(word));
  return [...new Set(words)];
}

/**
 * Weighs the question's words (see {@link answerFromPaper}). Words sharing a stem are one term; the
 * heaviest {@link MAX_QUERY_TERMS} are kept, in question order.
 */
function queryTerms(
  words: readonly string[],
  sentences: readonly Candidate[],
  forms: ReadonlyMap<string, ReadonlySet<string>>,
  termWeight: (term: string) => number,
): QueryTerm[] {
  const byStem = new Map<string, QueryTerm>();
  for (const word of words) {
    const stemmed = termStem(word);
    if (byStem.has(stemmed)) continue;
    let corpus = Infinity;
    for (const form of [word, ...(forms.get(stemmed) ?? [])]) {
      const known = positive(termWeight(form));
      if (known > 0) corpus = Math.min(corpus, known);
    }
    const unknown = corpus === Infinity;
    if (unknown) corpus = UNKNOWN_TERM_WEIGHT;
    byStem.set(stemmed, { stem: stemmed, corpus, unknown, weight: corpus * spreadFactor(stemmed, sentences) });
  }
  const terms = [...byStem.values()];
  if (terms.length <= MAX_QUERY_TERMS) return terms;
  return terms
    .map((term, order) => ({ term, order }))
    .sort((a, b) => b.term.weight - a.term.weight || a.order - b.order)
    .slice(0, MAX_QUERY_TERMS)
    .sort((a, b) => a.order - b.order)
    .map(({ term }) => term);
}

/** `(idf_paper / idf_paper_max) ^ PAPER_IDF_EXPONENT`, at most 1: how well a term tells the paper's sentences apart. */
function spreadFactor(stemmed: string, sentences: readonly Candidate[]): number {
  const df = sentences.filter((sentence) => sentence.counts.has(stemmed)).length;
  const ratio = bm25Idf(df, sentences.length) / bm25Idf(1, sentences.length);
  return Math.min(1, ratio) ** PAPER_IDF_EXPONENT;
}

/** A weight as given, or 0 when it is not a positive finite number. */
function positive(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** BM25 score of one sentence for the query terms, and what it matched. */
function score(candidate: Candidate, index: number, terms: readonly QueryTerm[], averageLength: number, numberBonus: number): Scored {
  let total = 0;
  let matchedWeight = 0;
  let matchedInformative = 0;
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * candidate.length) / averageLength);
  for (const term of terms) {
    const tf = candidate.counts.get(term.stem);
    if (tf === undefined) continue;
    total += (term.weight * tf * (BM25_K1 + 1)) / (tf + norm);
    matchedWeight += term.corpus;
    if (term.corpus >= INFORMATIVE_WEIGHT || term.unknown) matchedInformative++;
  }
  if (numberBonus > 0 && STANDALONE_NUMBER.test(candidate.text)) total *= 1 + numberBonus;
  return { candidate, index, score: total, matchedWeight, matchedInformative };
}

/** Whether the best sentence answers the question (see {@link answerFromPaper}). */
function covers(best: Scored, totalWeight: number): boolean {
  if (best.matchedInformative === 0) return false;
  return best.matchedWeight >= COVERED_WEIGHT_SHARE * totalWeight || best.matchedInformative >= COVERED_MIN_TERMS;
}

function quote(scored: Scored): Quote {
  return { text: scored.candidate.text, source: scored.candidate.source, score: scored.score };
}

/** The summary, else the abstract's representative sentence, else its first sentence. */
function overviewSentence(sentences: readonly Candidate[], paper: Paper): Candidate | undefined {
  const summary = sentences.find((sentence) => sentence.source === 'summary');
  if (summary) return summary;
  const representative = representativeSentence(paper.abstractDisplay);
  return sentences.find((sentence) => sentence.text === representative) ?? sentences[0];
}

/** The answer to an overview question: the summary or the representative sentence, covered. */
function overviewAnswer(sentences: readonly Candidate[], paper: Paper): PaperAnswer {
  const overview = overviewSentence(sentences, paper);
  return { covered: overview !== undefined, quotes: overview ? [{ text: overview.text, source: overview.source, score: 0 }] : [] };
}

/**
 * The closest sentences when the paper does not answer: the best partial matches, then the overview
 * sentence, then the others in order, {@link UNCOVERED_QUOTES} in all.
 */
function closest(ranked: readonly Scored[], sentences: readonly Candidate[], paper: Paper): Quote[] {
  const chosen: Quote[] = ranked.filter((s) => s.score > 0).slice(0, UNCOVERED_QUOTES).map(quote);
  const fillers = [overviewSentence(sentences, paper), ...sentences];
  for (const filler of fillers) {
    if (chosen.length >= UNCOVERED_QUOTES) break;
    if (filler && !chosen.some((q) => q.text === filler.text)) chosen.push({ text: filler.text, source: filler.source, score: 0 });
  }
  return chosen;
}

/**
 * Answers `question` from `paper`: the sentences of its abstract (and its AI summary, when present, as
 * one more sentence) that best answer it. Pure and deterministic.
 *
 * The measure, BM25 over the paper's sentences:
 * 1. Terms: the question's words from `tokenize`, minus {@link QUESTION_WORDS} and {@link OVERVIEW_WORDS},
 *    stemmed like the sentences' (`datasets`/`dataset`, `trained`/`training`, `regularizer`/
 *    `regularization` meet).
 * 2. Weights: `w(t) = idf_corpus(t) · min(1, idf_paper(t) / idf_paper_max) ^ 0.5`
 *    ({@link PAPER_IDF_EXPONENT}). `idf_corpus` comes from `termWeight`, the caller's corpus idf (the
 *    search index's): the lowest known value over the word as asked and the paper's forms of its stem, so a
 *    concept weighs what its commonest form does; {@link UNKNOWN_TERM_WEIGHT} when no form is known.
 *    `idf_paper` is the BM25 idf of the stem among the paper's sentences: a term in every sentence (the
 *    paper's own name) tells them apart no better than a stop word, and loses most of its weight.
 * 3. Score: `Σ w(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))` over the terms a sentence has, `k1` =
 *    {@link BM25_K1}, `b` = {@link BM25_B}, `len` its number of terms, `avglen` the paper's average. When
 *    the question asks for an amount ("how many…", "how fast…", "what accuracy…") a sentence with a number
 *    scores {@link NUMBER_BONUS} more. Ties go to the summary, then to the earlier sentence.
 *
 * The paper covers the question when its best sentence matches an informative term
 * ({@link INFORMATIVE_WEIGHT}) and either {@link COVERED_WEIGHT_SHARE} of the question's total corpus
 * weight or {@link COVERED_MIN_TERMS} informative terms. Then the quotes are the best sentence and, when its
 * score is at least {@link SECOND_QUOTE_RATIO} of the best's, the second. Otherwise `covered` is false and
 * the quotes are the {@link UNCOVERED_QUOTES} closest sentences: partial matches first, then the summary or
 * the representative sentence.
 *
 * A question without a topic word ("what is the main idea?", "what method do they propose?", "what is
 * it?", an empty one) is an overview question: covered, answered with the summary or else the abstract's
 * representative sentence, at score 0. A paper without text gives `{ covered: false, quotes: [] }`.
 */
export function answerFromPaper(paper: Paper, question: string, termWeight: (term: string) => number): PaperAnswer {
  const forms = new Map<string, Set<string>>();
  const sentences = candidates(paper, forms);
  if (sentences.length === 0) return { covered: false, quotes: [] };
  const words = topicWords(question);
  if (words.length === 0) return overviewAnswer(sentences, paper);
  const terms = queryTerms(words, sentences, forms, termWeight);
  const totalWeight = terms.reduce((sum, term) => sum + term.corpus, 0);
  const averageLength = Math.max(1, sentences.reduce((sum, s) => sum + s.length, 0) / Math.max(1, sentences.length));
  const quantity = QUANTITY_QUESTION.test(question) ? NUMBER_BONUS : 0;
  const ranked = sentences
    .map((sentence, index) => score(sentence, index, terms, averageLength, quantity))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const best = ranked[0];
  if (!best || !covers(best, totalWeight)) return { covered: false, quotes: closest(ranked, sentences, paper) };
  const second = ranked[1];
  const quotes = [quote(best)];
  if (second && second.score > 0 && second.score >= SECOND_QUOTE_RATIO * best.score) quotes.push(quote(second));
  return { covered: true, quotes };
}
