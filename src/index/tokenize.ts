/**
 * Words that carry no topic. They are not indexed and not searched: dropping them keeps the postings
 * small and stops them from dragging thousands of candidates into every query.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being both but by can could do does for from had has have how if in into is it its ' +
    'may more most much must no nor not of on or our ours over per so some such than that the their them then there ' +
    'these they this those through thus to under up upon us via was we were what when where whether which while who ' +
    'whose why will with within without would you your'
  ).split(' '),
);

/** Terms shorter than this are not indexed (single letters), except digits. */
const MIN_TERM_LENGTH = 2;

/**
 * Splits text into index terms: Unicode-normalized, accents removed, lower-cased, split on anything
 * that is not a letter or digit; stop words and single letters dropped. `Transformer²` → `transformer2`.
 */
export function tokenize(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const terms: string[] = [];
  for (const raw of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < MIN_TERM_LENGTH && !/^\d$/.test(raw)) continue;
    if (STOP_WORDS.has(raw)) continue;
    terms.push(raw);
  }
  return terms;
}
