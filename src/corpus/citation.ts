/**
 * Citations to paste: a BibTeX entry and a one-line Markdown reference. Pure; missing data is left out,
 * never invented.
 */
import { tokenize } from '../index/tokenize.ts';
import type { Paper } from './paper.ts';

/** Name parts that follow a surname and are not it (`Jr.`, `III`). */
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/** Letters that NFKD does not take apart, with their ASCII spelling. */
const ASCII_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'n',
};

/** Lower-case ASCII letters and digits only: `Théo` → `theo`, `Łukasz` → `lukasz`, `O'Brien` → `obrien`. */
function asciiFold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\x00-\x7f]/g, (c) => ASCII_LETTERS[c] ?? '')
    .replace(/[^a-z0-9]+/g, '');
}

/** The surname of a display name: the last word (`Juan M. Maldacena` → `Maldacena`), or what precedes a comma. */
function surname(name: string): string {
  const [before, after] = name.split(',', 2).map((part) => part.trim());
  if (before && after && !NAME_SUFFIXES.has(asciiFold(after))) return before;
  const words = (before ?? '').split(/\s+/).filter((w) => w !== '');
  while (words.length > 1 && NAME_SUFFIXES.has(asciiFold(words[words.length - 1]!))) words.pop();
  return words[words.length - 1] ?? '';
}

/** The year of first publication (arXiv v1), else of the latest version, when known. */
function yearOf(paper: Paper): string | undefined {
  return (paper.publishedAt ?? paper.updatedAt)?.slice(0, 4);
}

/** The page to link: the arXiv abstract when there is an arXiv id, else the first link the paper has. */
function paperUrl(paper: Paper): string | undefined {
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  return paper.links.abs ?? paper.links.hf ?? paper.links.project ?? paper.links.pdf;
}

/** The first title word that carries meaning (stop words skipped), in ASCII; '' when there is none. */
function firstTitleWord(title: string): string {
  for (const term of tokenize(title)) {
    const word = asciiFold(term);
    if (/[a-z]/.test(word)) return word;
  }
  return '';
}

/**
 * The BibTeX key of a paper: first author's surname, year and first significant title word, ASCII-folded
 * and lower-cased (`vaswani2017attention`, `Théo Uscidda` → `uscidda…`). Without a surname or a year it is
 * `paperboy-` and the paper id (`paperboy-2501_12948`, `paperboy-44978d37ce` for a bundled `pb-…` id).
 * Only `[a-z0-9_-]` ever appear.
 */
export function bibtexKey(paper: Paper): string {
  const author = asciiFold(surname(paper.authors[0] ?? ''));
  const year = yearOf(paper);
  const key =
    author !== '' && year !== undefined
      ? `${author}${year}${firstTitleWord(paper.titleDisplay)}`
      : `paperboy-${paper.id.toLowerCase().replace(/^pb-/, '').replace(/[^a-z0-9-]+/g, '_')}`;
  return key.replace(/[^a-z0-9_-]/g, '');
}

/**
 * Plain text → a BibTeX/LaTeX value. Braces become `\textbraceleft{}`/`\textbraceright{}` rather than
 * `\{`/`\}`: BibTeX counts every brace, escaped or not, so a lone `\{` would break the entry.
 */
const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\textbraceleft{}',
  '}': '\\textbraceright{}',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  _: '\\_',
  $: '\\$',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

function escapeText(s: string): string {
  return s.replace(/[\\{}%&#_$~^]/g, (c) => TEXT_ESCAPES[c]!);
}

/** Whether the braces of `s` nest properly, counting escaped ones too (as BibTeX does). */
function balancedBraces(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A raw TeX title (arXiv's, e.g. `$\text{Transformer}^2$: Self-adaptive LLMs`) made safe as a value while
 * kept as TeX: macros, braces and math stay; an unescaped `%`, `&` or `#` is escaped, and so are `_` and
 * `^` outside math (`SP^2OT` → `SP\textasciicircum{}2OT`). A title with unbalanced braces or an odd number of `$` is not valid TeX and is escaped as text.
 */
function escapeTexTitle(title: string): string {
  const dollars = title.match(/(?<!\\)(?:\\\\)*\$/g)?.length ?? 0;
  if (!balancedBraces(title) || dollars % 2 === 1) return escapeText(title);
  let out = '';
  let math = false;
  for (let i = 0; i < title.length; i++) {
    const c = title[i]!;
    if (c === '\\') {
      out += c + (title[i + 1] ?? '');
      i++;
    } else if (c === '$') {
      math = !math;
      out += c;
    } else if (c === '%' || c === '&' || c === '#' || (c === '_' && !math)) {
      out += `\\${c}`;
    } else if (c === '^' && !math) {
      // A superscript outside math mode stops LaTeX ("Missing $ inserted"): shown as the character instead.
      out += TEXT_ESCAPES[c];
    } else {
      out += c;
    }
  }
  return out;
}

/** Identifiers and URLs are verbatim in BibTeX styles: only braces and whitespace, which would break the entry, go. */
function verbatim(s: string): string {
  return s.replace(/[{}\s]+/g, '');
}

/** An author for the `and`-separated list; a name containing the word "and" is braced so it stays one author. */
function bibtexAuthor(name: string): string {
  const escaped = escapeText(name);
  return /\band\b/i.test(name) ? `{${escaped}}` : escaped;
}

/**
 * A BibTeX `@misc` entry for a paper, one `field = {value}` per line with a two-space indent, in this order:
 * `title` (the raw TeX `title`, not `titleDisplay`, in double braces to keep its capitals), `author`
 * (`A and B and C`), `year` (of v1), `eprint`, `archivePrefix = {arXiv}`, `primaryClass`, `doi`, `url`
 * (the arXiv abstract page, else the paper's own link). Fields the paper lacks are left out; a bundled
 * paper without an arXiv id gets a `note` saying it came from the Hugging Face trending page.
 * Author names are escaped as text; identifiers and URLs are kept verbatim. The key is {@link bibtexKey}.
 */
export function toBibtex(paper: Paper): string {
  const fields: [string, string][] = [['title', `{${escapeTexTitle(paper.title)}}`]];
  if (paper.authors.length > 0) fields.push(['author', paper.authors.map(bibtexAuthor).join(' and ')]);
  const year = yearOf(paper);
  if (year !== undefined) fields.push(['year', year]);
  if (paper.arxivId) {
    fields.push(['eprint', verbatim(paper.arxivId)], ['archivePrefix', 'arXiv']);
    if (paper.primaryCategory) fields.push(['primaryClass', escapeText(paper.primaryCategory)]);
  }
  if (paper.doi) fields.push(['doi', verbatim(paper.doi)]);
  const url = paperUrl(paper);
  if (url !== undefined) fields.push(['url', verbatim(url)]);
  if (!paper.arxivId && paper.sources.includes('bundled')) {
    fields.push(['note', 'Listed on the Hugging Face trending papers page']);
  }
  const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(',\n');
  return `@misc{${bibtexKey(paper)},\n${body}\n}`;
}

/** Backslash-escapes the characters that would make Markdown markup: `\ [ ] * _ ` < >`. */
function escapeMarkdown(s: string): string {
  return s.replace(/[\\[\]*_`<>]/g, '\\$&');
}

/** A URL safe inside `(…)` of a Markdown link: parentheses, angle brackets and spaces percent-encoded. */
function markdownUrl(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `A`, `A and B`, `A, B, and C`, or `A et al.` from four authors on; undefined without authors. */
function authorList(authors: readonly string[]): string | undefined {
  const names = authors.map(escapeMarkdown);
  if (names.length === 0) return undefined;
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  if (names.length === 3) return `${names[0]}, ${names[1]}, and ${names[2]}`;
  return `${names[0]} et al.`;
}

/** `text` ended with a period, unless its visible text already ends a sentence. */
function withPeriod(text: string, visible: string = text): string {
  return /[.?!]$/.test(visible) ? text : `${text}.`;
}

/**
 * A one-line Markdown citation: `Authors (year). [Title](url). arXiv:ID.`, e.g.
 * `Ashish Vaswani et al. (2017). [Attention Is All You Need](https://arxiv.org/abs/1706.03762). arXiv:1706.03762.`
 * Authors are `A`, `A and B`, `A, B, and C`, then `A et al.`; the title is `titleDisplay`. Markdown
 * characters in names and title (`[ ] * _ ` < >` and `\`) are escaped so they show literally. Missing
 * parts are left out with their punctuation: no authors gives `[Title](url) (year).`, no URL an unlinked
 * title, no arXiv id no `arXiv:` part.
 */
export function toMarkdownCitation(paper: Paper): string {
  const authors = authorList(paper.authors);
  const year = yearOf(paper);
  const url = paperUrl(paper);
  const title = escapeMarkdown(paper.titleDisplay);
  const linked = url === undefined ? title : `[${title}](${markdownUrl(url)})`;
  const parts: string[] = [];
  if (authors !== undefined) {
    parts.push(year === undefined ? withPeriod(authors) : `${authors} (${year}).`);
    parts.push(withPeriod(linked, paper.titleDisplay));
  } else {
    parts.push(year === undefined ? withPeriod(linked, paper.titleDisplay) : `${linked} (${year}).`);
  }
  if (paper.arxivId) parts.push(`arXiv:${paper.arxivId}.`);
  return parts.join(' ');
}
