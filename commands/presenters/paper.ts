/*
 * Papers to neutral blocks: the full card (`show`) and the compact card (lists and digests), as
 * product.md §3 describes. Pure: everything a card shows arrives in a `PaperView`.
 */
import type { Block, Button, Inline, Span } from '../../src/chat/message.ts';
import { truncate } from '../../src/chat/text.ts';
import type { Paper } from '../../src/corpus/paper.ts';

/** Everything a card shows about one paper. */
export interface PaperView {
  paper: Paper;
  /** The source's AI summary, else the abstract's most representative sentence. */
  tldr?: string;
  keyTerms: string[];
  /** Why it ranks: `▲ 142 (+38 in 24 h) · 💬 9 · ★ 1.2k · 2 days old` (may be empty). */
  signals: string;
  buttons: Button[];
}

/** Authors shown before "et al.". */
export const AUTHORS_SHOWN = 3;
/** Longest TL;DR on a full card and on a compact card. */
export const TLDR_CHARS = { full: 500, compact: 280 } as const;

/** `A, B, C et al.` */
export function authorLine(authors: readonly string[]): string {
  if (authors.length <= AUTHORS_SHOWN) return authors.join(', ');
  return `${authors.slice(0, AUTHORS_SHOWN).join(', ')} et al.`;
}

/** The day a paper is dated by: published, else featured. */
export function paperDate(paper: Paper): string | undefined {
  return paper.publishedAt?.slice(0, 10) ?? paper.featuredOn;
}

/** The link a title points to. */
export function paperUrl(paper: Paper): string | undefined {
  return paper.links.abs ?? paper.links.hf;
}

/** `arXiv · PDF · Hugging Face · Code · Project`, each a link, for the ones the paper has. */
export function linkSpans(paper: Paper): Inline[] {
  const named: [string, string | undefined][] = [
    ['arXiv', paper.links.abs],
    ['PDF', paper.links.pdf],
    ['Hugging Face', paper.links.hf],
    ['Code', paper.links.github],
    ['Project', paper.links.project],
  ];
  const spans: Inline[] = [];
  for (const [label, url] of named) {
    if (!url) continue;
    if (spans.length > 0) spans.push(' · ');
    spans.push({ text: label, url } satisfies Span);
  }
  return spans;
}

function metaLine(view: PaperView): string {
  return [authorLine(view.paper.authors), paperDate(view.paper), view.signals].filter((part) => part).join(' · ');
}

/** The full card: title, authors, date, signals, TL;DR, key terms, links, buttons. */
export function fullCard(view: PaperView): Block[] {
  const { paper } = view;
  const blocks: Block[] = [{ kind: 'heading', text: paper.titleDisplay, ...(paperUrl(paper) ? { url: paperUrl(paper)! } : {}) }];
  const meta = metaLine(view);
  if (meta) blocks.push({ kind: 'context', text: [meta] });
  if (view.tldr) blocks.push({ kind: 'text', text: [{ text: 'TL;DR ', style: 'bold' }, truncate(view.tldr, TLDR_CHARS.full)] });
  const fields: { label: string; value: Inline[] }[] = [];
  if (view.keyTerms.length > 0) fields.push({ label: 'Key terms', value: [view.keyTerms.join(', ')] });
  const links = linkSpans(paper);
  if (links.length > 0) fields.push({ label: 'Links', value: links });
  if (fields.length > 0) blocks.push({ kind: 'fields', fields });
  if (view.buttons.length > 0) blocks.push({ kind: 'actions', buttons: view.buttons });
  return blocks;
}

/** The compact card: title, one line of signals, the TL;DR, buttons. */
export function compactCard(view: PaperView): Block[] {
  const { paper } = view;
  const blocks: Block[] = [{ kind: 'heading', text: paper.titleDisplay, ...(paperUrl(paper) ? { url: paperUrl(paper)! } : {}) }];
  const meta = metaLine(view);
  if (meta) blocks.push({ kind: 'context', text: [meta] });
  if (view.tldr) blocks.push({ kind: 'text', text: [truncate(view.tldr, TLDR_CHARS.compact)] });
  if (view.buttons.length > 0) blocks.push({ kind: 'actions', buttons: view.buttons });
  return blocks;
}

/** One line of plain text for notifications and fallbacks: `Title (arXiv:ID) — url`. */
export function paperFallback(paper: Paper): string {
  const id = paper.arxivId ? ` (arXiv:${paper.arxivId})` : '';
  const url = paperUrl(paper);
  return `${paper.titleDisplay}${id}${url ? ` — ${url}` : ''}`;
}
