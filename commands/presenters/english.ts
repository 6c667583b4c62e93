/* Small pieces of English every message needs. */

/** `a`, `a or b`, `a, b or c`. */
export function either(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** `1 paper`, `2 papers` (a regular plural unless `plural` is given). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? singular : plural}`;
}
