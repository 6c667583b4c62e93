/**
 * Sentences of an abstract: splitting, and picking the one that best stands for the whole text (the TL;DR
 * of a card when the source gave no AI summary). Pure and deterministic; the same functions serve to
 * quote an abstract when answering a question about it.
 */
import { tokenize } from '../index/tokenize.ts';

/** Abbreviations (lower-cased, without the final period) after which a sentence never ends. */
const NEVER_FINAL = new Set([
  'e.g', 'i.e', 'cf', 'vs', 'viz', 'approx', 'resp', 'w.r.t', 'a.k.a', 'incl', 'esp', 'ca',
  'fig', 'figs', 'eq', 'eqs', 'sec', 'secs', 'tab', 'tabs', 'ref', 'refs', 'thm', 'lem', 'prop', 'def',
  'dr', 'mr', 'mrs', 'prof',
]);

/** Abbreviations that never end a sentence when a number follows (`No. 5`, `pp. 231`), but may otherwise. */
const BEFORE_NUMBER = new Set(['no', 'nos', 'vol', 'pp', 'p', 'ch', 'art']);

/**
 * Capitalized words that usually open a sentence. After an ambiguous period (an initial such as `N.`, a
 * dotted acronym such as `U.S.`) only one of these makes a new sentence: `A. Smith` stays whole, while
 * `of size N. We show` is split.
 */
const SENTENCE_OPENERS = new Set(
  (
    'we our the this these that those it its in on to for as by with from at an here there then thus ' +
    'however moreover furthermore finally also therefore hence further additionally specifically notably ' +
    'importantly overall unlike while when although though despite since because given based using building ' +
    'experiments experimental results extensive empirically theoretically code existing prior previous recent ' +
    'current most many such both each all first second third lastly they he she one two'
  ).split(' '),
);

/** Characters that may open a sentence before its first word: quotes and brackets. */
const OPENING_MARKS = '([{"\'“‘«';

/**
 * A possible sentence end: final punctuation, closing quotes or brackets, then whitespace or the end of
 * the paragraph. The second branch catches a missing space (`layers.We establish`, `(2020).The`): a period
 * after a closing bracket or three lower-case letters, before a capitalized word that a space or a comma
 * follows (so `Adv.Theor.Math` or `nn.Module(` are not taken).
 */
const CANDIDATE = /([.?!…]+)([)\]}"'”’»]*)(?=\s|$)|(?<=[)\]]|\p{Ll}{3})(\.)(?=\p{Lu}\p{Ll}+[\s,;:])/gu;

/** A list item marker that starts a sentence after a period: `(ii) We show`, `(b) The`, `(2) A`. */
const ENUMERATOR = /\s*\((?:[ivx]+|[a-z]|\d{1,2})\)\s/y;
const WORD = /\S*/y;

/** Whether a list item marker follows `position`. */
function enumeratorAt(text: string, position: number): boolean {
  ENUMERATOR.lastIndex = position;
  return ENUMERATOR.test(text);
}

/** The word right after `position` (skipping spaces and opening quotes/brackets), or '' at the end. */
function nextWord(text: string, position: number): string {
  let i = position;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  while (i < text.length && OPENING_MARKS.includes(text[i]!)) i++;
  WORD.lastIndex = i;
  return WORD.exec(text)![0];
}

/** The non-space run that ends at `position`, without opening quotes/brackets. */
function wordBefore(text: string, position: number): string {
  let start = position;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  let word = text.slice(start, position);
  while (word !== '' && OPENING_MARKS.includes(word[0]!)) word = word.slice(1);
  return word;
}

/**
 * Whether `word` can be the first word of a sentence: it starts with a capital, a digit or another
 * symbol (math, a quote), or it is a lower-case identifier with capitals or digits (`iPhone`, `o1`).
 * A word starting with a lower-case letter or with `, ; : )` continues the sentence.
 */
function startsSentence(word: string): boolean {
  if (word === '') return false;
  const first = word[0]!;
  if (/\p{Ll}/u.test(first)) return /[\p{Lu}\p{N}]/u.test(word);
  return !/[,;:)\]}]/.test(first);
}

function isCapitalized(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

function isSentenceOpener(word: string): boolean {
  const bare = word.replace(/[^\p{L}]+$/u, '');
  return isCapitalized(bare) && SENTENCE_OPENERS.has(bare.toLowerCase());
}

/**
 * Decides whether the candidate `punctuation` at `start` ends a sentence; `after` is the position after it
 * and its closers, `spaced` whether whitespace follows (else it is the missing-space case).
 */
function endsSentence(text: string, start: number, punctuation: string, after: number, spaced: boolean): boolean {
  if (!spaced) return !/[/@]/.test(wordBefore(text, start));
  const next = nextWord(text, after);
  if (next === '') return true;
  if (/^\.{2,}$|…/.test(punctuation)) return false;
  const enumerator = enumeratorAt(text, after);
  if (punctuation !== '.') return enumerator || startsSentence(next);
  const word = wordBefore(text, start);
  const lower = word.toLowerCase();
  if (NEVER_FINAL.has(lower)) return false;
  if (BEFORE_NUMBER.has(lower) && /^[\d(]/.test(next)) return false;
  if (enumerator) return true;
  const previous = wordBefore(text, Math.max(0, start - word.length - 1)).toLowerCase();
  if (lower === 'etc' || (lower === 'al' && previous === 'et')) return isCapitalized(next);
  if (/^\p{Lu}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word)) return isSentenceOpener(next);
  return startsSentence(next);
}

/** Splits one paragraph (whitespace already folded) into sentences. */
function splitParagraph(paragraph: string): string[] {
  const sentences: string[] = [];
  let from = 0;
  for (const match of paragraph.matchAll(CANDIDATE)) {
    const start = match.index;
    const spaced = match[1] !== undefined;
    const punctuation = match[1] ?? match[3]!;
    const after = start + match[0].length;
    if (!endsSentence(paragraph, start, punctuation, after, spaced)) continue;
    sentences.push(paragraph.slice(from, after));
    from = after;
  }
  sentences.push(paragraph.slice(from));
  return sentences.map((s) => s.trim()).filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/**
 * Splits text (an abstract) into sentences, trimmed, with inner whitespace folded to single spaces; pieces
 * without a letter or digit (empty, or stray punctuation) are dropped.
 *
 * A sentence ends at `.`, `?` or `!` (plus any closing quotes or brackets) followed by whitespace and a
 * word that can start a sentence (see below), and always at a paragraph break (a blank line). A single
 * line break is only whitespace, so hard-wrapped text (arXiv's API) splits like unwrapped text.
 *
 * It does not end:
 * - inside numbers, version strings, URLs or dotted names (`28.4`, `v1.5`, `github.io/x`): a period that
 *   no whitespace follows is not an end, except a missing space between two words of prose
 *   (`layers.We establish`, `(2020).The`) outside URLs and e-mail addresses;
 * - after abbreviations that precede more text: `e.g.`, `i.e.`, `cf.`, `vs.`, `Fig.`, `Eq.`, `Sec.`,
 *   `approx.`, `resp.`, `w.r.t.`, `Dr.`… (and `No.`, `pp.`, `Vol.` before a number);
 * - at an ellipsis (`...`, `…`);
 * - before a word in lower case (`etc. seem`), unless it is an identifier with capitals or digits (`o1`) or
 *   a list marker (`(ii) we`).
 *
 * Ambiguous periods are judged by the next word: after `et al.` and `etc.` a capitalized word starts a new
 * sentence (`…, etc. In this work`), and after a single capital (`A. Smith`, `size N.`) or a dotted acronym
 * (`U.S.`) only a common sentence opener does (`We`, `The`, `However`…).
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n[^\S\r\n]*(?:\r?\n\s*)+/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .flatMap(splitParagraph);
}

/** A bag of words: term → count. */
type Counts = Map<string, number>;

/** Suffixes {@link stem} strips, longest first. */
const SUFFIXES = [
  'izations', 'ization', 'ational', 'ations', 'ically', 'ation', 'ional', 'ences', 'ments', 'ities', 'ings', 'ions',
  'ence', 'ment', 'ness', 'ity', 'ing', 'ive', 'ent', 'ion', 'ers', 'ed', 'al', 'ly', 'er', 'es', 's', 'e',
];
/** A stem keeps at least this many characters. */
const MIN_STEM = 4;

/**
 * A light suffix stripper, so that inflected and derived forms meet: `models`/`modeling` → `model`,
 * `recurrent`/`recurrence` → `recurr`, `convolutions`/`convolutional` → `convolut`. It removes the longest
 * matching suffix of {@link SUFFIXES} that leaves {@link MIN_STEM} characters (not `s` after `s`, `u`,
 * `i`: `loss`, `bias`); terms with digits are kept as they are (`o1`, `r1`).
 */
export function stem(term: string): string {
  if (/\d/.test(term)) return term;
  for (const suffix of SUFFIXES) {
    if (!term.endsWith(suffix) || term.length - suffix.length < MIN_STEM) continue;
    if (suffix === 's' && /[sui]s$/.test(term)) continue;
    return term.slice(0, -suffix.length);
  }
  return term;
}

/** The stemmed terms of `text` with their counts; numbers (`28`, `2014`) are results, not topics, and are left out. */
function termCounts(text: string): Counts {
  const counts: Counts = new Map();
  for (const term of tokenize(text)) {
    if (/^\d+$/.test(term)) continue;
    const stemmed = stem(term);
    counts.set(stemmed, (counts.get(stemmed) ?? 0) + 1);
  }
  return counts;
}

/** Sublinear term frequency: a term said five times is not five times as important. */
function weight(count: number): number {
  return 1 + Math.log(count);
}

function norm(counts: Counts): number {
  let sum = 0;
  for (const count of counts.values()) sum += weight(count) ** 2;
  return Math.sqrt(sum);
}

/** Exponent of the sentence norm in {@link similarity}: 1 is the cosine; more leans against long sentences. */
const LENGTH_EXPONENT = 1.5;

/**
 * Cosine similarity of a sentence and the abstract, divided once more by the square root of the sentence
 * vector's norm: `dot(s, a) / (|a| · |s|^1.5)`. 0 when either has no terms.
 */
function similarity(sentence: Counts, abstract: Counts, abstractNorm: number): number {
  const sentenceNorm = norm(sentence);
  if (sentenceNorm === 0 || abstractNorm === 0) return 0;
  let dot = 0;
  for (const [term, count] of sentence) {
    const other = abstract.get(term);
    if (other !== undefined) dot += weight(count) * weight(other);
  }
  return dot / (abstractNorm * sentenceNorm ** LENGTH_EXPONENT);
}

/** A sentence that states the paper's contribution: "we propose", "this paper introduces"… */
const CONTRIBUTION =
  /\b(?:we|this (?:paper|work|study|article)|our (?:paper|work))\s+(?:\w+ly\s+|also\s+|further\s+|then\s+|here\s+)?(?:propose|introduce|present|show|develop|demonstrate|design|report)s?\b/i;

/** Added to the relative similarity of a sentence that states the contribution. */
const CONTRIBUTION_BONUS = 0.15;
/** Taken from the relative similarity of a sentence of fewer than {@link SHORT_WORDS} words. */
const SHORT_PENALTY = 0.25;
/** Taken from the relative similarity of a sentence of more than {@link LONG_WORDS} words. */
const LONG_PENALTY = 0.15;
const SHORT_WORDS = 6;
const LONG_WORDS = 60;

/**
 * The sentence of `text` (an abstract) that is most representative of the whole, as returned by
 * {@link splitSentences}; undefined when the text has no sentence.
 *
 * The measure:
 * 1. Terms come from `tokenize` (stop words dropped), lightly stemmed (`models`, `modeling` → `model`);
 *    bare numbers are left out. Each sentence, and the whole abstract, is a vector of `1 + ln(tf)` weights.
 * 2. Similarity is the cosine between sentence and abstract, divided once more by `√|s|` (the sentence
 *    vector's norm): `dot(s, a) / (|a| · |s|^1.5)`. A plain cosine still grows with the number of terms a
 *    sentence covers; the extra factor stops a long sentence from winning by length alone.
 * 3. Similarities are made relative to the best one in the abstract (the best is 1), then adjusted:
 *    `+0.15` when the sentence states the contribution (`we propose/introduce/present/show…`,
 *    `this paper introduces…`), `−0.25` under 6 words, `−0.15` over 60 words.
 *
 * The highest score wins; ties go to the earlier sentence. Pure and deterministic.
 */
export function representativeSentence(text: string): string | undefined {
  const sentences = splitSentences(text);
  if (sentences.length <= 1) return sentences[0];
  const abstract = termCounts(text);
  const abstractNorm = norm(abstract);
  const similarities = sentences.map((sentence) => similarity(termCounts(sentence), abstract, abstractNorm));
  const top = similarities.reduce((max, value) => Math.max(max, value), 0);
  let best = 0;
  let bestScore = -Infinity;
  sentences.forEach((sentence, i) => {
    const words = sentence.split(/\s+/).length;
    let score = top > 0 ? similarities[i]! / top : 0;
    if (CONTRIBUTION.test(sentence)) score += CONTRIBUTION_BONUS;
    if (words < SHORT_WORDS) score -= SHORT_PENALTY;
    if (words > LONG_WORDS) score -= LONG_PENALTY;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return sentences[best];
}
