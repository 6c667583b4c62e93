/**
 * Answers a question asked in a paper's discussion thread from the paper itself: the sentences of its
 * abstract (and the source's one-line AI summary) and, when the full text is known, of its body, that
 * best answer the question. BM25 over the paper's sentences with corpus-level term weights, plus what the
 * question's kind asks for (a GPU name, a duration, a Limitations section). Pure and deterministic.
 */
import type { Paper } from '../corpus/paper.ts';
import { representativeSentence } from '../corpus/sentences.ts';
import type { PaperText } from '../fulltext/paper-text.ts';
import { tokenize } from '../index/tokenize.ts';
import { paperPassages, SYNONYMS, termStem, type Candidate, type PaperPassages, type PassageRef, type QuoteSource } from './paper-passages.ts';
import { INTENTS, NUMBER_WORDS, questionIntents } from './question-intents.ts';

export type { PassageRef, QuoteSource } from './paper-passages.ts';

/** What a question in a discussion thread asks for. */
export type QuestionKind = 'about-paper' | 'related' | 'summary' | 'empty';

/** One quoted passage of an answer. */
export interface Quote {
  /** The sentence, sometimes with its neighbour when it would not stand alone. */
  text: string;
  source: QuoteSource;
  /** Where in the full text it is (body quotes only). */
  passage?: PassageRef;
  /** The sentence's score for the question; 0 for an overview answer (see {@link answerFromPaper}). */
  score: number;
}

/** A whole passage retrieved for a question, as a language model may be given it. */
export interface CitedPassage {
  /** How an answer cites it: `abstract`, `summary`, `§4.2`, `Acknowledgements`. */
  cite: string;
  text: string;
}

/** The answer to a question about one paper. */
export interface PaperAnswer {
  /** Whether the paper answers the question; when false, `quotes` are only the closest sentences. */
  covered: boolean;
  /** Best first. */
  quotes: Quote[];
  /** What was searched: the abstract (and summary) only, or the full text too. */
  searched: 'abstract' | 'full-text';
  /** The passages holding the best-scoring sentences, best first, at most {@link CONTEXT_PASSAGES}. */
  passages: CitedPassage[];
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
/** The best sentence covers the question when it matches at least this share of the question's corpus weight… */
export const COVERED_WEIGHT_SHARE = 0.3;
/** …or at least this many informative terms. */
export const COVERED_MIN_TERMS = 2;
/** A synonym (`outperforms` for `beat`) counts this much of the word asked. */
export const SYNONYM_FACTOR = 0.7;
/** A question word found in the sentence's section titles (and not in the sentence) counts this much. */
export const SECTION_TITLE_FACTOR = 0.6;
/** Added to a sentence that looks like the kind of answer asked (a GPU name for a hardware question). */
export const EVIDENCE_WEIGHT = 1.2;
/** Added to a sentence in the kind of section such answers are in (Implementation details, Limitations). */
export const SECTION_WEIGHT = 0.8;
/**
 * Informative question words found nowhere in the paper (nor their synonyms), as a share of the question's
 * weight, at or above which the paper does not cover it ("what license…" in a paper that names none).
 */
export const ABSENT_SHARE = 0.5;
/**
 * The weight of a word the corpus does not know when telling what the paper lacks: a word no abstract uses
 * (`license`, `GPT`, `dollars`) is specific, about the weight of a word in one paper of a few thousand.
 */
export const ABSENT_UNKNOWN_WEIGHT = 4;
/** A second quote is given when its score is at least this share of the first's. */
export const SECOND_QUOTE_RATIO = 0.75;
/** The abstract's best sentence is quoted first when it covers the question and scores at least this share of the best. */
export const ABSTRACT_FIRST_RATIO = 0.6;
/** How many quotes an uncovered answer offers. */
export const UNCOVERED_QUOTES = 2;
/** Score bonus (a share) of a sentence with a number when the question asks for an amount ("how many…"). */
export const NUMBER_BONUS = 0.5;
/** A question's terms beyond this many (the heaviest are kept) are ignored: a pasted page costs no more. */
export const MAX_QUERY_TERMS = 32;
/** Passages retrieved for a question (what a language model is given). */
export const CONTEXT_PASSAGES = 6;
/** A retrieved passage is cut to this many characters. */
export const CONTEXT_PASSAGE_CHARS = 1200;
/** A quoted sentence shorter than this takes its next sentence along, within {@link QUOTE_CHARS}. */
export const SHORT_QUOTE_CHARS = 90;
/** Longest quote made of several sentences. */
export const QUOTE_CHARS = 420;

/**
 * Words that only shape a question ("what do they use", "is there any", "tell me") and never say what it is
 * about. They are dropped from every question (the index already drops `what`, `which`, `how`, `does`…).
 */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  (
    'did done doing am any anything anyone tell me my please paperboy kind type sort exactly actually really ' +
    'he she use used uses using try tried get got also types kinds sorts need needs require requires many much ' +
    'happens happen happened go went goes come comes came ' +
    // Chatter: words that carry no topic in a question, however rare they are in abstracts.
    'out still just even yet ever now then there here well anyway afterwards later really quite pretty ' +
    'think know say says said mean means like want wonder curious question quick guys folks thanks thank ' +
    'ok okay lol hmm cool nice interesting keep kept run runs ran running give gives take takes took make makes made'
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

/** Asking for the paper's summary: `summary`, `tl;dr`, `summarize it`, `give me the gist`. */
const SUMMARY_PATTERN = /^\s*(?:(?:can you |please |give me (?:a |the )?)?(?:summary|summari[sz]e(?: (?:it|this|the paper))?|tl;?\s?dr|the gist)|what(?:'s| is) the tl;?\s?dr)\s*[?!.]*\s*$/;

/**
 * What a discussion question asks for:
 * - `empty`: it has no letter or digit (whitespace, punctuation, emoji only);
 * - `summary`: the paper's summary (`summary`, `tl;dr`, `summarize it`);
 * - `related`: related, similar or comparable papers, other work like this one ("any similar papers?",
 *   "what else is like this?", "related work?"), so the caller answers with related papers. Asking how the
 *   paper compares to something it names ("is it similar to LoRA?") is a question about the paper;
 * - `about-paper`: anything else, answered by {@link answerFromPaper}.
 */
export function classifyQuestion(question: string): QuestionKind {
  if (!/[\p{L}\p{N}]/u.test(question)) return 'empty';
  const text = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  if (SUMMARY_PATTERN.test(text)) return 'summary';
  return RELATED_PATTERNS.some((pattern) => pattern.test(text)) ? 'related' : 'about-paper';
}

/** A question term: its stem, its synonyms, and its weight in the scoring. */
interface QueryTerm {
  stem: string;
  synonyms: readonly string[];
  /** Bits of the asked intents this word itself names (`gpus` for hardware): a sentence with their evidence answers it. */
  intents: number;
  /** The corpus idf: how much the word says (or {@link UNKNOWN_TERM_WEIGHT}). */
  corpus: number;
  /** Whether the corpus knows none of its forms (a word that specific is informative when it matches). */
  unknown: boolean;
  /** The weight BM25 uses: the corpus idf, lowered by the term's spread over the paper's sentences. */
  weight: number;
}

/** A question asking for an amount ("how many…", "how fast…", "what accuracy…"), answered by a number. */
const QUANTITY_QUESTION =
  /\bhow\s+(?:many|much|fast|quick(?:ly)?|slow|big|large|small|long|well|accurate|good)\b|\bwhat\s+(?:accuracy|score|speed(?:up)?|size|percentage|number|rate|rank)\b|\bhow (?:does|did|do) (?:it|they|\S+) (?:do|fare|perform)\b/i;
/** A number standing on its own in a sentence (`3,000`, `86%`, `500M`), not part of a name (`ResNet-50`, `O3`). */
const STANDALONE_NUMBER = new RegExp(`(?:^|[\\s(~≈])(?!(?:19|20)\\d\\d\\b)\\d|\\b(?:${NUMBER_WORDS})\\b(?!-)`, 'i');
/** `how long`, `how big`: the adverb belongs to the question form (the intent), not its topic. */
const HOW_ADVERB = /\bhow\s+(?:long|big|large|well|good|often|much|many)\b/gi;

/** A candidate's score and the question terms it matched. */
interface Scored {
  candidate: Candidate;
  index: number;
  score: number;
  matchedWeight: number;
  matchedInformative: number;
  /** Whether it has the evidence of an intent the question asks (a GPU name for a hardware question). */
  evidence: boolean;
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
  const words = tokenize(question.replace(HOW_ADVERB, 'how')).filter(
    (word) => !QUESTION_WORDS.has(word) && !OVERVIEW_WORDS.has(word) && !/^\d$/.test(word),
  );
  return [...new Set(words)];
}

/** Optimal-string-alignment distance of two words, or `max + 1` as soon as it must exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Typos a question word may have, by its length: one from 5 letters, two from 8 (as search allows). */
function typoBudget(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
}

/**
 * The question's words as the paper spells them: a word the paper never uses (`datsets`, `regularisation`)
 * becomes the paper's closest word within {@link typoBudget}; other words stay as typed.
 */
function spelledAsThePaper(words: readonly string[], paper: PaperPassages): string[] {
  return words.map((word) => {
    const budget = typoBudget(word);
    if (budget === 0 || paper.vocabulary.has(termStem(word))) return word;
    let best = word;
    let bestDistance = budget + 1;
    for (let length = word.length - budget; length <= word.length + budget; length++) {
      for (const form of paper.wordsByLength.get(length) ?? []) {
        if (/\d/.test(form) !== /\d/.test(word)) continue;
        const distance = editDistance(word, form, bestDistance - 1);
        if (distance < bestDistance) {
          best = form;
          bestDistance = distance;
        }
      }
    }
    return best;
  });
}

/** A weight as given, or 0 when it is not a positive finite number. */
function positive(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Weighs the question's words (see {@link answerFromPaper}). Words sharing a stem are one term; the
 * heaviest {@link MAX_QUERY_TERMS} are kept, in question order.
 */
function queryTerms(words: readonly string[], paper: PaperPassages, termWeight: (term: string) => number, asked: readonly number[]): QueryTerm[] {
  const byStem = new Map<string, QueryTerm>();
  const n = paper.candidates.length;
  const spread = (stemmed: string): number => Math.min(1, bm25Idf(paper.df.get(stemmed) ?? 0, n) / bm25Idf(1, n)) ** PAPER_IDF_EXPONENT;
  for (const word of words) {
    const stemmed = termStem(word);
    if (byStem.has(stemmed)) continue;
    let corpus = Infinity;
    for (const form of [word, ...(paper.forms.get(stemmed) ?? [])]) {
      const known = positive(termWeight(form));
      if (known > 0) corpus = Math.min(corpus, known);
    }
    const unknown = corpus === Infinity;
    if (unknown) corpus = UNKNOWN_TERM_WEIGHT;
    const intents = asked.reduce((mask, i) => (INTENTS[i]!.asks.test(word) ? mask | (1 << i) : mask), 0);
    byStem.set(stemmed, { stem: stemmed, synonyms: SYNONYMS.get(stemmed) ?? [], intents, corpus, unknown, weight: corpus * spread(stemmed) });
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

function informative(term: QueryTerm): boolean {
  return term.corpus >= INFORMATIVE_WEIGHT || term.unknown;
}

/** How specific a word is, for telling what a sentence (or the paper) covers: a word no abstract uses is very specific. */
function specificity(term: QueryTerm): number {
  return term.unknown ? ABSENT_UNKNOWN_WEIGHT : term.corpus;
}

/** How the question is asked: its terms, and the bits of the intents it asks. */
interface Query {
  terms: QueryTerm[];
  intents: number;
  /** Bits of asked intents whose evidence an answer needs. */
  needed: number;
  quantity: boolean;
}

/** The score of one sentence for the query, and what it matched. */
function score(candidate: Candidate, index: number, query: Query, averageLength: number): Scored {
  let total = 0;
  let matchedWeight = 0;
  let matchedInformative = 0;
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * candidate.length) / averageLength);
  for (const term of query.terms) {
    let tf = candidate.counts.get(term.stem) ?? 0;
    let factor = 1;
    if (tf === 0) {
      for (const synonym of term.synonyms) tf = Math.max(tf, candidate.counts.get(synonym) ?? 0);
      factor = SYNONYM_FACTOR;
    }
    if (tf > 0) {
      total += (factor * term.weight * tf * (BM25_K1 + 1)) / (tf + norm);
    } else if (candidate.sectionStems.has(term.stem) || term.synonyms.some((s) => candidate.sectionStems.has(s))) {
      total += SECTION_TITLE_FACTOR * term.weight;
      factor = SECTION_TITLE_FACTOR;
    } else if ((term.intents & (candidate.evidence | candidate.inSection)) !== 0) {
      factor = SYNONYM_FACTOR;
    } else {
      continue;
    }
    matchedWeight += factor * specificity(term);
    if (informative(term)) matchedInformative += factor === 1 ? 1 : 0.5;
  }
  const evidence = (candidate.evidence & query.intents) !== 0;
  for (let i = 0; i < INTENTS.length; i++) {
    const bit = 1 << i;
    if (!(query.intents & bit)) continue;
    if (candidate.evidence & bit) total += EVIDENCE_WEIGHT;
    if (candidate.inSection & bit) total += SECTION_WEIGHT;
  }
  if (query.quantity && STANDALONE_NUMBER.test(candidate.text)) total *= 1 + NUMBER_BONUS;
  return { candidate, index, score: total * candidate.prior, matchedWeight, matchedInformative, evidence };
}

/** Whether a scored sentence answers the question (see {@link answerFromPaper}). */
function covers(scored: Scored, query: Query, totalWeight: number): boolean {
  if (scored.score <= 0) return false;
  if (query.needed !== 0 && (scored.candidate.evidence & query.needed) === 0) return false;
  // "What datasets?", "what are the limitations?": a question made only of intent words needs its evidence.
  const intentWords = query.terms.reduce((mask, term) => mask & term.intents, ~0);
  if (intentWords !== 0 && ((scored.candidate.evidence | scored.candidate.inSection) & intentWords) === 0) return false;
  if (scored.matchedInformative === 0 && !(scored.evidence && scored.matchedWeight > 0)) return false;
  return scored.matchedWeight >= COVERED_WEIGHT_SHARE * totalWeight || scored.matchedInformative >= COVERED_MIN_TERMS;
}

/**
 * The share of the question's weight made of informative words that appear nowhere in the paper (title,
 * sentences, section titles, nor as a synonym); a word naming an intent whose evidence the paper has
 * (`gpus` in a paper naming an A100) is present. Unknown words weigh {@link ABSENT_UNKNOWN_WEIGHT}.
 */
function absentShare(terms: readonly QueryTerm[], paper: PaperPassages): number {
  const present = (stemmed: string): boolean => paper.vocabulary.has(stemmed);
  let absent = 0;
  let total = 0;
  for (const term of terms) {
    total += specificity(term);
    if (!informative(term) || (term.intents & paper.evidence) !== 0) continue;
    if (present(term.stem) || term.synonyms.some(present)) continue;
    absent += specificity(term);
  }
  return total > 0 ? absent / total : 0;
}

/** The sentence as quoted: a short one of the body takes its next sentence along, so it stands on its own. */
function quoteText(candidate: Candidate): string {
  let text = candidate.text;
  const next = candidate.siblings[candidate.position + 1];
  if (candidate.source === 'body' && text.length < SHORT_QUOTE_CHARS && next !== undefined && text.length + next.length + 1 <= QUOTE_CHARS) {
    text = `${text} ${next}`;
  }
  return text;
}

function quote(scored: Scored): Quote {
  const { candidate } = scored;
  return { text: quoteText(candidate), source: candidate.source, ...(candidate.passage ? { passage: candidate.passage } : {}), score: scored.score };
}

/** The summary, else the abstract's representative sentence, else its first sentence. */
function overviewSentence(candidates: readonly Candidate[], paper: Paper): Candidate | undefined {
  const summary = candidates.find((c) => c.source === 'summary');
  if (summary) return summary;
  const representative = representativeSentence(paper.abstractDisplay);
  return candidates.find((c) => c.text === representative) ?? candidates[0];
}

/** How a passage is cited: `§4.2`, an unnumbered section's title, `abstract`, `summary`. */
export function citeOf(source: QuoteSource, passage?: PassageRef): string {
  if (source !== 'body') return source;
  const section = passage?.section;
  if (!section) return passage?.kind === 'footnote' ? 'footnote' : 'body';
  const numbered = /^§[\w.]+/.exec(section)?.[0];
  return numbered ?? section;
}

/** The distinct passages of the best sentences, best first. */
function retrieved(ranked: readonly Scored[]): CitedPassage[] {
  const seen = new Set<string>();
  const passages: CitedPassage[] = [];
  for (const { candidate, score } of ranked) {
    if (score <= 0 || passages.length >= CONTEXT_PASSAGES) break;
    const key = candidate.passage?.id ?? candidate.source;
    if (seen.has(key)) continue;
    seen.add(key);
    const whole = candidate.siblings.join(' ');
    const text = whole.length <= CONTEXT_PASSAGE_CHARS ? whole : `${whole.slice(0, CONTEXT_PASSAGE_CHARS - 1).trimEnd()}…`;
    passages.push({ cite: citeOf(candidate.source, candidate.passage), text });
  }
  return passages;
}

function overviewQuote(candidate: Candidate): Quote {
  return { text: candidate.text, source: candidate.source, ...(candidate.passage ? { passage: candidate.passage } : {}), score: 0 };
}

/**
 * The closest sentences when the paper does not answer: the best partial matches, then the overview
 * sentence, then the others in order, {@link UNCOVERED_QUOTES} in all.
 */
function closest(ranked: readonly Scored[], candidates: readonly Candidate[], paper: Paper): Quote[] {
  const chosen: Quote[] = ranked.filter((s) => s.score > 0).slice(0, UNCOVERED_QUOTES).map(quote);
  const fillers = [overviewSentence(candidates, paper), ...candidates];
  for (const filler of fillers) {
    if (chosen.length >= UNCOVERED_QUOTES) break;
    if (filler && !chosen.some((q) => q.text === filler.text)) chosen.push(overviewQuote(filler));
  }
  return chosen;
}

/**
 * Answers `question` from `paper`: the sentences of its abstract (and AI summary, when present) and, when
 * `fullText` is given, of its body, that best answer it. Pure and deterministic.
 *
 * The measure, BM25 over the paper's sentences:
 * 1. Terms: the question's words from `tokenize`, minus {@link QUESTION_WORDS} and {@link OVERVIEW_WORDS},
 *    stemmed like the sentences' (`datasets`/`dataset`, `trained`/`training`), each with its synonyms from
 *    `SYNONYM_GROUPS` (`beat` → `outperforms`), which count {@link SYNONYM_FACTOR} of the word.
 * 2. Weights: `w(t) = idf_corpus(t) · min(1, idf_paper(t) / idf_paper_max) ^ 0.5`. `idf_corpus` comes
 *    from `termWeight`, the caller's corpus idf: the lowest known value over the word as asked and the
 *    paper's forms of its stem; {@link UNKNOWN_TERM_WEIGHT} when no form is known. `idf_paper` is the BM25
 *    idf of the stem among the paper's sentences, so the paper's own name weighs little.
 * 3. Score: `Σ w(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))` over the terms a sentence has; a term
 *    only in its section titles counts {@link SECTION_TITLE_FACTOR}·w. For each kind of question asked
 *    (`INTENTS`: hardware, duration, data, results, limitations, availability…), a sentence that looks like
 *    such an answer gains {@link EVIDENCE_WEIGHT}, one in such a section {@link SECTION_WEIGHT}. A question
 *    for an amount favours sentences with numbers ({@link NUMBER_BONUS}). The total is multiplied by the
 *    sentence's place (`SECTION_PRIORS`: related work and acknowledgements count less). Ties go to the
 *    earlier sentence (summary, abstract, then body in order).
 *
 * The paper covers the question when informative words making {@link ABSENT_SHARE} of its weight are not
 * absent from the paper, and its best sentence matches an informative term (or looks like the answer asked
 * and matches any term) and either {@link COVERED_WEIGHT_SHARE} of the question's weight or
 * {@link COVERED_MIN_TERMS} informative terms. A kind of question that needs evidence (hardware,
 * duration, availability) is covered only by a sentence that has it. Then the quotes are the best
 * sentence and, when its score is at least {@link SECOND_QUOTE_RATIO} of the best's, the second; when the
 * best is in the body but the abstract has a covering sentence scoring {@link ABSTRACT_FIRST_RATIO} of it,
 * the abstract's comes first. Otherwise `covered` is false and the quotes are the {@link UNCOVERED_QUOTES}
 * closest sentences.
 *
 * A question without a topic word ("what is the main idea?", an empty one) is an overview question:
 * covered, answered with the summary or else the abstract's representative sentence, at score 0. A paper
 * without text gives `{ covered: false, quotes: [] }`.
 */
export function answerFromPaper(paper: Paper, question: string, termWeight: (term: string) => number, fullText?: PaperText): PaperAnswer {
  const passages = paperPassages(paper, fullText);
  const searched = passages.hasBody ? 'full-text' : 'abstract';
  const { candidates } = passages;
  if (candidates.length === 0) return { covered: false, quotes: [], searched, passages: [] };
  const words = spelledAsThePaper(topicWords(question), passages);
  if (words.length === 0) {
    const overview = overviewSentence(candidates, paper);
    const context = overview ? [{ cite: citeOf(overview.source, overview.passage), text: overview.siblings.join(' ') }] : [];
    return { covered: overview !== undefined, quotes: overview ? [overviewQuote(overview)] : [], searched, passages: context };
  }
  const asked = questionIntents(question).map((intent) => INTENTS.indexOf(intent));
  const query: Query = {
    terms: queryTerms(words, passages, termWeight, asked),
    intents: asked.reduce((mask, i) => mask | (1 << i), 0),
    needed: asked.reduce((mask, i) => (INTENTS[i]!.needsEvidence ? mask | (1 << i) : mask), 0),
    quantity: QUANTITY_QUESTION.test(question),
  };
  const totalWeight = query.terms.reduce((sum, term) => sum + specificity(term), 0);
  const ranked = candidates
    .map((candidate, index) => score(candidate, index, query, passages.averageLength))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const answering = ranked.filter((s) => covers(s, query, totalWeight));
  const best = answering[0];
  if (!best || absentShare(query.terms, passages) >= ABSENT_SHARE) {
    return { covered: false, quotes: closest(ranked, candidates, paper), searched, passages: retrieved(ranked) };
  }
  const quotes = [quote(best)];
  if (best.candidate.source === 'body') {
    // The abstract first when it answers as well: it has what the best body sentence shows (a number for an amount, a GPU name…).
    const shown = best.candidate.evidence & query.intents;
    const fromAbstract = answering.find(
      (s) =>
        s.candidate.source !== 'body' &&
        (s.candidate.evidence & shown) === shown &&
        (!query.quantity || !STANDALONE_NUMBER.test(best.candidate.text) || STANDALONE_NUMBER.test(s.candidate.text)),
    );
    if (fromAbstract && fromAbstract.score >= ABSTRACT_FIRST_RATIO * best.score) quotes.unshift(quote(fromAbstract));
  }
  const second = answering.find((s) => !quotes.some((q) => q.text.includes(s.candidate.text)));
  if (quotes.length === 1 && second && second.score >= SECOND_QUOTE_RATIO * best.score) quotes.push(quote(second));
  return { covered: true, quotes, searched, passages: retrieved([best, ...ranked]) };
}
