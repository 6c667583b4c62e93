/*
 * arXiv's HTML rendering of a paper (LaTeXML, or the older ar5iv with `div` sections) to a PaperText:
 * sections with their numbers and nesting, paragraphs, figure and table captions and footnotes as
 * passages, math as its `alttext` made readable, citations as their labels. Navigation, banners, author
 * blocks, table cells, bibliography and conversion errors are left out. Streaming (htmlparser2): the page
 * is never held as a DOM, and it can be fed in slices so a long page does not hold the event loop.
 */
import { Parser } from 'htmlparser2';
import { texToDisplay } from '../corpus/normalize.ts';
import { TimeSlicer } from '../util/steps.ts';
import type { Passage, PaperText, PassageKind, SectionHeading } from './paper-text.ts';

/** Passage text kept per paper: about 60 pages of dense text. Passages past it are dropped (`truncated`). */
export const MAX_TEXT_CHARS = 400_000;
/**
 * Characters fed to the parser at a time by {@link parseLatexmlInSlices} (well under a millisecond of parsing);
 * it yields to the event loop once a slice has taken {@link PARSE_SLICE_MS}. 64 KB pieces took 10–70 ms each.
 */
export const PARSE_PIECE_CHARS = 4 * 1024;
const PARSE_SLICE_MS = 8;

/** Section classes and their outline level (LaTeXML and ar5iv put them on `section` or `div`). */
const SECTION_LEVELS: ReadonlyMap<string, number> = new Map([
  ['ltx_section', 1],
  ['ltx_appendix', 1],
  ['ltx_chapter', 1],
  ['ltx_subsection', 2],
  ['ltx_subsubsection', 3],
  ['ltx_paragraph', 4],
  ['ltx_subparagraph', 5],
]);

/** Classes whose whole content is dropped. */
const DROPPED_CLASSES = [
  'ltx_bibliography', 'ltx_TOC', 'ltx_page_navbar', 'ltx_page_header', 'ltx_page_footer', 'ltx_authors', 'ltx_ERROR',
  'ltx_tag_equation', 'ltx_note_mark', 'ltx_tag_note', 'ltx_dates', 'ltx_keywords', 'ltx_classification', 'ltx_acknowledgement_title',
];
/** Elements whose whole content is dropped. */
const DROPPED_ELEMENTS = new Set(['script', 'style', 'nav', 'header', 'footer', 'svg', 'button', 'noscript', 'head']);
/** Elements after which words must not run together. */
const BREAKING_ELEMENTS = new Set(['p', 'div', 'li', 'td', 'th', 'tr', 'br', 'section', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dd', 'dt']);

type FrameKind =
  | 'plain'
  | 'drop'
  | 'document'
  | 'section'
  | 'heading'
  | 'number'
  | 'abstract'
  | 'title'
  | 'paragraph'
  | 'figure'
  | 'caption'
  | 'footnote'
  | 'footnote-content'
  | 'math';

interface Frame {
  name: string;
  kind: FrameKind;
  /** Text collected by a collecting frame. */
  text?: string[];
  id?: string;
  section?: SectionHeading;
  /** A display equation (its text is followed by a sentence break). */
  equation?: boolean;
  /** A tag (`(ii)`, `Figure 3:`) that the following words must not run into. */
  spaced?: boolean;
}

/** Readable text of a math element's TeX: `\mathcal{L}_{\text{CE}}` → `L_CE`, `\alpha=0.01` → `α=0.01`. */
function mathText(alttext: string): string {
  const tex = alttext.trim();
  if (tex === '') return '';
  return texToDisplay(`$${tex}$`).replace(/\s+/g, ' ').trim();
}

/** Folds layout whitespace (including no-break spaces) and drops the list bullets LaTeXML writes as text. */
function clean(parts: readonly string[]): string {
  return parts
    .join('')
    .replace(/[•◦▪]/g, ' ')
    .replace(/[^\S\u2029]+/g, ' ')
    .replace(/\s+([,.;:!?)\]])/g, '$1')
    .replace(/([([])\s+/g, '$1')
    .replace(/\s*\u2029[\s\u2029]*/g, '\n\n')
    .trim();
}

/** Marks the end of a display equation: the text after it starts a new sentence. */
const BLOCK_BREAK = '\u2029';

/** A section number from its tag: `4.2 ` → `4.2`, `Appendix A ` → `A`. */
function sectionNumber(tag: string): string | undefined {
  const number = tag.replace(/\s+/g, ' ').trim().replace(/^(?:appendix|chapter|section)\s+/i, '').replace(/[.:]$/, '');
  return number === '' ? undefined : number;
}

/**
 * A LaTeXML page parser fed in pieces (`write`), finished with `finish`. Builds the outline and passages as
 * the elements close; keeps at most {@link MAX_TEXT_CHARS} of passage text.
 */
export class LatexmlParser {
  private readonly stack: Frame[] = [];
  private readonly sections: SectionHeading[] = [];
  private readonly passages: Passage[] = [];
  private readonly pendingFootnotes: Passage[] = [];
  private readonly parser: Parser;
  private title: string | undefined;
  private readonly abstractParts: string[] = [];
  private sawDocument = false;
  private chars = 0;
  private truncated = false;
  private footnotes = 0;
  private figures = 0;

  constructor(private readonly maxChars = MAX_TEXT_CHARS) {
    this.parser = new Parser(
      {
        onopentag: (name, attributes) => this.open(name, attributes),
        ontext: (text) => this.text(text),
        onclosetag: (name) => this.close(name),
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
    );
  }

  /** Feeds the next piece of the page. */
  write(chunk: string): void {
    this.parser.write(chunk);
  }

  /**
   * Ends the page and returns its text, or undefined when it is not a LaTeXML paper (no `ltx_document`, or
   * neither an abstract nor a passage in it): a failed conversion or an error page.
   */
  finish(): PaperText | undefined {
    this.parser.end();
    const abstract = clean(this.abstractParts);
    if (!this.sawDocument || (abstract === '' && this.passages.length === 0)) return undefined;
    return {
      ...(this.title ? { title: this.title } : {}),
      ...(abstract !== '' ? { abstract } : {}),
      sections: this.sections,
      passages: this.passages,
      truncated: this.truncated,
    };
  }

  private get top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private inside(kind: FrameKind): Frame | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]!.kind === kind) return this.stack[i];
    return undefined;
  }

  private currentSection(): SectionHeading | undefined {
    return this.inside('section')?.section;
  }

  private open(name: string, attributes: Record<string, string>): void {
    const classes = (attributes.class ?? '').split(/\s+/);
    const has = (cls: string): boolean => classes.includes(cls);
    const frame: Frame = {
      name,
      kind: 'plain',
      ...(has('ltx_equation') || has('ltx_equationgroup') ? { equation: true } : {}),
      ...(has('ltx_tag') ? { spaced: true } : {}),
    };
    const dropped = this.stack.some((f) => f.kind === 'drop' || f.kind === 'math');
    if (dropped) {
      frame.kind = 'drop';
    } else if (name === 'math') {
      frame.kind = 'math';
      this.emit(` ${mathText(attributes.alttext ?? '')} `);
    } else if (DROPPED_ELEMENTS.has(name) || DROPPED_CLASSES.some(has) || name === 'img') {
      frame.kind = 'drop';
    } else if (has('ltx_document')) {
      frame.kind = 'document';
      this.sawDocument = true;
    } else if (!this.inside('document')) {
      frame.kind = 'plain';
    } else if (has('ltx_abstract')) {
      frame.kind = 'abstract';
    } else if (this.inside('abstract') && has('ltx_title')) {
      frame.kind = 'drop';
    } else if (has('ltx_title_document')) {
      frame.kind = 'title';
      frame.text = [];
    } else if (classes.some((c) => SECTION_LEVELS.has(c)) && !this.inside('paragraph')) {
      const level = SECTION_LEVELS.get(classes.find((c) => SECTION_LEVELS.has(c))!)!;
      const parent = this.currentSection();
      frame.kind = 'section';
      frame.section = { id: attributes.id ?? `section${this.sections.length + 1}`, title: '', level, ...(parent ? { parent: parent.id } : {}) };
    } else if (has('ltx_title') && this.top?.kind === 'section' && this.top.section?.title === '') {
      frame.kind = 'heading';
      frame.text = [];
      frame.section = this.top.section;
    } else if (this.inside('heading') && has('ltx_tag')) {
      frame.kind = 'number';
      frame.text = [];
    } else if (has('ltx_note') && !has('ltx_role_footnote')) {
      // Other notes (thanks, margin notes) are not part of the text.
      frame.kind = 'drop';
    } else if (has('ltx_note') && has('ltx_role_footnote')) {
      frame.kind = 'footnote';
      frame.id = attributes.id ?? `footnote${this.footnotes + 1}`;
      this.footnotes++;
    } else if (this.top?.kind === 'footnote' && has('ltx_note_outer')) {
      frame.kind = 'plain';
    } else if (this.inside('footnote') && has('ltx_note_content')) {
      frame.kind = 'footnote-content';
      frame.text = [];
      frame.id = this.inside('footnote')!.id!;
    } else if (this.inside('footnote') && !this.inside('footnote-content')) {
      frame.kind = 'drop';
    } else if (name === 'figure' || has('ltx_figure') || has('ltx_table') || has('ltx_float')) {
      frame.kind = 'figure';
      frame.id = attributes.id ?? `figure${++this.figures}`;
    } else if (this.inside('figure') && (name === 'figcaption' || has('ltx_caption'))) {
      frame.kind = 'caption';
      frame.text = [];
      frame.id = this.inside('figure')!.id!;
    } else if (this.inside('figure') && !this.inside('caption')) {
      frame.kind = 'drop';
    } else if (has('ltx_tabular') && !this.inside('caption')) {
      // A table outside a figure: its cells are numbers without the caption that explains them.
      frame.kind = 'drop';
    } else if ((has('ltx_para') || (name === 'p' && has('ltx_p'))) && !this.inside('paragraph') && !this.inside('abstract') && !this.inside('title')) {
      frame.kind = 'paragraph';
      frame.text = [];
      frame.id = attributes.id ?? `${this.currentSection()?.id ?? 'p'}.p${this.passages.length + 1}`;
    }
    this.stack.push(frame);
  }

  /** Appends text to the innermost collecting frame (the abstract collects into its own buffer). */
  private emit(text: string): void {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const frame = this.stack[i]!;
      if (frame.kind === 'drop' || frame.kind === 'math' || frame.kind === 'figure' || frame.kind === 'footnote') return;
      if (frame.text) {
        frame.text.push(text);
        return;
      }
      if (frame.kind === 'abstract') {
        this.abstractParts.push(text);
        return;
      }
    }
  }

  private text(text: string): void {
    const top = this.top;
    if (!top || top.kind === 'drop' || top.kind === 'math') return;
    this.emit(text);
  }

  private close(name: string): void {
    // htmlparser2 closes implied elements itself; a stray end tag with no open element is ignored.
    const index = this.stack.map((f) => f.name).lastIndexOf(name);
    if (index === -1) return;
    while (this.stack.length > index) this.finishFrame(this.stack.pop()!);
  }

  private finishFrame(frame: Frame): void {
    if (frame.equation) this.emit(BLOCK_BREAK);
    else if ((frame.spaced || BREAKING_ELEMENTS.has(frame.name)) && frame.kind !== 'drop') this.emit(' ');
    switch (frame.kind) {
      case 'title':
        this.title = clean(frame.text!);
        break;
      case 'number': {
        const number = sectionNumber(clean(frame.text!));
        const heading = this.inside('heading');
        if (number && heading?.section) heading.section.number = number;
        break;
      }
      case 'heading': {
        const section = frame.section!;
        section.title = clean(frame.text!).replace(/[.:]$/, '') || section.number || 'Untitled';
        this.sections.push(section);
        break;
      }
      case 'section':
        if (frame.section && frame.section.title === '') {
          frame.section.title = 'Untitled';
          this.sections.push(frame.section);
        }
        break;
      case 'paragraph':
        this.addPassage('paragraph', frame.id!, clean(frame.text!));
        for (const footnote of this.pendingFootnotes.splice(0)) this.addPassage(footnote.kind, footnote.id, footnote.text, footnote.section);
        break;
      case 'caption':
        this.addPassage('caption', frame.id!, clean(frame.text!));
        break;
      case 'footnote-content': {
        const text = clean(frame.text!);
        const section = this.currentSection()?.id;
        const footnote: Passage = { id: frame.id!, kind: 'footnote', text, ...(section ? { section } : {}) };
        if (this.inside('paragraph')) this.pendingFootnotes.push(footnote);
        else this.addPassage('footnote', footnote.id, text, section);
        break;
      }
      default:
        break;
    }
  }

  private addPassage(kind: PassageKind, id: string, text: string, section = this.currentSection()?.id): void {
    if (!/[\p{L}\p{N}]/u.test(text) || this.truncated) return;
    if (this.chars + text.length > this.maxChars) {
      this.truncated = true;
      return;
    }
    this.chars += text.length;
    this.passages.push({ id, kind, ...(section ? { section } : {}), text });
  }
}

/** Parses a whole page at once (tests, small pages). See {@link LatexmlParser.finish}. */
export function parseLatexml(html: string, maxChars = MAX_TEXT_CHARS): PaperText | undefined {
  const parser = new LatexmlParser(maxChars);
  parser.write(html);
  return parser.finish();
}

/**
 * Parses a page in pieces of `pieceChars` ({@link PARSE_PIECE_CHARS}), yielding to the event loop every few
 * milliseconds, so a long page (300–800 KB) never holds up answers to chat platforms.
 */
export async function parseLatexmlInSlices(
  html: string,
  { maxChars = MAX_TEXT_CHARS, pieceChars = PARSE_PIECE_CHARS }: { maxChars?: number; pieceChars?: number } = {},
): Promise<PaperText | undefined> {
  const parser = new LatexmlParser(maxChars);
  const slicer = new TimeSlicer(PARSE_SLICE_MS);
  for (let at = 0; at < html.length; at += pieceChars) {
    parser.write(html.slice(at, at + pieceChars));
    await slicer.pause();
  }
  return parser.finish();
}
