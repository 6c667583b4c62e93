/* Hygiene for everything people type, before it is parsed. */

/** The longest command line accepted. */
export const MAX_INPUT_CHARS = 2000;

/** Removes control and bidi-override characters (they can disguise or break text) and normalizes Unicode. */
export function cleanInput(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\t\n]+/g, ' ')
    .trim();
}
