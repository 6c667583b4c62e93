/*
 * A paper's full text as the bot keeps it: the outline (numbered, nested section headings) and the
 * passages in reading order (paragraphs, figure and table captions, footnotes), plain text with math as
 * readable TeX and citations as their labels. Plain data, stored as JSON in the database.
 */
import { z } from 'zod';

/** A heading of the paper's outline. */
export interface SectionHeading {
  /** The LaTeXML id (`S4.SS2`, `A1`, `Sx1`). */
  id: string;
  /** `4.2`, `A`; absent for unnumbered sections (Acknowledgements) and run-in paragraph headings. */
  number?: string;
  title: string;
  /** 1 section (or appendix), 2 subsection, 3 subsubsection, 4 paragraph. */
  level: number;
  /** The id of the enclosing section. */
  parent?: string;
}

/** What a passage is. */
export type PassageKind = 'paragraph' | 'caption' | 'footnote';

/** A passage of the body in reading order. */
export interface Passage {
  /** The LaTeXML id of the paragraph, figure, table or footnote (`S4.SS2.p2`, `S4.T1`, `footnote1`). */
  id: string;
  kind: PassageKind;
  /** The id of the innermost section it belongs to; absent before the first section. */
  section?: string;
  text: string;
}

/** A parsed paper. */
export interface PaperText {
  title?: string;
  abstract?: string;
  sections: SectionHeading[];
  passages: Passage[];
  /** Whether passages were left out to keep the text within its size bound (the end of a long appendix). */
  truncated: boolean;
}

/** Validates stored JSON (a record written by an older build, or damaged, is refetched rather than trusted). */
export const PaperTextSchema: z.ZodType<PaperText> = z.object({
  title: z.string().optional(),
  abstract: z.string().optional(),
  sections: z.array(
    z.object({ id: z.string(), number: z.string().optional(), title: z.string(), level: z.number().int().min(1), parent: z.string().optional() }),
  ),
  passages: z.array(
    z.object({ id: z.string(), kind: z.enum(['paragraph', 'caption', 'footnote']), section: z.string().optional(), text: z.string() }),
  ),
  truncated: z.boolean(),
});

/** Where a section sits, for quotes: `§4.2 Implementation details`, `§3.2 Setup › Hardware`, `Acknowledgements`. */
export function sectionLabel(text: PaperText, sectionId: string | undefined): string | undefined {
  if (sectionId === undefined) return undefined;
  const byId = new Map(text.sections.map((s) => [s.id, s]));
  const label = (id: string, depth: number): string | undefined => {
    const section = byId.get(id);
    if (!section || depth > 8) return undefined;
    if (section.number) return `§${section.number} ${section.title}`;
    const parent = section.parent ? label(section.parent, depth + 1) : undefined;
    return parent ? `${parent} › ${section.title}` : section.title;
  };
  return label(sectionId, 0);
}

/** The section titles from the passage's section up to the top (innermost first), for matching a question's topic. */
export function sectionTitles(text: PaperText, sectionId: string | undefined): string[] {
  const byId = new Map(text.sections.map((s) => [s.id, s]));
  const titles: string[] = [];
  for (let id = sectionId, depth = 0; id !== undefined && depth < 8; depth++) {
    const section = byId.get(id);
    if (!section) break;
    titles.push(section.title);
    id = section.parent;
  }
  return titles;
}

/** The top-level outline: `1 Introduction`, `2 Method`, …, `A Hyperparameters` (unnumbered sections by title). */
export function outline(text: PaperText): string[] {
  return text.sections.filter((s) => s.level === 1).map((s) => (s.number ? `${s.number} ${s.title}` : s.title));
}

/** Characters of passage text in all. */
export function textLength(text: PaperText): number {
  return text.passages.reduce((sum, p) => sum + p.text.length, 0) + (text.abstract?.length ?? 0);
}
