/** The words of {@link fillerText}, so a test can check no word was cut in half. */
export const FILLER_WORDS: readonly string[] = ['transformer', 'attention', 'diffusion', 'gradient', 'a', 'of', 'sparse', 'mixture-of-experts', 'token'];

/** Abstract-like filler text of at least `chars` characters, the same every time (for limit and split tests). */
export function fillerText(chars: number): string {
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i += 1) {
    const word = FILLER_WORDS[(i * 7) % FILLER_WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}
