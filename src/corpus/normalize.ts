/**
 * Text and identifier normalization shared by every source (docs: data-sources §4 and §5).
 * Everything here is pure and never throws.
 */

const ARXIV_PREFIX =
  /^(?:https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/|https?:\/\/(?:www\.)?(?:huggingface|hf)\.co\/papers\/|arxiv:|oai:arxiv\.org:)/i;
/** New form `YYMM.NNNN(N)`, or old form `archive(.SC)/YYMMNNN`; then an optional `vN`. */
const ARXIV_ID = /^(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(?:v([1-9]\d*))?$/;

/**
 * Parses an arXiv identifier in any form seen in the wild: bare (`2501.12948v2`, `hep-th/9711200`),
 * prefixed (`arXiv:`, `oai:arXiv.org:`) or as an arXiv abs/pdf or Hugging Face paper URL.
 * Returns the base id (case kept) and the version, or null when the input is not an arXiv id.
 */
export function normalizeArxivId(input: string): { base: string; version: number | null } | null {
  const trimmed = input.trim();
  let id = trimmed.replace(ARXIV_PREFIX, '');
  if (id !== trimmed) id = id.replace(/[?#].*$/, '').replace(/\/$/, '');
  const match = ARXIV_ID.exec(id.replace(/\.pdf$/i, ''));
  if (!match) return null;
  return { base: match[1]!, version: match[2] === undefined ? null : Number(match[2]) };
}

/** Folds every run of whitespace (newlines included) into one space, and trims. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Unwraps a hard-wrapped abstract: lines are joined with a space, and a paragraph break (`\n\n`) is kept
 * only before an indented line or at a blank line. Other whitespace is folded; the result is trimmed.
 */
export function cleanAbstract(s: string): string {
  const paragraphs: string[][] = [[]];
  for (const line of s.split(/\r\n?|\n/)) {
    const current = paragraphs[paragraphs.length - 1]!;
    const startsParagraph = line.trim() === '' || /^\s/.test(line);
    if (startsParagraph && current.length > 0) paragraphs.push([]);
    if (line.trim() !== '') paragraphs[paragraphs.length - 1]!.push(line);
  }
  return paragraphs
    .map((lines) => collapseWhitespace(lines.join(' ')))
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(Object.entries({
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  copy: '©', reg: '®', trade: '™', deg: '°', middot: '·', times: '×', euro: '€', pound: '£', sect: '§',
  szlig: 'ß', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø', eth: 'ð', ETH: 'Ð', thorn: 'þ', THORN: 'Þ',
}));
/** Accented Latin letters by entity suffix (`eacute`, `Ouml`, `ccedil`…), as combining marks. */
const ENTITY_ACCENTS: Readonly<Record<string, string>> = {
  acute: '\u0301', grave: '\u0300', circ: '\u0302', tilde: '\u0303', uml: '\u0308', ring: '\u030a', cedil: '\u0327',
};
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function fromCodePoint(codePoint: number): string | undefined {
  const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : undefined;
}

function namedEntity(name: string): string | undefined {
  const accent = /^([aceinouyACEINOUY])(acute|grave|circ|tilde|uml|ring|cedil)$/.exec(name);
  if (!accent) return NAMED_ENTITIES.get(name);
  const composed = (accent[1]! + ENTITY_ACCENTS[accent[2]!]!).normalize('NFC');
  return [...composed].length === 1 ? composed : undefined;
}

/**
 * Decodes HTML/XML character references exactly once: the XML ones, `&nbsp;`, common Latin letters and
 * punctuation, and numeric references (`&#233;`, `&#xE9;`). Unknown or invalid references stay as written,
 * and so does a lone `&`. `&amp;lt;` becomes `&lt;`, not `<`.
 */
export function decodeHtmlEntities(s: string): string {
  return s.replace(ENTITY, (reference, decimal?: string, hex?: string, name?: string) => {
    const decoded =
      decimal !== undefined ? fromCodePoint(Number(decimal))
      : hex !== undefined ? fromCodePoint(Number.parseInt(hex, 16))
      : namedEntity(name!);
    return decoded ?? reference;
  });
}

const TEX_ACCENT_MARKS: Readonly<Record<string, string>> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '"': '\u0308', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b', r: '\u030a', k: '\u0328',
};
/**
 * An accent macro with its letter: `\'e`, `\'{e}`, `{\'e}`, `\c{c}`, `{\c c}`, `\'{\i}`. Groups: an opening
 * brace, the accent, the letter (braced or bare), a closing brace. Letter-named accents (`\c`) need a
 * space or a brace after them, so `\cdot` is not mistaken for one.
 */
const TEX_ACCENT = /(\{?)\\(['`^~"=.]|[cvuHrk](?=[\s{]))\s*(?:\{(\\[ij]|[A-Za-z])\}|(\\[ij]|[A-Za-z]))(\}?)/g;

/**
 * Undoes TeX text escapes: `\% \& \_ \# \$` become the plain characters, ``` `` ``` and `''` become curly
 * quotes, and accent macros (`\'e`, `\'{e}`, `{\"o}`, `\c{c}`…) become accented letters, NFC-normalized.
 */
export function unescapeTex(s: string): string {
  return s
    .replace(TEX_ACCENT, (_match, open: string, accent: string, braced?: string, bare?: string, close?: string) => {
      const letter = (braced ?? bare ?? '').replace(/^\\/, '');
      const accented = (letter + TEX_ACCENT_MARKS[accent]!).normalize('NFC');
      return open !== '' && close !== '' ? accented : `${open}${accented}${close ?? ''}`;
    })
    .replace(/\\([%&_#$])/g, '$1')
    .replace(/``/g, '“')
    .replace(/''/g, '”')
    .normalize('NFC');
}

const GREEK_NAMES =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi omega';
const GREEK_UPPER_NAMES = 'Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega';

function zip(names: string, symbols: string): [string, string][] {
  const chars = [...symbols];
  return names.split(' ').map((name, i) => [name, chars[i]!]);
}

/** TeX macros with a one-character display form. */
const TEX_SYMBOLS: ReadonlyMap<string, string> = new Map(Object.entries({
  ...Object.fromEntries(zip(GREEK_NAMES, 'αβγδεζηθικλμνξπρστυφχψω')),
  ...Object.fromEntries(zip(GREEK_UPPER_NAMES, 'ΓΔΘΛΞΠΣΥΦΨΩ')),
  varepsilon: 'ε', vartheta: 'ϑ', varphi: 'φ', varpi: 'ϖ', varrho: 'ϱ', varsigma: 'ς',
  infty: '∞', times: '×', cdot: '·', pm: '±', mp: '∓', div: '÷', sim: '~', approx: '≈', simeq: '≃', equiv: '≡',
  leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', ll: '≪', gg: '≫', propto: '∝',
  rightarrow: '→', to: '→', leftarrow: '←', Rightarrow: '⇒', Leftarrow: '⇐', leftrightarrow: '↔', mapsto: '↦',
  in: '∈', notin: '∉', subset: '⊂', subseteq: '⊆', cup: '∪', cap: '∩', forall: '∀', exists: '∃', emptyset: '∅',
  partial: '∂', nabla: '∇', sum: '∑', prod: '∏', int: '∫', sqrt: '√', circ: '∘', star: '⋆', prime: '′',
  ldots: '…', cdots: '⋯', dots: '…', ss: 'ß', ae: 'æ', AE: 'Æ', o: 'ø', O: 'Ø', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł',
}));

/** Formatting macros whose argument is shown as is. */
const TEX_UNWRAP = new Set([
  'text', 'textrm', 'textsf', 'texttt', 'textbf', 'textit', 'emph', 'mathrm', 'mathbf', 'mathit', 'mathsf',
  'mathtt', 'mathcal', 'mathbb', 'boldsymbol', 'operatorname',
]);

const SCRIPTABLE = '0123456789+-=()';
const SUPERSCRIPTS = [...'⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾'];
const SUBSCRIPTS = [...'₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎'];
/** `^2`, `_0`, `^{2}`, `_{10}`: a script whose argument is digits or signs only. */
const SCRIPT = /([_^])(?:\{([0-9+\-=()]+)\}|([0-9+\-=()]))/g;
/**
 * Inline math `$…$` (or `$$…$$`): the opening delimiter is followed by a non-space, the closing one follows
 * a non-space and is not followed by a digit, so prices like `$5 and $10` are left alone.
 */
const INLINE_MATH = /(?<![\\$])(\$\$?)(?![\s$])((?:\\.|[^$\\\n])+?)(?<![\s\\])\1(?![\d$])/g;

function mathToText(math: string): string {
  return math.replace(SCRIPT, (_match, kind: string, braced?: string, bare?: string) => {
    const targets = kind === '^' ? SUPERSCRIPTS : SUBSCRIPTS;
    return [...(braced ?? bare ?? '')].map((c) => targets[SCRIPTABLE.indexOf(c)]).join('');
  });
}

/**
 * A readable, plain-text form of a string holding TeX (data-sources §5): inline-math delimiters dropped,
 * scripts of digits and signs as Unicode (`^2` → ², `_0` → ₀), common macros as symbols (`\times` → ×),
 * formatting macros unwrapped (`\text{…}`), escapes and accents undone ({@link unescapeTex}), other
 * braces removed. Unknown macros (`\implname`) keep their name without the backslash. Never renders
 * TeX fully and never fails; line breaks are kept.
 */
export function texToDisplay(s: string): string {
  const withoutMath = s.replace(INLINE_MATH, (_match, _delimiter: string, math: string) => mathToText(math));
  return unescapeTex(withoutMath)
    .replace(/\\[\\,;: ]/g, ' ')
    .replace(/\\!/g, '')
    .replace(/\\([A-Za-z]+)/g, (_match, name: string) => (TEX_UNWRAP.has(name) ? '' : TEX_SYMBOLS.get(name) ?? name))
    .replace(/\\([{}])|[{}]/g, (_match, escaped?: string) => escaped ?? '')
    .normalize('NFC');
}

/** Greek letters a flattened abstract may spell out as a word: only names that are not also English words in papers (`beta distribution`, `Gamma noise`). */
const FLAT_GREEK_WORDS = new Set('theta vartheta iota kappa mu nu xi rho varrho tau upsilon phi varphi chi psi omega Theta Xi Upsilon Phi Psi Omega Sigma'.split(' '));
/** Macros that are never English words, so a word made of them is flattened TeX wherever it stands (`sharp` is English alone, TeX only glued to another name). */
const FLAT_MACROS = new Set('nabla infty rightarrow leftarrow Rightarrow mapsto mathcal mathbb mathrm'.split(' '));
const FLAT_EXTRA: ReadonlyMap<string, string> = new Map([['top', '⊤'], ['star', '⋆'], ['sharp', '♯']]);
/** Two-letter names that are Greek letters; other two-letter macros (`to`, `in`, `ne`, `ss`) are too common in words to read. */
const GREEK_TWO_LETTERS = new Set(['mu', 'nu', 'xi', 'pi']);
/** Names a flattened math token may be made of, longest first. */
const FLAT_NAMES = [...new Set([...TEX_SYMBOLS.keys(), ...FLAT_MACROS, ...TEX_UNWRAP, ...FLAT_EXTRA.keys()])]
  .filter((name) => name.length >= 3 || GREEK_TWO_LETTERS.has(name))
  .sort((a, b) => b.length - a.length);

/** The display of one flattened name: `theta` → θ, `mathcal` → '' (a formatting macro), `sharp` → ♯. */
function flatSymbol(name: string): string {
  if (TEX_UNWRAP.has(name)) return '';
  return FLAT_EXTRA.get(name) ?? TEX_SYMBOLS.get(name) ?? name;
}

/**
 * `word` read as up to two leading letters (one outside math), TeX names glued together, and at most one trailing letter
 * (`Tsharpmu` = T ♯ μ, `drightarrow` = d →, `mathcalC` = C, `Phicirc` = Φ ∘), or undefined when it is not
 * made that way. With `requireMacro`, one of the names must be a macro that is never English (`nabla`), or
 * there must be two names glued together (`sharpmu`).
 */
function segmentFlatTex(word: string, requireMacro: boolean): string | undefined {
  const segment = (at: number, usedMacro: boolean, names: number): string | undefined => {
    const done = (): boolean => names > 0 && (!requireMacro || usedMacro || names >= 2);
    if (at === word.length) return done() ? '' : undefined;
    for (const name of FLAT_NAMES) {
      if (!word.startsWith(name, at)) continue;
      const rest = segment(at + name.length, usedMacro || FLAT_MACROS.has(name), names + 1);
      if (rest !== undefined) return flatSymbol(name) + rest;
    }
    return at === word.length - 1 && done() ? word.slice(at) : undefined;
  };
  for (let lead = 0; lead <= (requireMacro ? 1 : 2) && lead < word.length; lead++) {
    const rest = segment(lead, false, 0);
    if (rest !== undefined) return word.slice(0, lead) + rest;
  }
  return undefined;
}

/**
 * Repairs TeX that lost its backslashes and dollars on the way (text copied from a rendered web page, such
 * as the Hugging Face trending page): in a math-like token (with `_` or `^`) every TeX name becomes its
 * symbol (`f_theta` → `f_θ`, `M^c_rho(T)` → `M^c_ρ(T)`, `V^top_p` → `V^⊤_p`); a word glued from TeX
 * names around a macro that is never English becomes symbols (`Tsharpmu` → `T♯μ`, `n/drightarrow` →
 * `n/d→`, `nabla` → `∇`); and a Greek letter's name standing alone becomes the letter when it is not also
 * an English word (`theta`, `rho`, `nu`; not `beta`, `Gamma`). URLs are left alone.
 */
export function repairFlattenedTex(text: string): string {
  return text.replace(/\S+/g, (token) => {
    if (/:\/\/|www\.|\.(?:com|org|io|net|edu)\//i.test(token)) return token;
    const mathLike = /[_^]/.test(token);
    return token.replace(/[A-Za-z]{2,}/g, (word) => {
      if (mathLike) return FLAT_NAMES.includes(word) ? flatSymbol(word) : (segmentFlatTex(word, false) ?? word);
      if (FLAT_GREEK_WORDS.has(word)) return flatSymbol(word);
      return segmentFlatTex(word, true) ?? word;
    });
  });
}

/** Path segments under github.com that are not owners of repositories. */
const GITHUB_NON_OWNERS = new Set(['orgs', 'features', 'topics', 'sponsors', 'marketplace', 'settings', 'search', 'explore', 'collections']);
const GITHUB_REPO =
  /^(?:(?:https?:\/\/)?(?:www\.)?github\.com\/|git@github\.com:)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]+?)(?:\.git)?(?:[/?#].*)?$/i;

/**
 * The canonical `https://github.com/<owner>/<repo>` URL of a repository given as a URL (any page inside
 * it, `.git`, trailing slash, query or hash), `github.com/owner/repo`, or bare `owner/repo`.
 * Returns undefined when the string does not name a GitHub repository.
 */
export function normalizeGithubUrl(s: string): string | undefined {
  const match = GITHUB_REPO.exec(s.trim());
  if (!match) return undefined;
  const owner = match[1]!;
  const repo = match[2]!;
  if (GITHUB_NON_OWNERS.has(owner.toLowerCase()) || repo === '.' || repo === '..') return undefined;
  return `https://github.com/${owner}/${repo}`;
}

const HF_ORIGIN = 'https://huggingface.co';

/** Resolves a Hugging Face avatar URL, which may be relative (`/avatars/<hash>.svg`), against the Hub. */
export function absoluteHfAvatar(url: string): string {
  try {
    return new URL(url, HF_ORIGIN).href;
  } catch {
    return url;
  }
}
